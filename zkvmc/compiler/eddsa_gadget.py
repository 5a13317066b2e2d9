"""`eddsa Ax, Ay, S, R8x, R8y, M` as constraints: EdDSA-Poseidon verification over BabyJubJub.

Takes the six operand LCs and the path predicate p, gives constraints that are satisfiable
exactly when p = 0 or the VM's check (zkvmc.crypto.eddsa.signature_fault) passes: A and R8 on
the curve, 8·A not the identity, S < l, and S·BASE8 = R8 + (8·h)·A with
h = Poseidon(R8x, R8y, Ax, Ay, M) read as an integer below r (circomlibjs verifyPoseidon).

Every point operation uses the complete twisted Edwards law (zkvmc/crypto/babyjub.py: a square,
d non-square), so no input pair is exceptional and each output is determined by its inputs;
scalars are decomposed into bits that are unique (h: 254 bits checked below r; S: 251 bits
checked below l). Costs (docs/compiler.md, "eddsa"): a sum of two variable points 6 constraints,
a doubling 5, a curve check 3; h·(8A) with 2-bit windows over the table [O, P, 2P, 3P]
(6 constraints per lookup, 16 per window step); S·BASE8 with 3-bit windows over constant
tables (4 products per lookup, 10 per window step). Learned from circomlib's
eddsaposeidon.circom / escalarmulany / escalarmulfix, which use incomplete Montgomery
formulas and segments instead; this design trades a few constraints for no case analysis.
Off the path (p not the constant 1) every operand is first replaced by p ? operand : a fixed
valid signature, so the constraints are satisfiable whatever the operands hold there.
"""

from __future__ import annotations

from functools import lru_cache

from zkvmc.compiler import lin
from zkvmc.compiler.builder import Builder
from zkvmc.compiler.poseidon_gadget import poseidon
from zkvmc.compiler.u64 import kill
from zkvmc.crypto import babyjub as bj
from zkvmc.field import R
from zkvmc.r1cs.system import LC

Pt = tuple[LC, LC]
"""A point as two LCs."""

H_BITS = 254
"""Bits of h = Poseidon(...) < r."""
S_BITS = 251
"""Bits of S < l < 2^251."""
FIXED_WINDOW = 3
"""Bits per window of S·BASE8."""


@lru_cache(maxsize=1)
def default_signature() -> tuple[int, int, int, int, int, int]:
    """(Ax, Ay, S, R8x, R8y, M) of a valid signature: key scalar 1, nonce 1, message 0, so
    A = R8 = BASE8 and S = 1 + 8·h mod l. Stands in for the operands off the path."""
    from zkvmc.hash.poseidon import poseidon as hash_n

    ax, ay = bj.BASE8
    h = hash_n([ax, ay, ax, ay, 0])
    return ax, ay, (1 + 8 * h) % bj.SUBORDER, ax, ay, 0


def _check(b: Builder, x: LC, y: LC, z: LC) -> None:
    """x·y = z; a false constant equation is the unsatisfiable 1·1 = 0."""
    if lin.is_const(x) and lin.is_const(y) and lin.is_const(z):
        if lin.const_val(x) * lin.const_val(y) % R != lin.const_val(z):
            b.constrain_zero(lin.ONE)
        return
    b.constrain(x, y, z)


def _div(b: Builder, num: LC, den: LC) -> LC:
    """num / den for a den that is never 0 here (den·q = num)."""
    if lin.is_const(den):
        return lin.scale(num, pow(lin.const_val(den), -1, R))
    (q,) = b.signal("div0", (num, den))
    b.constrain(den, lin.sig(q), num)
    return lin.sig(q)


def on_curve(b: Builder, pt: Pt) -> None:
    """a·x² + y² = 1 + d·x²·y²: x², y² and one product carrying the equation."""
    x, y = pt
    xx, yy = b.mul(x, x), b.mul(y, y)
    rhs = lin.add_const(lin.add(lin.scale(xx, bj.A), yy), R - 1)
    _check(b, xx, lin.scale(yy, bj.D), rhs)


