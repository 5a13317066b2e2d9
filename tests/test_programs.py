"""The example programs in programs/: assembled with zkvmc.asm, run on the VM, checked against
their expected files and against independent Python computations, each with a faulting twin."""

from __future__ import annotations

import hashlib
import json
import math
import random
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler_support import evaluate
from zkvmc.artifacts.inputs import Inputs, read_inputs
from zkvmc.asm import assemble_file
from zkvmc.compiler import compile_program
from zkvmc.crypto.eddsa import prv2pub, sign_poseidon
from zkvmc.field import R
from zkvmc.hash.poseidon import poseidon, poseidon2
from zkvmc.vm import Run, run

PROGRAMS = Path(__file__).resolve().parent.parent / "programs"
NAMES = ["fib", "factorial", "preimage", "merkle", "popcount", "sort", "sudoku", "calls", "signed_vote"]
U64 = 1 << 64


def prog(name: str):
    """The assembled program (cached: assembling is the slow part)."""
    if name not in _CACHE:
        _CACHE[name] = assemble_file(str(PROGRAMS / f"{name}.asm"))
    return _CACHE[name]


_CACHE: dict = {}


def go(name: str, public: list[int] = (), private: list[int] = ()) -> Run:
    return run(prog(name), Inputs(tuple(v % R for v in public), tuple(v % R for v in private)))


def outputs(name: str, public: list[int] = (), private: list[int] = ()) -> tuple[int, ...]:
    r = go(name, public, private)
    assert r.fault is None, r.fault
    return r.outputs


def reason(name: str, public: list[int] = (), private: list[int] = ()) -> str:
    r = go(name, public, private)
    assert r.fault is not None, f"{name}: expected a fault, got {r.outputs}"
    return r.fault.reason


def inputs_of(name: str) -> Inputs:
    return read_inputs(str(PROGRAMS / f"{name}.input.json"))


# ------------------------------------------------------------------ the files themselves


@pytest.mark.parametrize("name", NAMES)
def test_program_matches_expected_file(name: str) -> None:
    r = run(prog(name), inputs_of(name))
    assert r.fault is None, r.fault
    expected = json.loads((PROGRAMS / f"{name}.expected.json").read_text())["outputs"]
    assert all(isinstance(v, str) and v.isdigit() for v in expected)
    assert r.outputs == tuple(int(v) for v in expected)


@pytest.mark.parametrize("name", NAMES)
def test_program_declares_its_interface(name: str) -> None:
    # Every example states its tape counts, so the compiler never has to infer them.
    p = prog(name)
    assert p.outputs is not None
    assert p.public is not None or not inputs_of(name).public
    assert p.private is not None or not inputs_of(name).private


def test_expected_files_agree_with_python() -> None:
    ins = {n: inputs_of(n) for n in NAMES}
    assert outputs("fib", ins["fib"].public) == (fib(ins["fib"].public[0]),)
    assert outputs("factorial", ins["factorial"].public) == (math.factorial(ins["factorial"].public[0]),)
    x, y = ins["preimage"].private
    assert ins["preimage"].public == (poseidon2(x, y),)
    assert ins["merkle"].public == (merkle_root(ins["merkle"].private),)
    assert sorted(ins["sort"].private) == list(outputs("sort", [], ins["sort"].private))
    assert sudoku_valid(list(ins["sudoku"].private))
    prv, nk = registry_entry(VOTER_INDEX)
    assert ins["signed_vote"].public == (ELECTION, registry_root())
    assert outputs("signed_vote", *tapes(ins["signed_vote"])) == (1, poseidon2(nk, ELECTION))


# ------------------------------------------------------------------ fib


def fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, (a + b) % R
    return a


def test_fib_all_admitted_n() -> None:
    for n in range(66):
        assert outputs("fib", [n]) == (fib(n),)


def test_fib_beyond_bound_faults() -> None:
    assert reason("fib", [66]) == "loop at line 19 exceeds .bound 64"
    assert "exceeds .bound 64" in reason("fib", [R - 1])


def test_fib_tape_rules() -> None:
    assert reason("fib", []) == "read past end of public input"
    assert reason("fib", [3, 4]) == "halt with 1 unread public input"


# ------------------------------------------------------------------ factorial


