"""The one adapter over py_ecc (optimized_bn128): curve constants, generators and the pairing.

Takes affine points as int tuples (G1: (x, y); G2: ((x0, x1), (y0, y1)); None = infinity) and
gives py_ecc's results: the product of Miller loops with one final exponentiation (EIP-197's
pairing check), single pairings for tests, and reference scalar multiplication used only by
tests as a twin of the fast paths. No other zkvmc module imports py_ecc.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

from zkvmc.curve.types import Fq12, G1Affine, G2Affine

# The constants are written out (tests/test_curve.py checks them against py_ecc) so that importing
# this module does not import py_ecc: that costs ~40 ms of every CLI start, and only the pairing
# and the test references need it.
FIELD_MODULUS: int = 21888242871839275222246405745257275088696311157297823662689037894645226208583
"""q, the base-field modulus."""

CURVE_ORDER: int = 21888242871839275222246405745257275088548364400416034343698204186575808495617
"""r, the order of G1 and G2 (= the scalar field of zkvmc.field)."""

B1: int = 3
"""G1: y^2 = x^3 + 3."""

B2: tuple[int, int] = (19485874751759354771024239261021720505790618469301721065564631296452457478373,
                       266929791119991161246907387137283842545076965332900288569378510910307636690)
"""The twist: y^2 = x^3 + 3/(9 + u), as (c0, c1)."""

G1_GEN: G1Affine = (1, 2)
"""The G1 generator."""

G2_GEN: G2Affine = (
    (10857046999023057135944570762232829481370756359578518086990519993285655852781,
     11559732032986387107991004021392285783925812861821192530917403151452391805634),
    (8495653923123431417604973247489272438418190587263600148770280649306958101930,
     4082367875863433681332203403145435568316851327593401208105741076214120093531),
)
"""The G2 generator (EIP-197)."""


@functools.cache
def py_ecc() -> SimpleNamespace:
    """py_ecc's optimized_bn128 (bn) and its pairing module (op), imported on first use."""
    from py_ecc import optimized_bn128
    from py_ecc.optimized_bn128 import optimized_pairing

    return SimpleNamespace(bn=optimized_bn128, op=optimized_pairing)


PyEccPoint = Any
"""A point in py_ecc's own projective representation (never leaves this module)."""


def _to_g1(p: G1Affine) -> PyEccPoint:
    bn = py_ecc().bn
    return (bn.FQ(int(p[0])), bn.FQ(int(p[1])), bn.FQ.one())


def _to_g2(p: G2Affine) -> PyEccPoint:
    (x0, x1), (y0, y1) = p
    bn = py_ecc().bn
    return (bn.FQ2([int(x0), int(x1)]), bn.FQ2([int(y0), int(y1)]), bn.FQ2.one())


def _from_g1(p: PyEccPoint) -> G1Affine:
    if py_ecc().bn.is_inf(p):
        return None
    x, y = py_ecc().bn.normalize(p)
    return (int(x), int(y))


def _from_g2(p: PyEccPoint) -> G2Affine:
    if py_ecc().bn.is_inf(p):
        return None
    x, y = py_ecc().bn.normalize(p)
    return ((int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1])))


def miller_product(pairs: list[tuple[G1Affine, G2Affine]]) -> Fq12:
    """prod_i f_{Q_i}(P_i) without final exponentiation (pairs with infinity contribute 1)."""
    f = py_ecc().bn.FQ12.one()
    for p, q in pairs:
        if p is None or q is None:
            continue
        op = py_ecc().op
        f = f * op.miller_loop(py_ecc().bn.twist(_to_g2(q)), op.cast_point_to_fq12(_to_g1(p)), False)
    return f


def pairing_product_is_one(pairs: list[tuple[G1Affine, G2Affine]]) -> bool:
    """Whether prod_i e(P_i, Q_i) == 1: one multi-Miller loop, ONE final exponentiation."""
    return py_ecc().op.final_exponentiate(miller_product(pairs)) == py_ecc().bn.FQ12.one()


def pairing(p: G1Affine, q: G2Affine) -> Fq12:
    """e(P, Q) in py_ecc's FQ12 (a reference for tests and for vk_alphabeta_12)."""
    if p is None or q is None:
        return py_ecc().bn.FQ12.one()
    return py_ecc().bn.pairing(_to_g2(q), _to_g1(p))


def fq12_to_tower(f: Fq12) -> list[list[list[int]]]:
    """An FQ12 value in the tower layout snarkjs writes (c0/c1 over F_q6, each 3 F_q2 pairs).

    py_ecc's F_q12 is F_q[w]/(w^12 - 18 w^6 + 82) with w^6 = 9 + u; the tower is
    F_q2[v]/(v^3 - (9 + u)), then [w]/(w^2 - v); so w^j (j < 6) gathers c_j + c_{j+6} (9 + u),
    and w^0, w^2, w^4 are v^0, v^1, v^2 of c0 while w^1, w^3, w^5 are those of c1.
    """
    c = [int(x) for x in f.coeffs]
    q = FIELD_MODULUS
    pairs = [[(c[j] + 9 * c[j + 6]) % q, c[j + 6] % q] for j in range(6)]
    return [[pairs[0], pairs[2], pairs[4]], [pairs[1], pairs[3], pairs[5]]]


