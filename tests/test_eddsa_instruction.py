"""The `eddsa` instruction and n-input `hash`: VM and circuit agree, forged signatures are unprovable.

Every case runs the VM and the compiled circuit's witness program on the same inputs: the VM
halts without a fault exactly when the witness satisfies every constraint (docs/language.md,
"Extension: eddsa"; docs/compiler.md, "eddsa").
"""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler_support import asm, evaluate
from zkvmc.artifacts.inputs import Inputs
from zkvmc.audit import audit
from zkvmc.compiler import compile_program
from zkvmc.compiler.circuit import Circuit
from zkvmc.compiler.eddsa_gadget import default_signature
from zkvmc.crypto import babyjub as bj
from zkvmc.crypto.eddsa import prv2pub, sign_poseidon
from zkvmc.field import R
from zkvmc.hash.poseidon import poseidon
from zkvmc.vm import run

CIRCOMLIB_EDDSA_POSEIDON = 4217
"""circomlib 2.0.5 EdDSAPoseidonVerifier, circom 2.2.3 --O2 (tests/test_eddsa_circom.py measures it)."""

CHECK = """
.public 7
.outputs 1
    read r1
    read r2
    read r3
    read r4
    read r5
    read r6
    read r7            ; 1: check the signature, 0: skip it
    jz r7, skip
    eddsa r1, r2, r3, r4, r5, r6
skip:
    write r6
"""

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
MSG = 1234


@lru_cache(maxsize=None)
def circuit(level: int = 2) -> Circuit:
    return compile_program(asm(CHECK), level)


def signed(prv: bytes = KEY, msg: int = MSG) -> list[int]:
    """[Ax, Ay, S, R8x, R8y, M] of a fresh signature."""
    ax, ay = prv2pub(prv)
    sig = sign_poseidon(prv, msg)
    return [ax, ay, sig.s, sig.r8[0], sig.r8[1], msg]


def outcome(ops: list[int], taken: int = 1) -> tuple[str | None, bool]:
    """(the VM's fault reason or None, whether the circuit's witness satisfies it)."""
    inputs = Inputs(tuple(v % R for v in ops) + (taken,), ())
    vm = run(asm(CHECK), inputs)
    satisfied = evaluate(circuit(), inputs).unsatisfied is None
    return (vm.fault.reason if vm.fault else None), satisfied


def off_curve_point() -> tuple[int, int]:
    return (5, 7)


def small_order_point() -> tuple[int, int]:
    """A point of order 2: (0, -1)."""
    return (0, R - 1)


def corrupt(ops: list[int], how: str) -> list[int]:
    """The negative twins of the issue, each a single change."""
    ax, ay, s, r8x, r8y, m = ops
    if how == "other message":
        return [ax, ay, s, r8x, r8y, m + 1]
    if how == "other key":
        return list(prv2pub(OTHER_KEY)) + [s, r8x, r8y, m]
    if how == "S + l":
        return [ax, ay, s + bj.SUBORDER, r8x, r8y, m]
    if how == "R8 off the curve":
        return [ax, ay, s, *off_curve_point(), m]
    if how == "small-order key":
        return [*small_order_point(), s, r8x, r8y, m]
    if how == "key off the curve":
        return [ax, (ay + 1) % R, s, r8x, r8y, m]
    raise AssertionError(how)


NEGATIVES = {
    "other message": "eddsa: signature does not verify",
    "other key": "eddsa: signature does not verify",
    "S + l": "eddsa: S not below the subgroup order",
    "R8 off the curve": "eddsa: R8 not on the curve",
    "small-order key": "eddsa: small-order public key",
    "key off the curve": "eddsa: public key not on the curve",
}


def test_a_valid_signature_passes_in_the_vm_and_the_circuit() -> None:
    assert outcome(signed()) == (None, True)


@pytest.mark.parametrize("how", sorted(NEGATIVES))
def test_each_forgery_faults_and_is_unsatisfiable(how: str) -> None:
    assert outcome(corrupt(signed(), how)) == (NEGATIVES[how], False)


