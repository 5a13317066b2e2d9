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

On that native path A, B, C come from `intt` below: evaluations on the 2^k-th roots of unity in,
coefficients out, the same list as zkvmc.field.ntt.intt (its naive twin) about twice as fast
(bench/ntt.py: a stage-at-a-time Stockham transform on gmpy2 integers, see the notes above it).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import repeat
from operator import add, mod, mul, sub
from typing import Any

from zkvmc.field import R, inv
from zkvmc.field.ntt import log2_exact, root_of_unity


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


# --- inverse NTT for the prover's row polynomials -------------------------------------------
# Measured (bench/ntt.py): a Bluestein NTT through flint's product is no faster than the
# pure-Python radix-2 one, since this python-flint wheel multiplies 254-bit polynomials by
# Kronecker substitution in GMP (~0.2 s for n = 2^16) and the list <-> flint conversions cost as
# much again. What wins is the same O(n log n) butterflies done a whole stage at a time: a Stockham
# (autosort) radix-2 transform, Cooley-Tukey decimation in frequency with constant geometry
# (Van Loan, "Computational Frameworks for the FFT", 1992, sec. 1.7), whose every stage pairs x_i
# with x_(i+n/2), so each stage is a few C-level map() passes over gmpy2 integers instead of an
# interpreted loop; sums are left unreduced (they grow by one bit a stage), products are reduced.

try:  # the `fast` extra; plain ints give the same result, only slower
    from gmpy2 import mpz as _big
except ImportError:  # pragma: no cover - exercised only without gmpy2
    _big = int  # type: ignore[assignment,misc]

_R_BIG = _big(R)


@lru_cache(maxsize=4)
def _inverse_twiddles(n: int) -> list[Any]:
    """w^-j for j < n/2, w the primitive n-th root of zkvmc.field.ntt (as its intt uses)."""
    w_inv = inv(root_of_unity(n))
    out = [_big(1)] * (n >> 1)
    for j in range(1, n >> 1):
        out[j] = out[j - 1] * w_inv % _R_BIG
    return out


def _stage_twiddles(table: list[Any], s: int, half: int) -> list[Any]:
    """Twiddle of pair i at stage s: table[(i >> s) << s], each value repeated 2^s times."""
    step = 1 << s
    base = table[::step]
    out: list[Any] = [None] * half
    if step <= len(base):  # few long strided copies, or else few short runs
        for r in range(step):
            out[r::step] = base
    else:
        for j, x in enumerate(base):
            out[j * step:(j + 1) * step] = [x] * step
    return out


def _interleave(u: list[Any], v: list[Any], c: int) -> list[Any]:
    """Runs of c values taken from u and v in turn: u[0:c], v[0:c], u[c:2c], v[c:2c], ..."""
    n = 2 * len(u)
    y: list[Any] = [None] * n
    if 2 * c * c <= n:  # c strided copies per half
        for r in range(c):
            y[r::2 * c] = u[r::c]
            y[c + r::2 * c] = v[r::c]
    else:  # n / 2c runs per half
        for k in range(0, len(u), c):
            y[2 * k:2 * k + c] = u[k:k + c]
            y[2 * k + c:2 * k + 2 * c] = v[k:k + c]
    return y


def _stockham_inverse(values: list[Any]) -> list[Any]:
    """Unscaled inverse DFT (sum_k values_k w^-ik), in natural order, entries not reduced mod r."""
    n = len(values)
    half = n >> 1
    table = _inverse_twiddles(n)
    a = values
    for s in range(n.bit_length() - 1):
        x0, x1 = a[:half], a[half:]
        u = list(map(add, x0, x1))
        if (1 << s) == half:  # the last stage's twiddles are all w^0 = 1
            v = list(map(sub, x0, x1))
        else:
            v = list(map(mod, map(mul, map(sub, x0, x1), _stage_twiddles(table, s, half)), repeat(_R_BIG)))
        a = _interleave(u, v, 1 << s)
    return a


def intt(evals: list[int]) -> list[int]:
    """Coefficients of the polynomial of degree < n with these evaluations on the n-th roots of unity.

    The same list as zkvmc.field.ntt.intt (its naive twin, which the tests compare against).
    """
    n = len(evals)
    log2_exact(n)
    n_inv = _big(inv(n))
    out = _stockham_inverse(evals)  # ints become gmpy2 integers at their first product with a twiddle
    return list(map(int, map(mod, map(mul, out, repeat(n_inv)), repeat(_R_BIG))))
