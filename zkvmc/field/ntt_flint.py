"""Native polynomial arithmetic over F_r through python-flint (FLINT's fmpz_mod_poly).

Takes coefficient lists (ints in [0, r)) and gives the truncated product the prover's quotient
needs: with A, B, C the row polynomials in coefficient form (degree < n) and
A B - C = h Z, Z = X^n - 1, deg h <= n - 2, the coefficients of X^0..X^(n-1) of A B - C are
those of -h (h X^n only reaches degrees >= n), so h = C - (A B mod X^n): one native
`mul_low` replaces the three coset NTTs and the coset iNTT of the evaluation-form method
(zkvmc.groth16.qap.quotient_from_cosets, the naive twin the tests compare against).
FLINT (LGPL, flintlib.org) multiplies by Kronecker substitution / Schoenhage-Strassen in C.
When python-flint is missing (platforms without its wheels) `available()` is False and the
prover uses the pure-Python coset method; both give the same h, since h is unique.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from zkvmc.field import R


@lru_cache(maxsize=1)
def _ctx() -> Any:
    """The fmpz_mod_poly context for F_r, or None when python-flint cannot be imported."""
    try:
        import flint
    except ImportError:
        return None
    return flint.fmpz_mod_poly_ctx(R)


def available() -> bool:
    """Whether python-flint is installed and importable here."""
    return _ctx() is not None


def version() -> str | None:
    """python-flint's version, or None when it is not available."""
    if not available():
        return None
    import flint

    return str(flint.__version__)


def mul_low(a: list[int], b: list[int], n: int) -> list[int]:
    """The coefficients of X^0..X^(n-1) of a * b (lists of ints in [0, r)), length n."""
    ctx = _ctx()
    if ctx is None:
        raise RuntimeError("python-flint is not installed")
    prod = ctx(a).mul_low(ctx(b), n)
    out = [int(c) for c in prod.coeffs()]
    return out + [0] * (n - len(out))  # flint drops leading zero coefficients


def quotient_from_coeffs(a: list[int], b: list[int], c: list[int], n: int) -> list[int]:
    """h_0 .. h_{n-2} of h = (A B - C) / (X^n - 1) from A, B, C in coefficient form (length n)."""
    low = mul_low(a, b, n)
    return [(ci - li) % R for ci, li in zip(c[: n - 1], low[: n - 1])]