def test_s_plus_r_is_the_same_field_element() -> None:
    """A tape holds field elements: S + r is read as S, so it is the same valid signature (the
    wallet CLI, which reads S as an integer, refuses it; tests/test_wallet_cli.py)."""
    ops = signed()
    ops[2] += R
    assert outcome(ops) == (None, True)


@pytest.mark.parametrize("how", sorted(NEGATIVES))
def test_an_untaken_eddsa_constrains_nothing(how: str) -> None:
    """Off the path the operands may hold anything: garbage must not make the circuit unsatisfiable."""
    assert outcome(corrupt(signed(), how), taken=0) == (None, True)


def test_untaken_with_arbitrary_values() -> None:
    assert outcome([0, 0, R - 1, 0, 0, 3], taken=0) == (None, True)
    assert outcome([0, 0, R - 1, 0, 0, 3], taken=1) == ("eddsa: public key not on the curve", False)


def test_the_off_path_stand_in_is_a_valid_signature() -> None:
    ax, ay, s, r8x, r8y, m = default_signature()
    assert outcome([ax, ay, s, r8x, r8y, m]) == (None, True)


FIELDS = ("Ax", "Ay", "S", "R8x", "R8y", "M")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prv=st.binary(min_size=32, max_size=32), msg=st.integers(0, R - 1),
       flip=st.sampled_from((None,) + FIELDS), delta=st.integers(1, 2**64))
def test_vm_and_circuit_agree_on_random_signatures(prv: bytes, msg: int, flip: str | None, delta: int) -> None:
    ops = signed(prv, msg)
    if flip is not None:
        ops[FIELDS.index(flip)] += delta
    reason, satisfied = outcome(ops)
    assert satisfied == (reason is None)
    assert (reason is None) == (flip is None)


def test_constant_operands_are_checked_when_compiling() -> None:
    good = ", ".join(str(v) for v in signed())
    c = compile_program(asm(f"eddsa {good}\nwrite 1\n"), 2)
    assert c.r1cs.constraints == compile_program(asm("write 1\n"), 2).r1cs.constraints
    bad = ", ".join(str(v) for v in corrupt(signed(), "other message"))
    dead = compile_program(asm(f"eddsa {bad}\nwrite 1\n"), 2)
    assert evaluate(dead, Inputs((), ())).unsatisfied is not None


def test_cost_is_within_a_quarter_of_circomlib() -> None:
    c = compile_program(asm("secret r1\nsecret r2\nsecret r3\nsecret r4\nsecret r5\nsecret r6\n"
                            "eddsa r1, r2, r3, r4, r5, r6\n"), 2)
    assert len(c.r1cs.constraints) <= 1.25 * CIRCOMLIB_EDDSA_POSEIDON


def test_every_wire_is_determined_by_the_inputs() -> None:
    """The determinism audit finds no free wire: no hint the prover could choose otherwise."""
    c = circuit()
    got = evaluate(c, Inputs(tuple(signed()) + (1,), ()))
    assert got.unsatisfied is None
    issues = audit(c, tuple(got.wires))
    assert [i for i in issues if i.severity != "note"] == []


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 16])
def test_hash_of_n_inputs_agrees_with_the_library(n: int) -> None:
    regs = ", ".join(f"r{i}" for i in range(n))
    src = f".public {n}\n" + "".join(f"read r{i}\n" for i in range(n)) + f"hash r0, {regs}\nwrite r0\n"
    values = tuple(range(7, 7 + n))
    inputs = Inputs(values, ())
    vm = run(asm(src), inputs)
    assert vm.outputs == (poseidon(list(values)),)
    got = evaluate(compile_program(asm(src), 2), inputs)
    assert got.unsatisfied is None and got.outputs == vm.outputs


def test_four_input_hash_costs_297() -> None:
    """3·(8·5 + 60) S-box products, less the first round's constant capacity lane."""
    c = compile_program(asm("secret r1\nsecret r2\nsecret r3\nsecret r4\nhash r5, r1, r2, r3, r4\nwrite r5\n"), 2)
    assert len(c.r1cs.constraints) == 297
