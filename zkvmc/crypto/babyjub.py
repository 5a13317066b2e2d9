"""BabyJubJub: the twisted Edwards curve a·x² + y² = 1 + d·x²·y² over BN254's scalar field F_r.

Takes and gives affine points as (x, y) tuples of ints in [0, r). Constants and the point
conventions are those of ERC-2494 and circomlibjs 0.1.7 (`babyjub.js`): a = 168700,
d = 168696, the identity (0, 1), BASE8 = 8·GENERATOR generating the subgroup of prime order
SUBORDER, the whole group of order 8·SUBORDER. a is a square and d is not, so the addition law
below is complete: it has no exceptional pairs of points on the curve, which is what lets the
circuit gadget (zkvmc/compiler/eddsa_gadget.py) use it without case analysis.
"""

from __future__ import annotations

from zkvmc.errors import ApiMisuse
from zkvmc.field import R

Point = tuple[int, int]
"""An affine point (x, y), coordinates in [0, r)."""

A = 168700
"""Curve coefficient a."""
D = 168696
"""Curve coefficient d."""

IDENTITY: Point = (0, 1)
"""The neutral element."""

ORDER = 21888242871839275222246405745257275088614511777268538073601725287587578984328
"""The number of points, 8·SUBORDER."""
SUBORDER = ORDER >> 3
"""l, the prime order of the subgroup BASE8 generates."""

GENERATOR: Point = (
    995203441582195749578291179787384436505546430278305826713579947235728471134,
    5472060717959818805561601436314318772137091100104008585924551046643952123905,
)
"""A point of order 8·l (circomlibjs's `Generator`)."""
BASE8: Point = (
    5299619240641551281634865583518297030282874472190772894086521144482721001553,
    16950150798460657717958625567821834550301663161624707787222815936182638968203,
)
"""8·GENERATOR, of order l: the base point of keys and signatures (circomlibjs's `Base8`)."""


def on_curve(p: Point) -> bool:
    """Whether p's coordinates are canonical (< r) and satisfy the curve equation."""
    x, y = p
    if not (0 <= x < R and 0 <= y < R):
        return False
    xx, yy = x * x % R, y * y % R
    return (A * xx + yy - 1 - D * xx % R * yy) % R == 0


def add(p: Point, q: Point) -> Point:
    """p + q by the complete twisted Edwards law."""
    x1, y1 = p
    x2, y2 = q
    t = D * x1 % R * x2 % R * y1 % R * y2 % R
    x3 = (x1 * y2 + y1 * x2) * pow(1 + t, -1, R) % R
    y3 = (y1 * y2 - A * x1 * x2) * pow(1 - t, -1, R) % R
    return x3, y3


def neg(p: Point) -> Point:
    """-p = (-x, y)."""
    return (-p[0] % R, p[1])


def mul(p: Point, k: int) -> Point:
    """k·p for an integer k ≥ 0, by double-and-add from the top bit."""
    acc = IDENTITY
    for bit in bin(k)[2:] if k > 0 else "":
        acc = add(acc, acc)
        if bit == "1":
            acc = add(acc, p)
    return acc


# ---- fast twins: extended coordinates (Hisil, Wong, Carter, Dawson, "Twisted Edwards curves
# revisited", ASIACRYPT 2008, section 3: add-2008-hwcd and dbl-2008-hwcd for any a) -------------

Extended = tuple[int, int, int, int]
"""(X, Y, T, Z) standing for the affine (X/Z, Y/Z), with T = X·Y/Z."""

WINDOW_BITS = 4
"""mul_fast adds one table entry per WINDOW_BITS bits of the scalar."""


def to_extended(p: Point) -> Extended:
    """The extended form of an affine point (Z = 1)."""
    x, y = p
    return (x, y, x * y % R, 1)


def from_extended(e: Extended) -> Point:
    """The affine point of an extended one (one inversion)."""
    x, y, _, z = e
    z_inv = pow(z, -1, R)
    return (x * z_inv % R, y * z_inv % R)