def add(b: Builder, p1: Pt, p2: Pt) -> Pt:
    """p1 + p2 (circomlib's BabyAdd shape): 6 constraints, 3 when p2 is constant."""
    (x1, y1), (x2, y2) = p1, p2
    beta, gamma = b.mul(x1, y2), b.mul(y1, x2)
    delta = b.mul(lin.add(lin.scale(x1, R - bj.A), y1), lin.add(x2, y2))
    tau = lin.scale(b.mul(beta, gamma), bj.D)
    x3 = _div(b, lin.add(beta, gamma), lin.add_const(tau, 1))
    y3 = _div(b, lin.sub(lin.add(delta, lin.scale(beta, bj.A)), gamma), lin.sub(lin.ONE, tau))
    return x3, y3


def double(b: Builder, pt: Pt) -> Pt:
    """2·pt: x3 = 2xy / (a·x² + y²), y3 = (y² - a·x²) / (2 - a·x² - y²); 5 constraints."""
    x, y = pt
    xx, yy, xy = b.mul(x, x), b.mul(y, y), b.mul(x, y)
    axx_yy = lin.add(lin.scale(xx, bj.A), yy)
    x3 = _div(b, lin.scale(xy, 2), axx_yy)
    y3 = _div(b, lin.sub(yy, lin.scale(xx, bj.A)), lin.sub(lin.const(2), axx_yy))
    return x3, y3


def strict_bits(b: Builder, x: LC, n: int, limit: int) -> tuple[LC, ...]:
    """n boolean LCs with x = sum 2^i b_i and sum 2^i b_i <= limit, so the bits are unique."""
    if n <= 252:
        bits = b.bits(x, n)
    else:
        outs = b.signal("bits", (x,), (n,), n)
        bits = tuple(lin.sig(s) for s in outs)
        for s in bits:
            b.constrain(s, lin.add_const(s, R - 1), lin.ZERO)
        b.constrain(lin.from_bits(bits), lin.ONE, x)
    at_most(b, bits, limit)
    return bits


def at_most(b: Builder, bits: tuple[LC, ...], c: int) -> None:
    """sum 2^i bits[i] <= c, scanning from the top: `eq` is 1 while the bits so far equal c's;
    where c has a 0 the bit must be 0 while eq holds, where c has a 1 eq continues only on a 1."""
    zeros = [i for i in range(len(bits)) if not (c >> i) & 1]
    if not zeros:
        return
    eq: LC = lin.ONE
    for i in range(len(bits) - 1, zeros[0] - 1, -1):
        if (c >> i) & 1:
            eq = b.mul(eq, bits[i])
        else:
            _check(b, eq, bits[i], lin.ZERO)


def _window_table(pt: Pt, b: Builder) -> list[Pt]:
    """[O, P, 2P, 3P]."""
    p2 = double(b, pt)
    return [(lin.ZERO, lin.ONE), pt, p2, add(b, p2, pt)]


def _pick(b: Builder, b0: LC, b1: LC, t0: LC, t1: LC, t2: LC, t3: LC) -> LC:
    """t[b0 + 2·b1] for boolean b0, b1: three selects."""
    low, high = b.select(b0, t1, t0), b.select(b0, t3, t2)
    return b.select(b1, high, low)


def mul_any(b: Builder, bits: tuple[LC, ...], pt: Pt) -> Pt:
    """(sum 2^i bits[i])·pt, 2-bit windows from the top: acc = 4·acc + table[window]."""
    table = _window_table(pt, b)
    acc: Pt | None = None
    for i in range(len(bits) - 2, -1, -2):
        b0, b1 = bits[i], bits[i + 1]
        chosen = (_pick(b, b0, b1, *(t[0] for t in table)), _pick(b, b0, b1, *(t[1] for t in table)))
        acc = chosen if acc is None else add(b, double(b, double(b, acc)), chosen)
    assert acc is not None
    return acc


