"""G1/G2 fast arithmetic against py_ecc, F_q2 square roots, subgroup checks, point codecs."""

from __future__ import annotations

import random

import pytest

from zkvmc.curve import adapter, g1, g2
from zkvmc.curve.adapter import CURVE_ORDER, FIELD_MODULUS, G1_GEN, G2_GEN
from zkvmc.curve.codec import g1_from_json, g1_from_snarkjs, g1_to_json, g1_to_snarkjs, g2_from_json, g2_from_snarkjs, g2_to_json, g2_to_snarkjs
from zkvmc.errors import CodecError
from zkvmc.curve.fq import f2_mul, f2_sqr, f2_sqrt, fq2

RNG = random.Random(0xC0)


def _g1(k: int) -> tuple[int, int]:
    return g1.to_affine(g1.mul(g1.from_affine(G1_GEN), k))


def _g2(k: int):  # type: ignore[no-untyped-def]
    return g2.to_affine(g2.mul(g2.from_affine(G2_GEN), k))


def test_g1_mul_matches_py_ecc() -> None:
    for k in [1, 2, 3, CURVE_ORDER - 1, *(RNG.randrange(CURVE_ORDER) for _ in range(5))]:
        assert _g1(k) == adapter.reference_g1_mul(G1_GEN, k)


def test_g1_add_and_double_edge_cases_match_py_ecc() -> None:
    p, q = _g1(5), _g1(11)
    assert g1.to_affine(g1.add_mixed(g1.from_affine(p), q)) == adapter.reference_g1_add(p, q)
    assert g1.to_affine(g1.add(g1.from_affine(p), g1.from_affine(p))) == _g1(10)  # P + P doubles
    assert g1.to_affine(g1.add_mixed(g1.from_affine(p), p)) == _g1(10)
    assert g1.to_affine(g1.add(g1.from_affine(p), g1.neg(g1.from_affine(p)))) is None  # P - P
    assert g1.to_affine(g1.add_mixed(g1.INF, p)) == p
    assert g1.to_affine(g1.mul(g1.from_affine(G1_GEN), CURVE_ORDER)) is None


def test_g2_mul_matches_py_ecc() -> None:
    for k in [1, 2, CURVE_ORDER - 1, *(RNG.randrange(CURVE_ORDER) for _ in range(3))]:
        assert _g2(k) == adapter.reference_g2_mul(G2_GEN, k)


def test_g2_add_edge_cases() -> None:
    p = _g2(7)
    assert g2.to_affine(g2.add_mixed(g2.from_affine(p), p)) == _g2(14)
    assert g2.to_affine(g2.add(g2.from_affine(p), g2.from_affine(_g2(3)))) == _g2(10)
    assert g2.to_affine(g2.add(g2.from_affine(p), g2.neg(g2.from_affine(p)))) is None
    assert g2.batch_to_affine([g2.INF, g2.from_affine(p)]) == [None, p]


def test_fq2_sqrt() -> None:
    for _ in range(20):
        a = fq2(RNG.randrange(FIELD_MODULUS), RNG.randrange(FIELD_MODULUS))
        s = f2_sqrt(f2_sqr(a))
        assert s is not None and f2_sqr(s) == f2_sqr(a)
    non_square = next(x for x in (fq2(RNG.randrange(FIELD_MODULUS), 1) for _ in range(100))
                      if f2_sqrt(x) is None)
    # a non-square times a non-zero square is a non-square
    assert f2_sqrt(f2_mul(non_square, f2_sqr(fq2(3, 4)))) is None
    assert f2_sqrt(fq2(FIELD_MODULUS - 1, 0)) in ((0, 1), (0, FIELD_MODULUS - 1))  # sqrt(-1) = +-u


def test_subgroup_check_matches_r_times_p_on_random_points() -> None:
    for k in (RNG.randrange(1, CURVE_ORDER) for _ in range(3)):
        p = _g2(k)
        assert g2.in_subgroup(p) and adapter.reference_g2_mul(p, CURVE_ORDER) is None


def test_point_outside_the_subgroup_is_detected() -> None:
    for seed in (b"zkvmc-1", b"zkvmc-2"):
        p = g2.hash_to_twist(seed)
        assert g2.is_on_curve(p)
        assert not g2.in_subgroup(p)
        assert adapter.reference_g2_mul(p, CURVE_ORDER) is not None  # the independent twin agrees


def test_on_curve_checks() -> None:
    assert g1.is_on_curve(G1_GEN) and not g1.is_on_curve((1, 3))
    assert g2.is_on_curve(G2_GEN)
    assert not g2.is_on_curve((G2_GEN[0], (G2_GEN[1][0], G2_GEN[1][1] + 1)))


def test_codecs_round_trip() -> None:
    p, q = _g1(RNG.randrange(CURVE_ORDER)), _g2(RNG.randrange(CURVE_ORDER))
    assert g1_from_json(g1_to_json(p)) == p and g1_from_json(g1_to_json(None)) is None
    assert g2_from_json(g2_to_json(q)) == q and g2_from_json(g2_to_json(None)) is None
    assert g1_from_snarkjs(g1_to_snarkjs(p)) == p and g1_from_snarkjs(g1_to_snarkjs(None)) is None
    assert g2_from_snarkjs(g2_to_snarkjs(q)) == q and g2_from_snarkjs(g2_to_snarkjs(None)) is None
    assert g1_to_snarkjs(p)[2] == "1" and g2_to_snarkjs(q)[2] == ["1", "0"]


