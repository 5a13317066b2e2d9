"""u64 lowering: operand checks, bitwise ops, comparisons, shifts, udiv/umod, `range`.

Takes operand LCs and the path predicate p, gives result LCs built from boolean bits. Every
u64 result is recorded as a range fact (Builder.facts), so a value that is already decomposed
is never decomposed again and its bits are reused by and/or/xor/shifts (docs/compiler.md,
"u64 and bits"). Operand checks are predicated: the decomposition is of p·a, not a, because on
a path the run does not take a may be any field element.
"""

from __future__ import annotations

from zkvmc.compiler import lin
from zkvmc.compiler.builder import Builder
from zkvmc.field import R, U64
from zkvmc.r1cs.system import LC


class Dead(Exception):
    """The state faults for certain (its predicate has been constrained to 0): stop exploring it."""


def kill(b: Builder, p: LC) -> Dead:
    """Constrain p = 0 (this path faults) and give the exception that ends the state."""
    b.constrain_zero(p)
    return Dead()


def predicated(b: Builder, p: LC, a: LC) -> LC:
    """p·a: the value to range-check so that the check is vacuous off the path."""
    return a if p == lin.ONE else b.mul(p, a)


def operand(b: Builder, p: LC, a: LC) -> tuple[LC, tuple[LC, ...]]:
    """(value, its 64 bits): a itself when in range (faults when p = 1 and a ≥ 2^64)."""
    if lin.is_const(a) and lin.const_val(a) >= U64:
        raise kill(b, p)
    known = b.known_bits(a, 64)
    if known is not None:
        return a, known
    x = predicated(b, p, a)
    return x, b.bits(x, 64)


def checked(b: Builder, p: LC, a: LC) -> LC:
    """a as a u64 value for comparisons and division: no check when a bound ≤ 64 is known."""
    k = b.bound(a)
    if k is not None and k <= 64:
        return a
    return operand(b, p, a)[0]


def bitwise(b: Builder, p: LC, op: str, x: LC, y: LC) -> LC:
    """and / or / xor, bit by bit: one product per bit pair that is not constant."""
    _, xb = operand(b, p, x)
    _, yb = operand(b, p, y)
    out = []
    for u, v in zip(xb, yb):
        uv = b.mul(u, v)
        if op == "and":
            out.append(uv)
        elif op == "or":
            out.append(lin.sub(lin.add(u, v), uv))
        else:
            out.append(lin.combine(lin.add(u, v), uv, -2))
    return b.record(tuple(out))


def bit_not(b: Builder, p: LC, x: LC) -> LC:
    """not: 2^64 - 1 - x, with the flipped bits as its range fact."""
    _, xb = operand(b, p, x)
    return b.record(tuple(lin.sub(lin.ONE, u) for u in xb))


def shift(b: Builder, p: LC, op: str, x: LC, n: int) -> LC:
    """shl / shr by a constant 0..63: a permutation of the bits, no constraint."""
    if n > 63:
        raise kill(b, p)
    _, xb = operand(b, p, x)
    bits = (lin.ZERO,) * n + xb[:64 - n] if op == "shl" else xb[n:] + (lin.ZERO,) * n
    return b.record(tuple(bits))


def _ge(b: Builder, x: LC, y: LC) -> LC:
    """[x ≥ y] for range-checked u64 x, y: the top bit of the 65-bit x - y + 2^64."""
    return b.bits(lin.add_const(lin.sub(x, y), U64), 65)[64]


def compare(b: Builder, p: LC, op: str, x: LC, y: LC) -> LC:
    """lt / le / gt / ge as 0 or 1."""
    xv, yv = checked(b, p, x), checked(b, p, y)
    if op == "ge":
        return _ge(b, xv, yv)
    if op == "lt":
        return lin.sub(lin.ONE, _ge(b, xv, yv))
    if op == "le":
        return _ge(b, yv, xv)
    return lin.sub(lin.ONE, _ge(b, yv, xv))


def divmod_(b: Builder, p: LC, op: str, x: LC, y: LC) -> LC:
    """udiv / umod with hinted q, rem: q·y' = x - rem, q and rem < 2^64, y' - 1 - rem < 2^64.

    y' = y + 1 - p equals y on the path and is ≥ 1 off it, so every hint is pinned everywhere;
    on the path the last check says rem < y, which also rules out y = 0 (the fault).
    """
    if lin.is_const(y) and lin.const_val(y) == 0:
        raise kill(b, p)
    xv, yv = checked(b, p, x), checked(b, p, y)
    if lin.is_const(xv) and lin.is_const(yv):
        a, c = lin.const_val(xv), lin.const_val(yv)
        return lin.const(a // c if op == "udiv" else a % c)
    yp = lin.add(yv, lin.sub(lin.ONE, p))
    q, rem = (lin.sig(s) for s in b.signal("udiv", (xv, yp), (), 2))
    b.constrain(q, yp, lin.sub(xv, rem))
    b.bits(q, 64)
    b.bits(rem, 64)
    b.bits(lin.add_const(lin.sub(yp, rem), R - 1), 64)
    return q if op == "udiv" else rem


def range_check(b: Builder, p: LC, x: LC, n: int) -> None:
    """`range x, n`: p·x < 2^n."""
    if lin.is_const(x):
        if lin.const_val(x) >> n:
            raise kill(b, p)
        return
    k = b.bound(x)
    if k is not None and k <= n:
        return
    b.bits(predicated(b, p, x), n)
