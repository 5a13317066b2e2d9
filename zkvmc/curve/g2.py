"""G2 of BN254: the sextic twist y^2 = x^3 + 3/(9 + u) over F_q2, in Jacobian coordinates.

Takes affine points ((x0, x1), (y0, y1)) (None = infinity) and Jacobian triples of F_q2 pairs;
gives sums, doublings, scalar multiples, batch affine conversion (one F_q inversion via norms),
curve and subgroup checks, and `hash_to_twist`, a point on the twist *without* cofactor
clearing (almost surely outside the order-r subgroup; used to test that check). Same EFD
formulas as zkvmc.curve.g1, over F_q2.
"""

from __future__ import annotations

import hashlib
from zkvmc.curve.adapter import B2, CURVE_ORDER
from zkvmc.curve.fq import (Fq2, Q, f2_mul, f2_norm, f2_sqr, f2_sqrt, fq2, fq_batch_inv, mpz)
from zkvmc.curve.ladder import double_and_add
from zkvmc.curve.types import G2Affine, G2Jac

Affine = G2Affine
"""((x0, x1), (y0, y1)) or None for infinity (zkvmc.curve.types.G2Affine)."""
Jac = G2Jac
"""(X, Y, Z) over F_q2; Z == (0, 0) is infinity (zkvmc.curve.types.G2Jac)."""

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
    """P + Q with Q affine (not None), coordinates already reduced F_q2 pairs.

    The F_q2 products are written out on the components (u^2 = -1): this is MSM's inner loop,
    and function calls per F_q2 operation would double its cost.
    """
    (x0, x1), (y0, y1), (z0, z1) = p
    if z0 == 0 and z1 == 0:
        return (q[0], q[1], ONE2)
    (qx0, qx1), (qy0, qy1) = q
    zz0, zz1 = (z0 + z1) * (z0 - z1) % Q, 2 * z0 * z1 % Q  # Z1^2
    h0 = (qx0 * zz0 - qx1 * zz1 - x0) % Q  # U2 - X1
    h1 = (qx0 * zz1 + qx1 * zz0 - x1) % Q
    zc0, zc1 = (z0 * zz0 - z1 * zz1) % Q, (z0 * zz1 + z1 * zz0) % Q  # Z1^3
    r0 = 2 * (qy0 * zc0 - qy1 * zc1 - y0) % Q  # 2 (S2 - Y1)
    r1 = 2 * (qy0 * zc1 + qy1 * zc0 - y1) % Q
    if h0 == 0 and h1 == 0:
        return double(p) if r0 == 0 and r1 == 0 else INF
    hh0, hh1 = (h0 + h1) * (h0 - h1) % Q, 2 * h0 * h1 % Q
    i0, i1 = 4 * hh0, 4 * hh1
    j0, j1 = (h0 * i0 - h1 * i1) % Q, (h0 * i1 + h1 * i0) % Q
    v0, v1 = (x0 * i0 - x1 * i1) % Q, (x0 * i1 + x1 * i0) % Q
    x30 = ((r0 + r1) * (r0 - r1) - j0 - 2 * v0) % Q
    x31 = (2 * r0 * r1 - j1 - 2 * v1) % Q
    d0, d1 = v0 - x30, v1 - x31
    y30 = (r0 * d0 - r1 * d1 - 2 * (y0 * j0 - y1 * j1)) % Q
    y31 = (r0 * d1 + r1 * d0 - 2 * (y0 * j1 + y1 * j0)) % Q
    s0, s1 = z0 + h0, z1 + h1
    z30 = ((s0 + s1) * (s0 - s1) - zz0 - hh0) % Q
    z31 = (2 * s0 * s1 - zz1 - hh1) % Q
    return ((x30, x31), (y30, y31), (z30, z31))


def add(p: Jac, q: Jac) -> Jac:
    """P + Q, both Jacobian (components written out as in add_mixed)."""
    (x0, x1), (y0, y1), (z0, z1) = p
    (a0, a1), (b0, b1), (w0, w1) = q
    if z0 == 0 and z1 == 0:
        return q
    if w0 == 0 and w1 == 0:
        return p
    zz0, zz1 = (z0 + z1) * (z0 - z1) % Q, 2 * z0 * z1 % Q  # Z1^2
    ww0, ww1 = (w0 + w1) * (w0 - w1) % Q, 2 * w0 * w1 % Q  # Z2^2
    u10, u11 = (x0 * ww0 - x1 * ww1) % Q, (x0 * ww1 + x1 * ww0) % Q  # U1 = X1 Z2^2
    wc0, wc1 = (w0 * ww0 - w1 * ww1) % Q, (w0 * ww1 + w1 * ww0) % Q  # Z2^3
    s10, s11 = (y0 * wc0 - y1 * wc1) % Q, (y0 * wc1 + y1 * wc0) % Q  # S1 = Y1 Z2^3
    h0 = (a0 * zz0 - a1 * zz1 - u10) % Q  # U2 - U1
    h1 = (a0 * zz1 + a1 * zz0 - u11) % Q
    zc0, zc1 = (z0 * zz0 - z1 * zz1) % Q, (z0 * zz1 + z1 * zz0) % Q  # Z1^3
    r0 = 2 * (b0 * zc0 - b1 * zc1 - s10) % Q  # 2 (S2 - S1)
    r1 = 2 * (b0 * zc1 + b1 * zc0 - s11) % Q
    if h0 == 0 and h1 == 0:
        return double(p) if r0 == 0 and r1 == 0 else INF
    i0, i1 = 4 * (h0 + h1) * (h0 - h1) % Q, 8 * h0 * h1 % Q  # (2H)^2
    j0, j1 = (h0 * i0 - h1 * i1) % Q, (h0 * i1 + h1 * i0) % Q
    v0, v1 = (u10 * i0 - u11 * i1) % Q, (u10 * i1 + u11 * i0) % Q
    x30 = ((r0 + r1) * (r0 - r1) - j0 - 2 * v0) % Q
    x31 = (2 * r0 * r1 - j1 - 2 * v1) % Q
    d0, d1 = v0 - x30, v1 - x31
    y30 = (r0 * d0 - r1 * d1 - 2 * (s10 * j0 - s11 * j1)) % Q
    y31 = (r0 * d1 + r1 * d0 - 2 * (s10 * j1 + s11 * j0)) % Q
    s0, s1 = z0 + w0, z1 + w1
    t0 = ((s0 + s1) * (s0 - s1) - zz0 - ww0) % Q  # (Z1 + Z2)^2 - Z1^2 - Z2^2
    t1 = (2 * s0 * s1 - zz1 - ww1) % Q
    return ((x30, x31), (y30, y31), ((t0 * h0 - t1 * h1) % Q, (t0 * h1 + t1 * h0) % Q))


def neg(p: Jac) -> Jac:
    """-P."""
    return (p[0], (-p[1][0] % Q, -p[1][1] % Q), p[2])


def neg_affine(p: Affine) -> Affine:
    """-P for an affine point."""
    return None if p is None else (p[0], (-p[1][0] % Q, -p[1][1] % Q))


def mul(p: Jac, k: int) -> Jac:
    """[k]P by double-and-add (k not reduced mod r: used for the subgroup check)."""
    return double_and_add(p, k, INF, double, add, neg)


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