def add_extended(p: Extended, q: Extended) -> Extended:
    """p + q (add-2008-hwcd: the affine law with its denominators multiplied out, so complete too)."""
    x1, y1, t1, z1 = p
    x2, y2, t2, z2 = q
    xx, yy = x1 * x2 % R, y1 * y2 % R
    dtt, zz = D * t1 % R * t2 % R, z1 * z2 % R
    e = ((x1 + y1) * (x2 + y2) - xx - yy) % R
    f, g, h = (zz - dtt) % R, (zz + dtt) % R, (yy - A * xx) % R
    return (e * f % R, g * h % R, e * h % R, f * g % R)


def double_extended(p: Extended) -> Extended:
    """2·p (dbl-2008-hwcd: its denominators are those of the affine law, never 0 on the curve)."""
    x, y, _, z = p
    xx, yy = x * x % R, y * y % R
    ax = A * xx % R
    e = ((x + y) * (x + y) - xx - yy) % R
    g = (ax + yy) % R
    f, h = (g - 2 * z * z) % R, (ax - yy) % R
    return (e * f % R, g * h % R, e * h % R, f * g % R)


def _window_table(p: Point) -> list[Extended]:
    """[0·p, 1·p, ..., (2^WINDOW_BITS - 1)·p] in extended coordinates."""
    table = [to_extended(IDENTITY), to_extended(p)]
    while len(table) < 1 << WINDOW_BITS:
        table.append(add_extended(table[-1], table[1]))
    return table


def mul_fast(p: Point, k: int) -> Point:
    """k·p for an integer k ≥ 0: the same result as `mul`, by fixed windows in extended
    coordinates (one inversion in all, instead of two per addition)."""
    if k < 0:
        raise ApiMisuse("mul_fast takes a scalar k >= 0")
    table = _window_table(p)
    acc = table[0]
    mask = (1 << WINDOW_BITS) - 1
    for shift in range((k.bit_length() - 1) // WINDOW_BITS * WINDOW_BITS, -1, -WINDOW_BITS):
        for _ in range(WINDOW_BITS):
            acc = double_extended(acc)
        digit = (k >> shift) & mask
        if digit:
            acc = add_extended(acc, table[digit])
    return from_extended(acc)


_BASE8_TABLE: list[list[Extended]] = []
"""_BASE8_TABLE[i][j] = j·2^(WINDOW_BITS·i)·BASE8, built on first use of mul_base8."""


def _base8_table() -> list[list[Extended]]:
    """The fixed-base table of BASE8, covering scalars below 2^256."""
    if not _BASE8_TABLE:
        start = BASE8
        for _ in range(256 // WINDOW_BITS):
            row = _window_table(start)
            _BASE8_TABLE.append(row)
            start = from_extended(add_extended(row[-1], row[1]))  # 2^WINDOW_BITS · start
    return _BASE8_TABLE


def mul_base8(k: int) -> Point:
    """k·BASE8 for 0 ≤ k < 2^256 from a precomputed table: additions only, no doublings."""
    if not 0 <= k < 1 << 256:
        raise ApiMisuse("mul_base8 takes a scalar 0 <= k < 2^256")
    acc = to_extended(IDENTITY)
    mask = (1 << WINDOW_BITS) - 1
    for i, row in enumerate(_base8_table()):
        digit = (k >> (WINDOW_BITS * i)) & mask
        if digit:
            acc = add_extended(acc, row[digit])
    return from_extended(acc)


def is_small_order(p: Point) -> bool:
    """Whether 8·p is the identity (p is one of the 8 points the cofactor kills)."""
    return mul(p, 8) == IDENTITY


def in_subgroup(p: Point) -> bool:
    """Whether l·p is the identity (p lies in the prime-order subgroup)."""
    return mul(p, SUBORDER) == IDENTITY


assert on_curve(GENERATOR) and on_curve(BASE8)
assert mul(GENERATOR, 8) == BASE8
assert pow(A, (R - 1) // 2, R) == 1 and pow(D, (R - 1) // 2, R) == R - 1  # completeness of add
