"""Radix-2 number-theoretic transforms over F_r (BN254 scalar field).

Takes coefficient or evaluation vectors of length 2^k (k <= 28) and gives the other form, on the
subgroup of 2^k-th roots of unity or on its coset g*<w>. r - 1 = 2^28 * t (2-adicity 28); the
2^28-th root of unity is 5^t with 5 the multiplicative generator, the convention snarkjs
(ffjavascript) and arkworks use, so domains agree with theirs. Cooley-Tukey, iterative, in place
on a copy; `naive_dft` is the O(n^2) twin the tests compare against.
"""

from __future__ import annotations

from zkvmc.errors import ApiMisuse
from zkvmc.field import R, inv

TWO_ADICITY = 28
"""Largest k with 2^k | r - 1."""

GENERATOR = 5
"""Multiplicative generator of F_r^* (also the coset shift used for quotient computations)."""

ROOT_OF_UNITY = pow(GENERATOR, (R - 1) >> TWO_ADICITY, R)
"""A primitive 2^28-th root of unity."""


def log2_exact(n: int) -> int:
    """k with n == 2^k; ValueError otherwise or when k exceeds the 2-adicity."""
    k = n.bit_length() - 1
    if n <= 0 or n != 1 << k or k > TWO_ADICITY:
        raise ApiMisuse(f"domain size {n} is not a power of two <= 2^{TWO_ADICITY}")
    return k


def root_of_unity(n: int) -> int:
    """A primitive n-th root of unity (n a power of two)."""
    k = log2_exact(n)
    return pow(ROOT_OF_UNITY, 1 << (TWO_ADICITY - k), R)


def _bit_reverse(a: list[int]) -> None:
    n = len(a)
    j = 0
    for i in range(1, n):
        bit = n >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
        if i < j:
            a[i], a[j] = a[j], a[i]


def _transform(values: list[int], omega: int) -> list[int]:
    """In-order evaluation of the polynomial with coefficients `values` at omega^0..omega^(n-1)."""
    a = [v % R for v in values]
    n = len(a)
    log2_exact(n)
    _bit_reverse(a)
    size = 2
    while size <= n:
        half = size >> 1
        w_m = pow(omega, n // size, R)
        twiddles = [1] * half
        for j in range(1, half):
            twiddles[j] = twiddles[j - 1] * w_m % R
        for start in range(0, n, size):
            for j in range(half):
                u = a[start + j]
                v = a[start + j + half] * twiddles[j] % R
                a[start + j] = (u + v) % R
                a[start + j + half] = (u - v) % R
        size <<= 1
    return a


def ntt(coeffs: list[int]) -> list[int]:
    """Evaluations at w^0..w^(n-1) of the polynomial with these n coefficients."""
    return _transform(coeffs, root_of_unity(len(coeffs)))


def intt(evals: list[int]) -> list[int]:
    """Coefficients of the polynomial of degree < n with these evaluations on the domain."""
    n = len(evals)
    out = _transform(evals, inv(root_of_unity(n)))
    n_inv = inv(n)
    return [x * n_inv % R for x in out]


def _scale(values: list[int], g: int) -> list[int]:
    out = [0] * len(values)
    p = 1
    for i, v in enumerate(values):
        out[i] = v * p % R
        p = p * g % R
    return out


def coset_ntt(coeffs: list[int], shift: int = GENERATOR) -> list[int]:
    """Evaluations at shift*w^i (the coset shift*<w>)."""
    return ntt(_scale(coeffs, shift))


def coset_intt(evals: list[int], shift: int = GENERATOR) -> list[int]:
    """Coefficients of the polynomial with these evaluations on the coset shift*<w>."""
    return _scale(intt(evals), inv(shift))


def naive_dft(coeffs: list[int], omega: int) -> list[int]:
    """O(n^2) evaluation at omega^0..omega^(n-1), the reference the fast transforms must match."""
    n = len(coeffs)
    out = []
    for i in range(n):
        x = pow(omega, i, R)
        acc = 0
        for c in reversed(coeffs):
            acc = (acc * x + c) % R
        out.append(acc)
    return out