def test_factorial() -> None:
    for n in range(33):
        assert outputs("factorial", [n]) == (math.factorial(n) % R,)
    assert "exceeds .bound 31" in reason("factorial", [33])


# ------------------------------------------------------------------ preimage


@settings(max_examples=5)
@given(st.integers(0, R - 1), st.integers(0, R - 1))
def test_preimage_accepts_the_preimage(x: int, y: int) -> None:
    assert outputs("preimage", [poseidon2(x, y)], [x, y]) == ()


def test_preimage_rejects_others() -> None:
    h = poseidon2(5, 6)
    assert reason("preimage", [h], [6, 5]).startswith("assert_eq failed")
    assert reason("preimage", [h], [5, 7]).startswith("assert_eq failed")
    assert reason("preimage", [h], [5]) == "read past end of private input"


# ------------------------------------------------------------------ merkle


def merkle_root(private: tuple[int, ...] | list[int]) -> int:
    node = private[0]
    for lvl in range(8):
        sib, bit = private[1 + 2 * lvl], private[2 + 2 * lvl]
        node = poseidon2(sib, node) if bit else poseidon2(node, sib)
    return node


def merkle_path(seed: int) -> list[int]:
    rng = random.Random(seed)
    index = rng.randrange(256)
    path = [rng.randrange(R)]
    for lvl in range(8):
        path += [rng.randrange(R), (index >> lvl) & 1]
    return path


@pytest.mark.parametrize("seed", [1, 2])
def test_merkle_membership(seed: int) -> None:
    path = merkle_path(seed)
    assert outputs("merkle", [merkle_root(path)], path) == ()


def test_merkle_rejects_wrong_leaf_sibling_or_direction() -> None:
    path = merkle_path(3)
    root = merkle_root(path)
    for i in (0, 5, 2):  # the leaf, a sibling, a direction bit
        bad = list(path)
        bad[i] = bad[i] ^ 1
        assert reason("merkle", [root], bad).startswith("assert_eq failed")


def test_merkle_direction_must_be_a_bit() -> None:
    path = merkle_path(4)
    path[2] = 2
    assert reason("merkle", [merkle_root(merkle_path(4))], path) == "range failed: 2 >= 2^1"


# ------------------------------------------------------------------ popcount


@settings(max_examples=25)
@given(st.integers(0, U64 - 1))
def test_popcount(x: int) -> None:
    assert outputs("popcount", [x]) == (bin(x).count("1"),)


def test_popcount_rejects_non_u64() -> None:
    assert reason("popcount", [U64]) == "u64 operand out of range"
    assert reason("popcount", [-1]) == "u64 operand out of range"


# ------------------------------------------------------------------ sort


@settings(max_examples=25)
@given(st.lists(st.one_of(st.integers(0, U64 - 1), st.integers(0, 9)), min_size=6, max_size=6))
def test_sort(values: list[int]) -> None:
    assert outputs("sort", [], values) == tuple(sorted(values))


def test_sort_rejects_non_u64_and_wrong_count() -> None:
    assert reason("sort", [], [1, 2, 3, 4, 5, U64]) == "u64 operand out of range"
    assert reason("sort", [], [1, 2, 3, 4, 5]) == "read past end of private input"
    assert reason("sort", [], [1, 2, 3, 4, 5, 6, 7]) == "halt with 1 unread private input"


# ------------------------------------------------------------------ sudoku

GIVENS = [1, 0, 0, 4, 0, 0, 1, 0, 0, 1, 0, 0, 4, 0, 0, 1]
GROUPS = [[4 * r + c for c in range(4)] for r in range(4)] + \
    [[4 * r + c for r in range(4)] for c in range(4)] + \
    [[4 * (br + r) + bc + c for r in range(2) for c in range(2)] for br in (0, 2) for bc in (0, 2)]


def sudoku_valid(sol: list[int]) -> bool:
    fits = all(g in (0, v) for g, v in zip(GIVENS, sol))
    return fits and all(sorted(sol[i] for i in grp) == [1, 2, 3, 4] for grp in GROUPS)


def all_sudokus() -> list[list[int]]:
    """Every 4x4 sudoku grid (288 of them), by brute force over row permutations."""
    import itertools

    perms = list(itertools.permutations([1, 2, 3, 4]))
    top = [a + b for a in perms for b in perms if {*a[:2], *b[:2]} == {1, 2, 3, 4}
           and {*a[2:], *b[2:]} == {1, 2, 3, 4}]
    grids = [list(t + u) for t in top for u in top]
    return [g for g in grids if all(sorted(g[i] for i in grp) == [1, 2, 3, 4] for grp in GROUPS)]


