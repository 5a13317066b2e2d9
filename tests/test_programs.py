"""The example programs in programs/: assembled with zkvmc.asm, run on the VM, checked against
their expected files and against independent Python computations, each with a faulting twin."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvmc.artifacts.inputs import Inputs, read_inputs
from zkvmc.asm import assemble_file
from zkvmc.field import R
from zkvmc.hash.poseidon import poseidon2
from zkvmc.vm import Run, run

PROGRAMS = Path(__file__).resolve().parent.parent / "programs"
NAMES = ["fib", "factorial", "preimage", "merkle", "popcount", "sort", "sudoku", "calls"]
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