@pytest.mark.parametrize("value, where, message", [
    (["1", str(2 + FIELD_MODULUS), "1"], "[1]", "not below the field modulus"),
    (["1", "3", "1"], "", "not on the curve"),
    (["1", "2", "2"], "[2]", "expected 1"),
    (["1", "-2", "1"], "[1]", "decimal string"),
    (["1", 2, "1"], "[1]", "decimal string"),
    (["1", "2"], "", "expected [x, y, z]"),
])
def test_g1_decoding_errors_name_the_field(value: list, where: str, message: str) -> None:
    with pytest.raises(CodecError) as e:
        g1_from_snarkjs(value)
    assert e.value.where == where and message in e.value.message


def test_g2_decoding_rejects_points_outside_the_subgroup() -> None:
    bad = g2.hash_to_twist(b"codec")
    with pytest.raises(CodecError, match="subgroup"):
        g2_from_snarkjs(g2_to_snarkjs(bad))
    off = (G2_GEN[0], (G2_GEN[1][0], (G2_GEN[1][1] + 1) % FIELD_MODULUS))
    with pytest.raises(CodecError, match="not on the curve"):
        g2_from_snarkjs(g2_to_snarkjs(off))
    enc = g2_to_snarkjs(G2_GEN)
    enc[0][1] = str(int(enc[0][1]) + FIELD_MODULUS)
    with pytest.raises(CodecError) as e:
        g2_from_snarkjs(enc)
    assert e.value.where == "[0][1]"


def test_pairing_check_matches_py_ecc_pairing() -> None:
    a, b = 6, 35
    p, q = _g1(a), _g2(b)
    # e([a]g1, [b]g2) == e([ab]g1, g2): the product check and py_ecc's pairing agree
    assert adapter.pairing(p, q) == adapter.pairing(_g1(a * b), G2_GEN)
    assert adapter.pairing_product_is_one([(g1.neg_affine(p), q), (_g1(a * b), G2_GEN)])
    assert adapter.pairing(p, q) != adapter.pairing(_g1(a * b + 1), G2_GEN)
    assert not adapter.pairing_product_is_one([(g1.neg_affine(p), q), (_g1(a * b + 1), G2_GEN)])
    assert adapter.pairing_product_is_one([(None, q), (p, None)])


def test_works_without_gmpy2() -> None:
    """gmpy2 is an optional speed-up: with it blocked, the plain-int fallback gives the same results."""
    import subprocess
    import sys

    script = """
import sys, random
sys.modules["gmpy2"] = None  # makes `import gmpy2` raise ImportError
from zkvmc.curve.fq import HAVE_GMPY2, mpz
from zkvmc.curve.group import G1, G2
from zkvmc.curve.msm import FixedBase, msm_affine, msm_naive
from zkvmc.curve.adapter import G1_GEN, G2_GEN
from zkvmc.groth16 import setup, prove, verify
from zkvmc.r1cs.system import R1CS, Constraint
assert not HAVE_GMPY2 and mpz is int
rng = random.Random(1)
pts = FixedBase(G1, G1_GEN, 4).mul_many([rng.randrange(1, 10**70) for _ in range(20)])
ks = [rng.randrange(10**76) for _ in pts]
assert msm_affine(G1, pts, ks) == G1.batch_to_affine([msm_naive(G1, pts, ks)])[0]
q = FixedBase(G2, G2_GEN, 4).mul_many([3, 5])
assert msm_affine(G2, q, [7, 11]) == G2.batch_to_affine([msm_naive(G2, q, [7, 11])])[0]
r1cs = R1CS(4, 1, 1, (Constraint(((2, 1),), ((3, 1),), ((1, 1),)),))
pk, vk = setup(r1cs, rng)
proof = prove(pk, r1cs, [1, 15, 3, 5], rng)
assert verify(vk, [15, 3], proof) and not verify(vk, [15, 4], proof)
print("ok")
"""
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr


def test_written_out_constants_are_py_ecc_s() -> None:
    from py_ecc import optimized_bn128 as bn

    assert FIELD_MODULUS == int(bn.field_modulus) and CURVE_ORDER == int(bn.curve_order)
    assert adapter.B2 == (int(bn.b2.coeffs[0]), int(bn.b2.coeffs[1]))
    assert G2_GEN == tuple((int(c.coeffs[0]), int(c.coeffs[1])) for c in bn.G2[:2])
    assert G2_GEN != tuple((int(c.coeffs[1]), int(c.coeffs[0])) for c in bn.G2[:2])  # coefficient order matters


def test_importing_the_adapter_does_not_import_py_ecc() -> None:
    import subprocess
    import sys

    code = "import sys, zkvmc.curve.adapter, zkvmc.groth16; print('py_ecc' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.stdout.strip() == "False", res.stderr