@lru_cache(maxsize=1)
def _fixed_tables() -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """Per 3-bit window j: the monomial coefficients of x and y of k·8^j·BASE8 (k = 0..7), so that
    coordinate = sum over subsets S of {b0, b1, b2} of coef[S]·prod(S) (Möbius inversion)."""
    out = []
    base = bj.BASE8
    for _ in range(-(-S_BITS // FIXED_WINDOW)):
        points = [bj.IDENTITY]
        for _ in range(7):
            points.append(bj.add(points[-1], base))
        out.append(tuple(_moebius([pt[c] for pt in points]) for c in (0, 1)))
        base = bj.add(points[7], base)
    return tuple(out)


def _moebius(values: list[int]) -> tuple[int, ...]:
    """coef[mask] with value[k] = sum over masks m ⊆ k of coef[m] (3-bit masks)."""
    coef = list(values)
    for bit in (1, 2, 4):
        for k in range(8):
            if k & bit:
                coef[k] = (coef[k] - coef[k ^ bit]) % R
    return tuple(coef)


def mul_fixed(b: Builder, bits: tuple[LC, ...]) -> Pt:
    """(sum 2^i bits[i])·BASE8 as the sum of one table point per 3-bit window."""
    acc: Pt | None = None
    for j, coefs in enumerate(_fixed_tables()):
        w = list(bits[FIXED_WINDOW * j:FIXED_WINDOW * (j + 1)]) + [lin.ZERO] * FIXED_WINDOW
        b0, b1, b2 = w[:3]
        mono = [lin.ONE, b0, b1, b.mul(b0, b1), b2, b.mul(b0, b2), b.mul(b1, b2)]
        mono.append(b.mul(mono[3], b2))
        chosen = tuple(_linear(mono, c) for c in coefs)
        acc = chosen if acc is None else add(b, acc, chosen)  # type: ignore[arg-type]
    assert acc is not None
    return acc


def _linear(mono: list[LC], coef: tuple[int, ...]) -> LC:
    """sum coef[k]·mono[k]."""
    out: LC = lin.ZERO
    for m, c in zip(mono, coef):
        out = lin.combine(out, m, c)
    return out


def eddsa_verify(b: Builder, p: LC, operands: tuple[LC, ...]) -> None:
    """The predicated check of `eddsa Ax, Ay, S, R8x, R8y, M` (see the module docstring)."""
    if all(lin.is_const(v) for v in operands):
        _constant_check(b, p, tuple(lin.const_val(v) for v in operands))
        return
    if p != lin.ONE:
        operands = tuple(b.select(p, v, lin.const(d)) for v, d in zip(operands, default_signature()))
    ax, ay, s, r8x, r8y, m = operands
    a_pt, r8 = (ax, ay), (r8x, r8y)
    on_curve(b, a_pt)
    on_curve(b, r8)
    a8 = double(b, double(b, double(b, a_pt)))
    # 8A is in the prime-order subgroup, whose only point with x = 0 is the identity.
    _div(b, lin.ONE, a8[0])
    h = poseidon(b, [r8x, r8y, ax, ay, m])
    right = add(b, r8, mul_any(b, strict_bits(b, h, H_BITS, R - 1), a8))
    left = mul_fixed(b, strict_bits(b, s, S_BITS, bj.SUBORDER - 1))
    b.constrain_zero(lin.sub(left[0], right[0]))
    b.constrain_zero(lin.sub(left[1], right[1]))


def _constant_check(b: Builder, p: LC, values: tuple[int, ...]) -> None:
    """All six operands known at compile time: the VM's check decides now."""
    from zkvmc.crypto.eddsa import Signature, signature_fault

    ax, ay, s, r8x, r8y, m = values
    if signature_fault(m, Signature((r8x, r8y), s), (ax, ay)) is not None:
        raise kill(b, p)
