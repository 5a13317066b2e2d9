"""The base field F_q of BN254 and its quadratic extension F_q2 = F_q[u]/(u^2 + 1).

Takes ints (or gmpy2 mpz) and gives reduced values; F_q2 elements are pairs (c0, c1) meaning
c0 + c1*u, the order snarkjs writes them in. gmpy2 is used when importable (a 2-4x speed-up of
modular multiplication on 254-bit numbers); otherwise plain ints.
"""

from __future__ import annotations

from zkvmc.curve.adapter import FIELD_MODULUS
from zkvmc.curve.types import Fq2, Num

try:  # the `fast` extra
    from gmpy2 import invert as _gmp_invert
    from gmpy2 import mpz

    HAVE_GMPY2 = True
except ImportError:  # pragma: no cover - exercised only without gmpy2
    mpz = int  # type: ignore[assignment,misc]
    HAVE_GMPY2 = False

Q = mpz(FIELD_MODULUS)
"""q, the base-field modulus, in the fast integer type."""


def fq(x: int) -> Num:
    """x reduced mod q, in the fast integer type."""
    return mpz(x) % Q


def fq_inv(x: Num) -> Num:
    """x^-1 mod q for x != 0."""
    if x % Q == 0:
        raise ZeroDivisionError("inverse of 0 in F_q")
    if HAVE_GMPY2:
        return _gmp_invert(x, Q)
    return pow(int(x), -1, int(Q))


def fq_batch_inv(xs: list[Num]) -> list[Num]:
    """Inverses of non-zero elements with one inversion (Montgomery's trick)."""
    prefix = [mpz(1)] * (len(xs) + 1)
    for i, x in enumerate(xs):
        prefix[i + 1] = prefix[i] * x % Q
    acc = fq_inv(prefix[-1]) if xs else mpz(1)
    out = [mpz(0)] * len(xs)
    for i in range(len(xs) - 1, -1, -1):
        out[i] = acc * prefix[i] % Q
        acc = acc * xs[i] % Q
    return out


def fq_sqrt(a: Num) -> Num | None:
    """A square root of a in F_q (q = 3 mod 4), or None when a is not a square."""
    a = a % Q
    x = pow(a, (Q + 1) // 4, Q)
    return x if x * x % Q == a else None


def fq2(c0: int, c1: int) -> Fq2:
    """The F_q2 element c0 + c1*u, reduced."""
    return (mpz(c0) % Q, mpz(c1) % Q)


def f2_mul(a: Fq2, b: Fq2) -> Fq2:
    """a * b, Karatsuba: three base-field products."""
    a0, a1 = a
    b0, b1 = b
    t0 = a0 * b0
    t1 = a1 * b1
    return ((t0 - t1) % Q, ((a0 + a1) * (b0 + b1) - t0 - t1) % Q)


def f2_sqr(a: Fq2) -> Fq2:
    """a^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u."""
    a0, a1 = a
    return ((a0 + a1) * (a0 - a1) % Q, 2 * a0 * a1 % Q)


def f2_norm(a: Fq2) -> Num:
    """N(a) = a0^2 + a1^2, in F_q."""
    return (a[0] * a[0] + a[1] * a[1]) % Q


def f2_sqrt(a: Fq2) -> Fq2 | None:
    """A square root of a in F_q2, or None when a is not a square (via the norm, q = 3 mod 4)."""
    a0, a1 = a[0] % Q, a[1] % Q
    if a1 == 0:
        s = fq_sqrt(a0)
        if s is not None:
            return (s, mpz(0))
        s = fq_sqrt(-a0 % Q)  # sqrt(a0) = sqrt(-a0) * u, since u^2 = -1
        return (mpz(0), s) if s is not None else None
    n = fq_sqrt(f2_norm((a0, a1)))
    if n is None:
        return None
    half = fq_inv(mpz(2))
    for cand in ((a0 + n) * half % Q, (a0 - n) * half % Q):
        x0 = fq_sqrt(cand)
        if x0 is not None and x0 != 0:
            x = (x0, a1 * fq_inv(2 * x0) % Q)
            return x if f2_sqr(x) == (a0, a1) else None
    return None