BN_X = 4965661367192848881
"""The BN parameter x of BN254 (q and r are polynomials in x)."""

SNARKJS_GT_EXPONENT = 2 * BN_X * (6 * BN_X * BN_X + 3 * BN_X + 1)
"""snarkjs (ffjavascript) computes the final exponentiation's hard part as in Fuentes-Castaneda
et al. 2011, which yields e^lambda, lambda = 2x(6x^2 + 3x + 1), rather than py_ecc's e."""


def pairing_as_snarkjs(p: G1Affine, q: G2Affine) -> list[list[list[int]]]:
    """e(P, Q) as snarkjs writes it (vk_alphabeta_12): py_ecc's value^lambda in tower layout."""
    return fq12_to_tower(pairing(p, q) ** (SNARKJS_GT_EXPONENT % CURVE_ORDER))


def reference_g1_mul(p: G1Affine, k: int) -> G1Affine:
    """[k]P by py_ecc (tests only: the slow, trusted twin)."""
    return None if p is None else _from_g1(py_ecc().bn.multiply(_to_g1(p), k % CURVE_ORDER))


def reference_g2_mul(p: G2Affine, k: int) -> G2Affine:
    """[k]P in G2 by py_ecc (tests only), k taken as an integer, not reduced mod r."""
    return None if p is None else _from_g2(py_ecc().bn.multiply(_to_g2(p), k))


def reference_g1_add(p: G1Affine, q: G1Affine) -> G1Affine:
    """P + Q by py_ecc (tests only)."""
    if p is None or q is None:
        return q if p is None else p
    return _from_g1(py_ecc().bn.add(_to_g1(p), _to_g1(q)))


# ---- GT (the order-r subgroup of F_q12*), for pairing-product arguments (zkvmc.aggregate) -------
# A GT value crosses the backend interface as 12 ints in mcl's tower order: c0.v0, c0.v1, c0.v2,
# c1.v0, c1.v1, c1.v2, each F_q2 as (re, im), with F_q12 = F_q6[w]/(w^2 - v) and
# F_q6 = F_q2[v]/(v^3 - (9 + u)). py_ecc's pairing is raised to SNARKJS_GT_EXPONENT so that both
# backends give the same value (mcl's final exponentiation, like ffjavascript's, yields e^lambda).

GTValue = tuple
"""12 ints in [0, q): a GT element in tower order (see above)."""

GT_ONE: tuple[int, ...] = (1,) + (0,) * 11
"""The identity of GT."""


def gt_from_fq12(f: Any) -> tuple[int, ...]:
    """A py_ecc FQ12 value in tower order."""
    return tuple(c for half in fq12_to_tower(f) for pair in half for c in pair)


def gt_to_fq12(t: tuple[int, ...]) -> Any:
    """The py_ecc FQ12 value of a tower-order tuple (inverse of gt_from_fq12).

    Tower slot w^j holds (a_j, b_j) = (c_j + 9 c_{j+6}, c_{j+6}) of py_ecc's coefficients c."""
    q = FIELD_MODULUS
    pos = (0, 2, 4, 1, 3, 5)  # the w-power of each F_q2 slot in tower order
    c = [0] * 12
    for slot, j in enumerate(pos):
        a, b = t[2 * slot], t[2 * slot + 1]
        c[j + 6] = b % q
        c[j] = (a - 9 * b) % q
    return py_ecc().bn.FQ12(c)


def gt_pairing_product(pairs: list[tuple[G1Affine, G2Affine]]) -> tuple[int, ...]:
    """prod_i e(P_i, Q_i) in GT, as mcl and snarkjs compute it (one final exponentiation)."""
    f = py_ecc().op.final_exponentiate(miller_product(pairs))
    return gt_from_fq12(f ** (SNARKJS_GT_EXPONENT % CURVE_ORDER))


def gt_mul(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """a * b in F_q12."""
    return gt_from_fq12(gt_to_fq12(a) * gt_to_fq12(b))


def gt_pow(a: tuple[int, ...], k: int) -> tuple[int, ...]:
    """a^(k mod r) (a in GT, so only k mod r matters)."""
    return gt_from_fq12(gt_to_fq12(a) ** (k % CURVE_ORDER))


def gt_is_member(a: tuple[int, ...]) -> bool:
    """Whether a (12 canonical coordinates) is in GT: a^r == 1 (so a != 0)."""
    return gt_to_fq12(a) ** CURVE_ORDER == py_ecc().bn.FQ12.one()
