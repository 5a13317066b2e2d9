"""G1 of BN254 (y^2 = x^3 + 3 over F_q) in Jacobian coordinates on plain/gmpy2 integers.

Takes affine points (x, y) (None = infinity) and Jacobian triples (X, Y, Z) meaning
(X/Z^2, Y/Z^3), Z = 0 at infinity; gives sums, doublings, scalar multiples and batch conversion
to affine with one inversion. Formulas: dbl-2009-l, madd-2007-bl, add-2007-bl (hyperelliptic.org
EFD, short Weierstrass a = 0). These are the hot loops of MSM, so they are written out inline.
"""

from __future__ import annotations

from zkvmc.curve.adapter import B1, CURVE_ORDER
from zkvmc.curve.fq import Q, fq_batch_inv, mpz
from zkvmc.curve.ladder import double_and_add
from zkvmc.curve.types import G1Affine, G1Jac

Affine = G1Affine
"""(x, y) or None for the point at infinity (zkvmc.curve.types.G1Affine)."""
Jac = G1Jac
"""(X, Y, Z); Z == 0 is infinity (zkvmc.curve.types.G1Jac)."""

INF: Jac = (mpz(1), mpz(1), mpz(0))
"""The point at infinity."""


def from_affine(p: Affine) -> Jac:
    """Affine -> Jacobian."""
    return INF if p is None else (mpz(p[0]), mpz(p[1]), mpz(1))


def double(p: Jac) -> Jac:
    """2P."""
    x, y, z = p
    if z == 0 or y == 0:
        return INF
    a = x * x % Q
    b = y * y % Q
    c = b * b % Q
    d = 2 * ((x + b) ** 2 - a - c) % Q
    e = 3 * a
    x3 = (e * e - 2 * d) % Q
    return (x3, (e * (d - x3) - 8 * c) % Q, 2 * y * z % Q)


def add_mixed(p: Jac, q: Affine) -> Jac:
    """P + Q with Q affine (not None)."""
    x1, y1, z1 = p
    if z1 == 0:
        return (q[0], q[1], mpz(1))
    z1z1 = z1 * z1 % Q
    h = (q[0] * z1z1 - x1) % Q
    r = 2 * (q[1] * z1 * z1z1 - y1) % Q
    if h == 0:
        return double(p) if r == 0 else INF
    hh = h * h % Q
    i = 4 * hh
    j = h * i % Q
    v = x1 * i % Q
    x3 = (r * r - j - 2 * v) % Q
    return (x3, (r * (v - x3) - 2 * y1 * j) % Q, ((z1 + h) ** 2 - z1z1 - hh) % Q)


def add(p: Jac, q: Jac) -> Jac:
    """P + Q, both Jacobian."""
    x1, y1, z1 = p
    x2, y2, z2 = q
    if z1 == 0:
        return q
    if z2 == 0:
        return p
    z1z1 = z1 * z1 % Q
    z2z2 = z2 * z2 % Q
    u1 = x1 * z2z2 % Q
    s1 = y1 * z2 * z2z2 % Q
    h = (x2 * z1z1 - u1) % Q
    r = 2 * (y2 * z1 * z1z1 - s1) % Q
    if h == 0:
        return double(p) if r == 0 else INF
    i = 4 * h * h % Q
    j = h * i % Q
    v = u1 * i % Q
    x3 = (r * r - j - 2 * v) % Q
    return (x3, (r * (v - x3) - 2 * s1 * j) % Q, ((z1 + z2) ** 2 - z1z1 - z2z2) * h % Q)


def neg(p: Jac) -> Jac:
    """-P."""
    return (p[0], -p[1] % Q, p[2])


def neg_affine(p: Affine) -> Affine:
    """-P for an affine point."""
    return None if p is None else (p[0], -p[1] % Q)


def mul(p: Jac, k: int) -> Jac:
    """[k]P by double-and-add (k taken as given, not reduced: used for subgroup checks)."""
    return double_and_add(p, k, INF, double, add, neg)


def to_affine(p: Jac) -> Affine:
    """Jacobian -> affine (one inversion)."""
    return batch_to_affine([p])[0]


def batch_to_affine(ps: list[Jac]) -> list[Affine]:
    """Jacobian -> affine for many points with one inversion."""
    idx = [i for i, p in enumerate(ps) if p[2] != 0]
    invs = fq_batch_inv([ps[i][2] for i in idx])
    out: list[Affine] = [None] * len(ps)
    for i, zi in zip(idx, invs):
        x, y, _ = ps[i]
        zi2 = zi * zi % Q
        out[i] = (x * zi2 % Q, y * zi2 * zi % Q)
    return out


def is_on_curve(p: Affine) -> bool:
    """y^2 == x^3 + 3 (infinity counts as on the curve)."""
    if p is None:
        return True
    x, y = mpz(p[0]), mpz(p[1])
    return (y * y - x * x * x - B1) % Q == 0


def in_subgroup(p: Affine) -> bool:
    """G1 has cofactor 1: every curve point is in the order-r group."""
    return is_on_curve(p)


ORDER = CURVE_ORDER
"""r."""