def test_sudoku_accepts_exactly_the_valid_solutions() -> None:
    grids = all_sudokus()
    assert len(grids) == 288
    accepted = [g for g in grids if go("sudoku", [], g).fault is None]
    assert accepted == [g for g in grids if sudoku_valid(g)] and accepted


def test_sudoku_rejects_bad_cells() -> None:
    sol = list(inputs_of("sudoku").private)
    swapped = sol[:]
    swapped[1], swapped[2] = swapped[2], swapped[1]  # the row stays a permutation, columns break
    assert reason("sudoku", [], swapped) == "assert_eq failed: 11 != 10"  # column 1: 3, 4, 1, 3
    zero = sol[:]
    zero[1] = 0
    assert reason("sudoku", [], zero).startswith("range failed")
    five = sol[:]
    five[1] = 5
    assert reason("sudoku", [], five) == "range failed: 4 >= 2^2"


def test_sudoku_multiset_trick_is_tight() -> None:
    # The program's permutation test (values in 1..4, sum 10, product 24) is exact.
    import itertools

    for vals in itertools.product(range(1, 5), repeat=4):
        assert (sum(vals) == 10 and math.prod(vals) == 24) == (sorted(vals) == [1, 2, 3, 4])


# ------------------------------------------------------------------ calls


@settings(max_examples=20)
@given(st.lists(st.integers(0, R - 1), min_size=3, max_size=3))
def test_calls(xs: list[int]) -> None:
    assert outputs("calls", xs) == tuple((x**3 + 2 * x + 5) % R for x in xs)


def test_calls_counts() -> None:
    assert reason("calls", [1, 2]) == "read past end of public input"
    assert reason("calls", [1, 2, 3, 4]) == "halt with 1 unread public input"


# ------------------------------------------------------------------ signed_vote
#
# programs/signed_vote.input.json is ballot() (the test below regenerates it): voter 5 of a
# 16-voter registry, key bytes(range(32)), votes 1 in election 42. The other voters' keys and
# every voter's nullifier secret nk come from SHA-256 of fixed labels.

BALLOT = int.from_bytes(b"ballot", "big")
"""The program's `.const BALLOT` (0x62616c6c6f74), the domain tag of a ballot message."""
VOTER_KEY = bytes(range(32))
VOTER_INDEX = 5
ELECTION = 42
VOTE_DEPTH = 4


def tapes(inputs: Inputs) -> tuple[list[int], list[int]]:
    return list(inputs.public), list(inputs.private)


def registry_entry(i: int) -> tuple[bytes, int]:
    """(private key, nullifier secret nk) of registered voter i."""
    prv = VOTER_KEY if i == VOTER_INDEX else hashlib.sha256(b"signed_vote key %d" % i).digest()
    return prv, int.from_bytes(hashlib.sha256(b"signed_vote nk %d" % i).digest(), "big") % R


def voter_leaf(prv: bytes, nk: int) -> int:
    ax, ay = prv2pub(prv)
    return poseidon([ax, ay, nk])


@lru_cache(maxsize=None)
def registry_leaves() -> tuple[int, ...]:
    return tuple(voter_leaf(*registry_entry(i)) for i in range(1 << VOTE_DEPTH))


def registry_levels(leaves: tuple[int, ...], index: int) -> tuple[int, list[int]]:
    """(root, [sibling, bit] per level from the leaf up) of leaf `index`."""
    level, path = list(leaves), []
    for _ in range(VOTE_DEPTH):
        path += [level[index ^ 1], index & 1]
        level = [poseidon2(level[k], level[k + 1]) for k in range(0, len(level), 2)]
        index >>= 1
    return level[0], path


def registry_root() -> int:
    return registry_levels(registry_leaves(), 0)[0]


def ballot_message(election: int, vote: int) -> int:
    return poseidon([BALLOT, election, vote])


