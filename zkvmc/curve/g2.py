"""G2 of BN254: the sextic twist y^2 = x^3 + 3/(9 + u) over F_q2, in Jacobian coordinates.

Takes affine points ((x0, x1), (y0, y1)) (None = infinity) and Jacobian triples of F_q2 pairs;
gives sums, doublings, scalar multiples, batch affine conversion (one F_q inversion via norms),
curve and subgroup checks, and `hash_to_twist`, a point on the twist *without* cofactor
clearing (almost surely outside the order-r subgroup; used to test that check). Same EFD
formulas as zkvmc.curve.g1, over F_q2.
"""

from __future__ import annotations

import hashlib
from typing import Any

from zkvmc.curve.adapter import B2, CURVE_ORDER
from zkvmc.curve.fq import (Fq2, Q, f2_mul, f2_norm, f2_sqr, f2_sqrt, fq2, fq_batch_inv, mpz)

Affine = Any
"""((x0, x1), (y0, y1)) or None for infinity."""
Jac = tuple[Fq2, Fq2, Fq2]
"""(X, Y, Z) over F_q2; Z == (0, 0) is infinity."""

ZERO2: Fq2 = (mpz(0), mpz(0))
ONE2: Fq2 = (mpz(1), mpz(0))
INF: Jac = (ONE2, ONE2, ZERO2)
"""The point at infinity."""
B2_F: Fq2 = fq2(*B2)


def is_zero2(a: Fq2) -> bool:
    """a == 0 in F_q2."""
    return a[0] == 0 and a[1] == 0


def from_affine(p: Affine) -> Jac:
    """Affine -> Jacobian."""
    return INF if p is None else (fq2(*p[0]), fq2(*p[1]), ONE2)


def _sub(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] - b[0]) % Q, (a[1] - b[1]) % Q)


def _lin(k: int, a: Fq2) -> Fq2:
    return (k * a[0] % Q, k * a[1] % Q)


def double(p: Jac) -> Jac:
    """2P."""
    x, y, z = p
    if is_zero2(z) or is_zero2(y):
        return INF
    a = f2_sqr(x)
    b = f2_sqr(y)
    c = f2_sqr(b)
    xb = f2_sqr((x[0] + b[0], x[1] + b[1]))
    d = ((2 * (xb[0] - a[0] - c[0])) % Q, (2 * (xb[1] - a[1] - c[1])) % Q)
    e = _lin(3, a)
    x3 = _sub(f2_sqr(e), _lin(2, d))
    y3 = _sub(f2_mul(e, _sub(d, x3)), _lin(8, c))
    return (x3, y3, _lin(2, f2_mul(y, z)))


def add_mixed(p: Jac, q: Affine) -> Jac:
    """P + Q with Q affine (not None), coordinates already reduced F_q2 pairs."""
    x1, y1, z1 = p
    if is_zero2(z1):
        return (q[0], q[1], ONE2)
    z1z1 = f2_sqr(z1)
    h = _sub(f2_mul(q[0], z1z1), x1)
    r = _lin(2, _sub(f2_mul(q[1], f2_mul(z1, z1z1)), y1))
    if is_zero2(h):
        return double(p) if is_zero2(r) else INF
    hh = f2_sqr(h)
    i = _lin(4, hh)
    j = f2_mul(h, i)
    v = f2_mul(x1, i)
    x3 = _sub(_sub(f2_sqr(r), j), _lin(2, v))
    y3 = _sub(f2_mul(r, _sub(v, x3)), _lin(2, f2_mul(y1, j)))
    zh = f2_sqr((z1[0] + h[0], z1[1] + h[1]))
    return (x3, y3, _sub(_sub(zh, z1z1), hh))


def add(p: Jac, q: Jac) -> Jac:
    """P + Q, both Jacobian."""
    x1, y1, z1 = p
    x2, y2, z2 = q
    if is_zero2(z1):
        return q
    if is_zero2(z2):
        return p
    z1z1 = f2_sqr(z1)
    z2z2 = f2_sqr(z2)
    u1 = f2_mul(x1, z2z2)
    s1 = f2_mul(y1, f2_mul(z2, z2z2))
    h = _sub(f2_mul(x2, z1z1), u1)
    r = _lin(2, _sub(f2_mul(y2, f2_mul(z1, z1z1)), s1))
    if is_zero2(h):
        return double(p) if is_zero2(r) else INF
    i = _lin(4, f2_sqr(h))
    j = f2_mul(h, i)
    v = f2_mul(u1, i)
    x3 = _sub(_sub(f2_sqr(r), j), _lin(2, v))
    y3 = _sub(f2_mul(r, _sub(v, x3)), _lin(2, f2_mul(s1, j)))
    zz = f2_sqr((z1[0] + z2[0], z1[1] + z2[1]))
    return (x3, y3, f2_mul(_sub(_sub(zz, z1z1), z2z2), h))


def neg(p: Jac) -> Jac:
    """-P."""
    return (p[0], (-p[1][0] % Q, -p[1][1] % Q), p[2])


def neg_affine(p: Affine) -> Affine:
    """-P for an affine point."""
    return None if p is None else (p[0], (-p[1][0] % Q, -p[1][1] % Q))


def mul(p: Jac, k: int) -> Jac:
    """[k]P by double-and-add (k not reduced mod r: used for the subgroup check)."""
    if k < 0:
        return mul(neg(p), -k)
    acc = INF
    for bit in bin(k)[2:]:
        acc = double(acc)
        if bit == "1":
            acc = add(acc, p)
    return acc


def to_affine(p: Jac) -> Affine:
    """Jacobian -> affine."""
    return batch_to_affine([p])[0]


def batch_to_affine(ps: list[Jac]) -> list[Affine]:
    """Jacobian -> affine for many points: 1/Z = conj(Z)/N(Z), the norms inverted in one batch."""
    idx = [i for i, p in enumerate(ps) if not is_zero2(p[2])]
    ninv = fq_batch_inv([f2_norm(ps[i][2]) for i in idx])
    out: list[Affine] = [None] * len(ps)
    for i, n in zip(idx, ninv):
        x, y, z = ps[i]
        zi = (z[0] * n % Q, -z[1] * n % Q)
        zi2 = f2_sqr(zi)
        out[i] = (f2_mul(x, zi2), f2_mul(y, f2_mul(zi2, zi)))
    return out


def is_on_curve(p: Affine) -> bool:
    """y^2 == x^3 + b' on the twist (infinity counts as on the curve)."""
    if p is None:
        return True
    x, y = fq2(*p[0]), fq2(*p[1])
    rhs = f2_mul(f2_sqr(x), x)
    return f2_sqr(y) == ((rhs[0] + B2_F[0]) % Q, (rhs[1] + B2_F[1]) % Q)


def in_subgroup(p: Affine) -> bool:
    """[r]P == O: P lies in the order-r subgroup G2 (the twist has a large cofactor)."""
    return p is None or is_zero2(mul(from_affine(p), CURVE_ORDER)[2])


def hash_to_twist(seed: bytes) -> Affine:
    """A point on the twist from a seed by try-and-increment, without cofactor clearing."""
    ctr = 0
    while True:
        h = hashlib.sha256(seed + ctr.to_bytes(4, "big")).digest()
        x = fq2(int.from_bytes(h[:16], "big"), int.from_bytes(h[16:], "big"))
        rhs = f2_mul(f2_sqr(x), x)
        y = f2_sqrt(((rhs[0] + B2_F[0]) % Q, (rhs[1] + B2_F[1]) % Q))
        if y is not None:
            return (x, y)
        ctr += 1
