"""programs/state_update.asm, the rollup transition the L1 bridge checks: its files agree with an
independent Python model (zkvmc.hash.poseidon2 up a Merkle path), random transitions agree with
the VM, and every check it makes (affordability, membership, bits, u64 ranges) faults when broken."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from evm_support import REPO, STATE_DEPTH, Transition, transition_of
from zkvmc.artifacts.inputs import Inputs
from zkvmc.asm import assemble_file
from zkvmc.field import R
from zkvmc.vm import Run, run

PROGRAM = assemble_file(str(REPO / "programs" / "state_update.asm"))
U64 = 1 << 64
FILE_INPUTS = json.loads((REPO / "programs" / "state_update.input.json").read_text())


def go(inputs: dict[str, list[str]]) -> Run:
    return run(PROGRAM, Inputs(tuple(int(v) % R for v in inputs["public"]),
                               tuple(int(v) % R for v in inputs["private"])))


def fault(inputs: dict[str, list[str]]) -> str:
    """The faulting instruction and the reason, e.g. 'range r8, 1: range failed: 2 >= 2^1'."""
    r = go(inputs)
    assert r.fault is not None, f"expected a fault, got outputs {r.outputs}"
    return f"{r.fault.instr}: {r.fault.reason}"


def test_interface_is_declared() -> None:
    assert (PROGRAM.public, PROGRAM.private, PROGRAM.outputs) == (1, 3 + 2 * STATE_DEPTH, 1)


def test_files_agree_with_the_python_model() -> None:
    t = transition_of(FILE_INPUTS)
    expected = json.loads((REPO / "programs" / "state_update.expected.json").read_text())["outputs"]
    assert FILE_INPUTS["public"] == [str(t.old_root)]
    assert expected == [str(t.new_root)]
    assert t.new_root != t.old_root
    r = go(FILE_INPUTS)
    assert r.fault is None and r.outputs == (t.new_root,)


paths = st.lists(st.tuples(st.integers(0, R - 1), st.integers(0, 1)), min_size=STATE_DEPTH, max_size=STATE_DEPTH)


@settings(max_examples=15, deadline=None)
@given(balance=st.integers(0, U64 - 1), nonce=st.integers(0, U64 - 1), cut=st.integers(0, 2**32), path=paths)
def test_random_transitions_match_the_model(balance: int, nonce: int, cut: int, path: list) -> None:
    # amount = balance · cut / 2^32 in integers: a float product rounds above the balance (2^54 - 1 · 1.0).
    t = Transition(balance, nonce, balance * cut >> 32, tuple(path))
    r = go(t.inputs())
    assert r.fault is None, r.fault
    assert r.outputs == (t.new_root,)


def test_chained_updates_of_one_account() -> None:
    t = transition_of(FILE_INPUTS)
    nxt = t.then(100)
    assert nxt.old_root == t.new_root
    assert go(nxt.inputs()).outputs == (nxt.new_root,)


def test_whole_balance_may_be_spent_but_no_more() -> None:
    t = transition_of(FILE_INPUTS)
    assert go(replace(t, amount=t.balance).inputs()).fault is None
    over = replace(t, amount=t.balance + 1).inputs()
    over["public"] = [str(t.old_root)]  # the true old root: only the balance check can fail
    assert fault(over) == "assert_eq r6, 1: assert_eq failed: 0 != 1"


def test_wrong_old_root_faults() -> None:
    bad = dict(FILE_INPUTS, public=[str((int(FILE_INPUTS["public"][0]) + 1) % R)])
    assert fault(bad).startswith("assert_eq r4, r10: assert_eq failed")


def test_forged_sibling_faults() -> None:
    t = transition_of(FILE_INPUTS)
    path = list(t.path)
    path[2] = (path[2][0] + 1, path[2][1])
    bad = replace(t, path=tuple(path)).inputs()
    bad["public"] = FILE_INPUTS["public"]
    assert fault(bad).startswith("assert_eq r4, r10: assert_eq failed")


def test_non_bit_direction_faults() -> None:
    t = transition_of(FILE_INPUTS)
    path = list(t.path)
    path[0] = (path[0][0], 2)
    assert fault(replace(t, path=tuple(path)).inputs()) == "range r8, 1: range failed: 2 >= 2^1"


def test_values_beyond_u64_fault() -> None:
    t = transition_of(FILE_INPUTS)
    assert fault(replace(t, balance=U64, amount=1).inputs()) == "ge r6, r1, r3: u64 operand out of range"
    assert fault(replace(t, amount=R - 1).inputs()) == "ge r6, r1, r3: u64 operand out of range"
    assert fault(replace(t, nonce=U64).inputs()).startswith("range r2, 64: range failed")


def test_tape_counts_are_enforced() -> None:
    short = dict(FILE_INPUTS, private=FILE_INPUTS["private"][:-1])
    assert "read past end of private input" in fault(short)
