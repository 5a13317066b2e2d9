"""VM value instructions: field, compare, u64, asserts, range, hash (spec "Instructions")."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vm_support import fault, ok
from zkvmc.field import R

U64 = 1 << 64
u64s = st.one_of(st.integers(0, U64 - 1), st.sampled_from([0, 1, 2, 63, 64, U64 - 1, U64 - 2]))
felts = st.one_of(st.integers(0, R - 1), st.sampled_from([0, 1, 2, R - 1, U64, U64 - 1]))
big = st.one_of(st.integers(U64, R - 1), st.sampled_from([U64, U64 + 1, R - 1]))


def both(op: str, a: int, b: int) -> int:
    """op on (a, b) with b in a register and as an immediate; both must agree; gives the result."""
    reg = ok(f"mov r1, {a}\nmov r2, {b}\n{op} r3, r1, r2\nwrite r3").outputs[0]
    imm = ok(f"mov r1, {a}\n{op} r3, r1, {b}\nwrite r3").outputs[0]
    assert reg == imm
    return reg


def both_fault(op: str, a: int, b: int) -> str:
    """The fault of op on (a, b), register and immediate forms agreeing."""
    reg = fault(f"mov r1, {a}\nmov r2, {b}\n{op} r3, r1, r2\nwrite r3")
    imm = fault(f"mov r1, {a}\n{op} r3, r1, {b}\nwrite r3")
    assert reg == imm
    return reg


# ------------------------------------------------------------------ field


def test_mov_register_and_immediate() -> None:
    assert ok("mov r0, 42\nmov r15, r0\nwrite r15\nwrite r0").outputs == (42, 42)


def test_negative_literal_is_r_minus() -> None:
    assert ok("mov r1, -5\nwrite r1").outputs == (R - 5,)


def test_registers_start_at_zero() -> None:
    src = "\n".join(f"write r{i}" for i in range(16))
    assert ok(src).outputs == (0,) * 16


@settings(max_examples=60)
@given(felts, felts)
def test_field_ops_match_python(a: int, b: int) -> None:
    assert both("add", a, b) == (a + b) % R
    assert both("sub", a, b) == (a - b) % R
    assert both("mul", a, b) == a * b % R
    assert both("eq", a, b) == int(a == b)


@settings(max_examples=40)
@given(felts, felts.filter(lambda b: b != 0))
def test_div_is_multiplication_by_inverse(a: int, b: int) -> None:
    q = both("div", a, b)
    assert q * b % R == a


def test_div_example() -> None:
    assert both("div", 6, 3) == 2
    assert both("div", 1, 2) == (R + 1) // 2


def test_div_by_zero_faults() -> None:
    assert both_fault("div", 5, 0) == "div by zero"
    assert both_fault("div", 0, 0) == "div by zero"


@settings(max_examples=30)
@given(felts)
def test_neg(a: int) -> None:
    assert ok(f"mov r1, {a}\nneg r2, r1\nadd r3, r1, r2\nwrite r2\nwrite r3").outputs == (-a % R, 0)


def test_eq_is_field_equality() -> None:
    assert both("eq", R - 1, R - 1) == 1
    assert both("eq", 0, R - 1) == 0
    assert ok("mov r1, -1\neq r2, r1, -1\nwrite r2").outputs == (1,)


def test_field_ops_never_fault_on_big_values() -> None:
    for op in ("add", "sub", "mul", "eq"):
        both(op, R - 1, R - 2)


# ------------------------------------------------------------------ u64

U64_BINARY = {
    "lt": lambda a, b: int(a < b), "le": lambda a, b: int(a <= b),
    "gt": lambda a, b: int(a > b), "ge": lambda a, b: int(a >= b),
    "and": lambda a, b: a & b, "or": lambda a, b: a | b, "xor": lambda a, b: a ^ b,
}


@settings(max_examples=60)
@given(u64s, u64s)
def test_u64_ops_match_python(a: int, b: int) -> None:
    for op, fn in U64_BINARY.items():
        assert both(op, a, b) == fn(a, b), op


@settings(max_examples=40)
@given(u64s, u64s.filter(lambda b: b != 0))
def test_udiv_umod_match_python(a: int, b: int) -> None:
    q, m = both("udiv", a, b), both("umod", a, b)
    assert (q, m) == divmod(a, b)


@settings(max_examples=40)
@given(u64s, st.integers(0, 63))
def test_shifts_match_python(a: int, n: int) -> None:
    assert both("shl", a, n) == (a << n) % U64
    assert both("shr", a, n) == a >> n


def test_shl_keeps_low_64_bits() -> None:
    assert both("shl", U64 - 1, 63) == 1 << 63
    assert both("shl", 1 << 63, 1) == 0


@settings(max_examples=30)
@given(u64s)
def test_not(a: int) -> None:
    assert ok(f"mov r1, {a}\nnot r2, r1\nwrite r2").outputs == (U64 - 1 - a,)


def test_u64_bounds_exact() -> None:
    assert both("lt", U64 - 1, 0) == 0
    assert both_fault("lt", U64, 0) == "u64 operand out of range"


@pytest.mark.parametrize("op", [*U64_BINARY, "udiv", "umod"])
@settings(max_examples=8)
@given(big=big, small=u64s.filter(lambda b: b != 0))
def test_u64_operand_out_of_range_faults(op: str, big: int, small: int) -> None:
    assert both_fault(op, big, small) == "u64 operand out of range"
    assert both_fault(op, small, big) == "u64 operand out of range"


@pytest.mark.parametrize("op", ["shl", "shr"])
def test_shift_operand_out_of_range_faults(op: str) -> None:
    assert both_fault(op, U64, 1) == "u64 operand out of range"
    assert both_fault(op, R - 1, 0) == "u64 operand out of range"


def test_shift_amount_out_of_range_faults() -> None:
    # The assembler rejects `shl r1, r2, 64`; a Program built otherwise still faults cleanly.
    assert both_fault("shl", 1, 64) == "shift amount out of range"


def test_not_out_of_range_faults() -> None:
    assert fault(f"mov r1, {U64}\nnot r2, r1") == "u64 operand out of range"
    assert fault("mov r1, -1\nnot r2, r1") == "u64 operand out of range"


@pytest.mark.parametrize("op", ["udiv", "umod"])
def test_udiv_umod_by_zero_fault(op: str) -> None:
    assert both_fault(op, 7, 0) == f"{op} by zero"


def test_negative_one_is_not_a_u64() -> None:
    assert both_fault("and", R - 1, 1) == "u64 operand out of range"


# ------------------------------------------------------------------ asserts and range


def test_assert_eq_passes_and_fails() -> None:
    assert ok("mov r1, 3\nassert_eq r1, 3\nmov r2, 3\nassert_eq r1, r2").fault is None
    assert fault("mov r1, 3\nassert_eq r1, 4") == "assert_eq failed: 3 != 4"
    assert fault("mov r1, 3\nmov r2, 4\nassert_eq r1, r2") == "assert_eq failed: 3 != 4"


def test_assert_ne_passes_and_fails() -> None:
    assert ok("mov r1, 3\nassert_ne r1, 4").fault is None
    assert fault("mov r1, 3\nassert_ne r1, 3") == "assert_ne failed: both are 3"


def test_assert_fault_names_the_line() -> None:
    from vm_support import go

    f = go("nop\nmov r1, 1\n\nassert_eq r1, 2\nhalt").fault
    assert (f.pc, f.line, f.instr) == (2, 4, "assert_eq r1, 2")


@settings(max_examples=60)
@given(st.integers(0, R - 1), st.integers(1, 252))
def test_range_matches_python(a: int, n: int) -> None:
    src = f"mov r1, {a}\nrange r1, {n}"
    if a < 2**n:
        ok(src)
    else:
        assert fault(src) == f"range failed: {a} >= 2^{n}"


def test_range_edges() -> None:
    ok("mov r1, 1\nrange r1, 1")
    assert fault("mov r1, 2\nrange r1, 1") == "range failed: 2 >= 2^1"
    ok(f"mov r1, {2**252 - 1}\nrange r1, 252")
    fault(f"mov r1, {2**252}\nrange r1, 252")
    fault("mov r1, -1\nrange r1, 252")


# ------------------------------------------------------------------ hash

HASH_1_2 = 7853200120776062878684798364095072458815029376092732009249414926327459813530


def test_hash_spec_value() -> None:
    assert both("hash", 1, 2) == HASH_1_2


def test_hash_is_not_symmetric_and_matches_library() -> None:
    from zkvmc.hash.poseidon import poseidon2

    assert both("hash", 2, 1) == poseidon2(2, 1) != HASH_1_2
