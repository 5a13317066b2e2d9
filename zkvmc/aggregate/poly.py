"""The commitment-key polynomials of SnarkPack and their KZG quotients (eprint 2021/529 section 5.3).

After the GIPA rounds with challenges x_0 .. x_{k-1} (N = 2^k, round j halves at d_j = N/2^(j+1)),
the folded keys are single KZG commitments to polynomials in product form:

    v:  f_v(X) = prod_j (1 + x_j^-1 X^d_j)            final v = ([f_v(a)]_2, [f_v(b)]_2)
    w:  f_w(X) = X^N prod_j (1 + x_j (X/r)^d_j)        final w = ([f_w(a)]_1, [f_w(b)]_1)

so the verifier evaluates them at z in O(log N) while the prover opens them with one MSM each.
Takes challenges and scalars mod r; gives evaluations and coefficient lists (lowest first).
"""

from __future__ import annotations

from zkvmc.field import R


def degrees(n_rounds: int) -> list[int]:
    """d_j = N / 2^(j+1) for each round j (N = 2^n_rounds)."""
    return [1 << (n_rounds - 1 - j) for j in range(n_rounds)]


def product_eval(coeffs: list[int], z: int) -> int:
    """prod_j (1 + c_j z^d_j), c_j given per round (round 0 first)."""
    out = 1
    for c, d in zip(coeffs, degrees(len(coeffs))):
        out = out * (1 + c * pow(z, d, R)) % R
    return out


def product_coeffs(coeffs: list[int]) -> list[int]:
    """The N coefficients of prod_j (1 + c_j X^d_j): the one of X^i multiplies c_j over i's set bits d_j."""
    out = [1]
    for c in reversed(coeffs):  # the last round has d = 1: each factor doubles the length
        out = out + [c * y % R for y in out]
    return out


def v_factors(x_inv: list[int]) -> list[int]:
    """The per-round c_j of f_v: x_j^-1."""
    return list(x_inv)


def w_factors(x: list[int], r: int) -> list[int]:
    """The per-round c_j of f_w / X^N: x_j r^-d_j."""
    r_inv = pow(r, -1, R)
    return [xj * pow(r_inv, d, R) % R for xj, d in zip(x, degrees(len(x)))]


def r_fold(x_inv: list[int], r: int) -> int:
    """The r vector (1, r, .., r^(N-1)) folded by the rounds (r_L + x^-1 r_R): prod_j (1 + x_j^-1 r^d_j)."""
    return product_eval(x_inv, r)


def divide_linear(f: list[int], z: int) -> tuple[list[int], int]:
    """(q, f(z)) with f(X) - f(z) = q(X) (X - z): synthetic division (Horner)."""
    q = [0] * (len(f) - 1)
    acc = 0
    for i in range(len(f) - 1, 0, -1):
        acc = (acc * z + f[i]) % R
        q[i - 1] = acc
    return q, (acc * z + f[0]) % R