def ballot(index: int = VOTER_INDEX, vote: int = 1, election: int = ELECTION, *,
           prv: bytes | None = None, nk: int | None = None,
           message: int | None = None) -> tuple[list[int], list[int]]:
    """(public, private) tapes of voter `index` casting `vote` in `election`; prv, nk and the
    signed message replace the registered key, the registered nk and the honest message."""
    reg_prv, reg_nk = registry_entry(index)
    prv = reg_prv if prv is None else prv
    nk = reg_nk if nk is None else nk
    sig = sign_poseidon(prv, ballot_message(election, vote) if message is None else message)
    root, path = registry_levels(registry_leaves(), index)
    return [election, root], [*prv2pub(prv), nk, vote, sig.s, *sig.r8, *path]


def test_signed_vote_input_file_is_regenerated() -> None:
    public, private = ballot()
    doc = json.loads((PROGRAMS / "signed_vote.input.json").read_text())
    assert doc == {"public": [str(v) for v in public], "private": [str(v) for v in private]}


def test_signed_vote_outputs_the_vote_and_nullifier() -> None:
    nullifiers = {}
    for index in (0, 5, 10, 15):
        nk = registry_entry(index)[1]
        for vote in (0, 1):
            got = outputs("signed_vote", *ballot(index, vote))
            assert got == (vote, poseidon2(nk, ELECTION))
            nullifiers.setdefault(index, set()).add(got[1])
    # One nullifier per voter per election, whatever the vote; distinct voters, distinct ones.
    assert all(len(n) == 1 for n in nullifiers.values())
    assert len(set.union(*nullifiers.values())) == len(nullifiers)
    # Another election: another nullifier for the same voter (ballots cannot be linked).
    assert outputs("signed_vote", *ballot(election=43))[1] != poseidon2(registry_entry(5)[1], ELECTION)


def test_signed_vote_rejects_a_signature_of_the_other_vote() -> None:
    assert reason("signed_vote", *ballot(vote=1, message=ballot_message(ELECTION, 0))) == \
        "eddsa: signature does not verify"
    assert reason("signed_vote", *ballot(vote=0, message=ballot_message(ELECTION, 1))) == \
        "eddsa: signature does not verify"


def test_signed_vote_rejects_a_signature_for_another_election() -> None:
    assert reason("signed_vote", *ballot(message=ballot_message(ELECTION + 1, 1))) == \
        "eddsa: signature does not verify"
    # ... and a signature of the ballot without its domain tag (another use of the key).
    assert reason("signed_vote", *ballot(message=poseidon2(ELECTION, 1))) == \
        "eddsa: signature does not verify"


def test_signed_vote_rejects_a_key_not_in_the_registry() -> None:
    # A properly signed ballot by an unregistered key, on a registered voter's path.
    assert reason("signed_vote", *ballot(prv=bytes(range(1, 33)))).startswith("assert_eq failed")
    # The registered key with another nk (to get another nullifier): not the registered leaf.
    assert reason("signed_vote", *ballot(nk=registry_entry(5)[1] + 1)).startswith("assert_eq failed")
    # Another path: a direction bit flipped.
    public, private = ballot()
    private[8] ^= 1
    assert reason("signed_vote", public, private).startswith("assert_eq failed")


def test_signed_vote_rejects_a_vote_that_is_not_a_bit() -> None:
    # Signed like any ballot, but 2 is not a vote.
    assert reason("signed_vote", *ballot(vote=2)) == "range failed: 2 >= 2^1"
    assert reason("signed_vote", *ballot(vote=R - 1)).startswith("range failed")


@lru_cache(maxsize=None)
def signed_vote_circuit():
    return compile_program(prog("signed_vote"), 2)


def test_signed_vote_circuit_agrees() -> None:
    # The compiled circuit (O2) accepts the honest ballot with the VM's outputs, and the
    # witness of each faulting twin leaves a constraint unsatisfied.
    def witness(public: list[int], private: list[int]):
        return evaluate(signed_vote_circuit(), Inputs(tuple(public), tuple(v % R for v in private)))

    honest = witness(*ballot())
    assert honest.unsatisfied is None and honest.outputs == outputs("signed_vote", *ballot())
    for twin in (ballot(vote=1, message=ballot_message(ELECTION, 0)),
                 ballot(message=ballot_message(ELECTION + 1, 1)),
                 ballot(prv=bytes(range(1, 33))),
                 ballot(vote=2)):
        assert witness(*twin).unsatisfied is not None
