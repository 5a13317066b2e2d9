"""SnarkPack aggregation (zkvmc.aggregate): positives for several n, a negative twin for each way
an aggregate can lie, the two backends' GT arithmetic and aggregates compared exactly, and the
SRS/aggregate files against hostile edits."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from zkvmc.aggregate import (AggregateProof, BadSRS, MalformedAggregate, aggregate_proofs, insecure_setup, padded_size,
                             verifier_srs, verify_aggregate)
from zkvmc.aggregate import poly
from zkvmc.aggregate.files import aggregate_from_json, aggregate_to_json, srs_from_json, srs_to_json
from zkvmc.aggregate.srs import structure_ok, verifier_srs_ok
from zkvmc.backend import available, get_backend
from zkvmc.curve import g2
from zkvmc.curve.adapter import FIELD_MODULUS, G1_GEN, G2_GEN, GT_ONE, reference_g1_add, reference_g1_mul, reference_g2_mul
from zkvmc.errors import ArtifactError
from zkvmc.field import R
from zkvmc.groth16 import MalformedInput, Proof, prove, public_signals, setup, verify
from zkvmc.r1cs.system import R1CS, Constraint

pytestmark = pytest.mark.skipif("mcl" not in available(), reason="the aggregation tests build proofs with mcl")

# x * y = z, z public output, x public input, y private
MUL = R1CS(4, 1, 1, (Constraint(((2, 1),), ((3, 1),), ((1, 1),)),))


def _statements(pk, n: int, rng: random.Random, be):  # type: ignore[no-untyped-def]
    proofs, publics = [], []
    for _ in range(n):
        x, y = rng.randrange(R), rng.randrange(R)
        w = [1, x * y % R, x, y]
        proofs.append(prove(pk, MUL, w, rng, backend=be))
        publics.append(public_signals(MUL, w))
    return proofs, publics


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    """Two keys for MUL, 8 valid proofs under the first, 2 under the second, two SRSs of size 8."""
    be, rng = get_backend("mcl"), random.Random(13)
    pk, vk = setup(MUL, rng, backend=be)
    pk2, vk2 = setup(MUL, rng, backend=be)
    proofs, publics = _statements(pk, 8, rng, be)
    other, other_pub = _statements(pk2, 2, rng, be)
    return dict(be=be, vk=vk, vk2=vk2, proofs=proofs, publics=publics, other=other, other_pub=other_pub,
                srs=insecure_setup(8, random.Random(1), be), srs2=insecure_setup(8, random.Random(2), be))


# ---- GT arithmetic: the two backends agree (python is the naive twin of mcl) -------------------


def test_gt_arithmetic_is_identical_on_both_backends() -> None:
    py, mc = get_backend("python"), get_backend("mcl")
    rng = random.Random(5)
    pairs = [(reference_g1_mul(G1_GEN, rng.randrange(1, R)), reference_g2_mul(G2_GEN, rng.randrange(1, R)))
             for _ in range(2)] + [(None, G2_GEN)]
    a = mc.gt_pairing(pairs)
    assert a == py.gt_pairing(pairs) and a != GT_ONE
    b, k = mc.gt_pairing(pairs[:1]), rng.randrange(R)
    assert mc.gt_mul(a, b) == py.gt_mul(a, b)
    assert mc.gt_pow(a, k) == py.gt_pow(a, k) != a
    assert mc.gt_pow(a, R) == GT_ONE and mc.gt_pairing([]) == GT_ONE
    # bilinearity: e(kP, Q) = e(P, Q)^k
    assert mc.gt_pairing([(reference_g1_mul(pairs[0][0], k), pairs[0][1])]) == mc.gt_pow(b, k)


def test_gt_membership_on_both_backends() -> None:
    rng = random.Random(6)
    junk = tuple(rng.randrange(FIELD_MODULUS) for _ in range(12))
    good = get_backend("mcl").gt_pairing([(G1_GEN, G2_GEN)])
    for name in ("python", "mcl"):
        be = get_backend(name)
        assert be.gt_is_member(good) and be.gt_is_member(GT_ONE)
        assert not be.gt_is_member(junk) and not be.gt_is_member((0,) * 12)


def test_g2_subgroup_check_is_identical_on_both_backends() -> None:
    outside = g2.hash_to_twist(b"aggregate")  # on the twist, not in G2 (the cofactor is not cleared)
    assert g2.is_on_curve(outside) and not g2.in_subgroup(outside)
    inside = [reference_g2_mul(G2_GEN, k) for k in (2, 3)] + [None]
    for name in ("python", "mcl"):
        be = get_backend(name)
        assert be.g2_in_subgroup(inside) and be.g2_in_subgroup([])
        assert not be.g2_in_subgroup(inside + [outside]) and not be.g2_in_subgroup([outside])


# ---- the key polynomials --------------------------------------------------------------------


def test_product_form_polynomials_and_kzg_quotient() -> None:
    rng = random.Random(7)
    cs, z, s = [rng.randrange(R) for _ in range(4)], rng.randrange(R), rng.randrange(R)
    f = poly.product_coeffs(cs)
    assert len(f) == 16
    assert sum(c * pow(z, i, R) for i, c in enumerate(f)) % R == poly.product_eval(cs, z)
    q, fz = poly.divide_linear(f, z)
    ev = lambda p, x: sum(c * pow(x, i, R) for i, c in enumerate(p)) % R  # noqa: E731
    assert fz == poly.product_eval(cs, z) and (ev(q, s) * (s - z) - (ev(f, s) - fz)) % R == 0
    assert (ev(q, s) * (s - z) - (ev(f, s) - fz - 1)) % R != 0  # twin: a wrong value is no quotient


# ---- positives ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_aggregate_of_n_proofs_verifies(world, n: int) -> None:  # type: ignore[no-untyped-def]
    w = world
    agg = aggregate_proofs(w["vk"], w["publics"][:n], w["proofs"][:n], w["srs"], w["be"])
    assert agg.n == n and agg.padded == padded_size(n) and len(agg.rounds) == padded_size(n).bit_length() - 1
    assert verify_aggregate(w["vk"], w["publics"][:n], agg, w["srs"], w["be"])
    bad = [list(x) for x in w["publics"][:n]]
    bad[-1][0] = (bad[-1][0] + 1) % R  # negative twin: one output changed
    assert not verify_aggregate(w["vk"], bad, agg, w["srs"], w["be"])


def test_python_backend_aggregates_identically_and_verifies(world) -> None:  # type: ignore[no-untyped-def]
    w, py = world, get_backend("python")
    agg = aggregate_proofs(w["vk"], w["publics"][:2], w["proofs"][:2], w["srs"], py)
    assert agg == aggregate_proofs(w["vk"], w["publics"][:2], w["proofs"][:2], w["srs"], w["be"])
    assert verify_aggregate(w["vk"], w["publics"][:2], agg, verifier_srs(w["srs"]), py)
    assert not verify_aggregate(w["vk"], w["publics"][1::-1], agg, verifier_srs(w["srs"]), py)


# ---- negatives: every lie is rejected -------------------------------------------------------


def _agg(w, proofs, publics, srs=None):  # type: ignore[no-untyped-def]
    return aggregate_proofs(w["vk"], publics, proofs, srs or w["srs"], w["be"])


def test_one_tampered_proof_among_many_is_rejected(world) -> None:  # type: ignore[no-untyped-def]
    w = world
    proofs = list(w["proofs"][:6])
    proofs[3] = replace(proofs[3], c=reference_g1_add(proofs[3].c, G1_GEN))
    assert not verify(w["vk"], w["publics"][3], proofs[3], w["be"])
    assert not verify_aggregate(w["vk"], w["publics"][:6], _agg(w, proofs, w["publics"][:6]), w["srs"], w["be"])


def test_proofs_from_another_key_are_rejected(world) -> None:  # type: ignore[no-untyped-def]
    w = world
    proofs, publics = w["proofs"][:2] + w["other"], w["publics"][:2] + w["other_pub"]
    assert not verify_aggregate(w["vk"], publics, _agg(w, proofs, publics), w["srs"], w["be"])
    agg2 = aggregate_proofs(w["vk2"], w["other_pub"], w["other"], w["srs"], w["be"])
    assert verify_aggregate(w["vk2"], w["other_pub"], agg2, w["srs"], w["be"])  # twin: right key
    assert not verify_aggregate(w["vk"], w["other_pub"], agg2, w["srs"], w["be"])


def test_reordered_statements_are_rejected(world) -> None:  # type: ignore[no-untyped-def]
    w = world
    agg = _agg(w, w["proofs"][:4], w["publics"][:4])
    swapped = [w["publics"][1], w["publics"][0], *w["publics"][2:4]]
    assert not verify_aggregate(w["vk"], swapped, agg, w["srs"], w["be"])
    proofs = [w["proofs"][1], w["proofs"][0], *w["proofs"][2:4]]  # proofs reordered, publics not
    assert not verify_aggregate(w["vk"], w["publics"][:4], _agg(w, proofs, w["publics"][:4]), w["srs"], w["be"])


def test_another_srs_is_rejected(world) -> None:  # type: ignore[no-untyped-def]
    w = world
    agg = _agg(w, w["proofs"][:3], w["publics"][:3])
    assert verify_aggregate(w["vk"], w["publics"][:3], agg, w["srs"], w["be"])
    assert not verify_aggregate(w["vk"], w["publics"][:3], agg, w["srs2"], w["be"])


def test_truncated_or_padded_aggregates_are_malformed(world) -> None:  # type: ignore[no-untyped-def]
    w = world
    agg = _agg(w, w["proofs"][:4], w["publics"][:4])
    with pytest.raises(MalformedAggregate, match="rounds"):
        verify_aggregate(w["vk"], w["publics"][:4], replace(agg, rounds=agg.rounds[:-1]), w["srs"], w["be"])
    with pytest.raises(MalformedAggregate, match="n"):
        verify_aggregate(w["vk"], w["publics"][:3], agg, w["srs"], w["be"])
    with pytest.raises(MalformedAggregate, match=r"ip_ab.*GT"):
        verify_aggregate(w["vk"], w["publics"][:4], replace(agg, ip_ab=(2,) + (0,) * 11), w["srs"], w["be"])


@pytest.mark.parametrize("edit", ["swap_round_products", "final_a", "open_w", "agg_c", "zc_l", "com_c"])
def test_every_edited_aggregate_element_is_rejected(world, edit: str) -> None:  # type: ignore[no-untyped-def]
    w = world
    agg = _agg(w, w["proofs"][:4], w["publics"][:4])
    r0 = agg.rounds[0]
    bumped = lambda p: reference_g1_add(p, G1_GEN)  # noqa: E731
    edited = {
        "swap_round_products": lambda: replace(agg, rounds=(replace(r0, zab_l=r0.zab_r, zab_r=r0.zab_l), *agg.rounds[1:])),
        "final_a": lambda: replace(agg, final_a=bumped(agg.final_a)),
        "open_w": lambda: replace(agg, open_w=(bumped(agg.open_w[0]), agg.open_w[1])),
        "agg_c": lambda: replace(agg, agg_c=bumped(agg.agg_c)),
        "zc_l": lambda: replace(agg, rounds=(replace(r0, zc_l=bumped(r0.zc_l)), *agg.rounds[1:])),
        "com_c": lambda: replace(agg, com_c=(w["be"].gt_mul(agg.com_c[0], agg.ip_ab), agg.com_c[1])),
    }[edit]()
    assert not verify_aggregate(w["vk"], w["publics"][:4], edited, w["srs"], w["be"])


def test_bad_statements_are_malformed_not_invalid(world) -> None:  # type: ignore[no-untyped-def]
    w = world
    with pytest.raises(MalformedInput, match="exceed the SRS"):
        small = insecure_setup(2, random.Random(3), w["be"])
        aggregate_proofs(w["vk"], w["publics"][:3], w["proofs"][:3], small, w["be"])
    with pytest.raises(MalformedInput, match="2 proofs but 3"):
        aggregate_proofs(w["vk"], w["publics"][:3], w["proofs"][:2], w["srs"], w["be"])
    with pytest.raises(MalformedInput, match="below r"):
        aggregate_proofs(w["vk"], [[R, 1]], w["proofs"][:1], w["srs"], w["be"])
    with pytest.raises(MalformedInput, match="proof 0: A"):
        aggregate_proofs(w["vk"], w["publics"][:1], [replace(w["proofs"][0], a=(1, 3))], w["srs"], w["be"])


# ---- the SRS --------------------------------------------------------------------------------


def test_srs_structure_check_and_its_twins(world) -> None:  # type: ignore[no-untyped-def]
    w, srs = world, world["srs"]
    assert structure_ok(srs, w["be"]) and verifier_srs_ok(verifier_srs(srs), w["be"])
    swapped = replace(srs, g_alpha=(srs.g_alpha[0], srs.g_alpha[2], srs.g_alpha[1], *srs.g_alpha[3:]))
    assert not structure_ok(swapped, w["be"])
    mixed = replace(srs, h_beta=srs.h_alpha)
    assert not structure_ok(mixed, w["be"])
    same = replace(srs, g_beta=srs.g_alpha, h_beta=srs.h_alpha)
    assert not structure_ok(same, w["be"]) and not verifier_srs_ok(verifier_srs(same), w["be"])
    with pytest.raises(BadSRS, match="two secrets"):
        agg = _agg(w, w["proofs"][:2], w["publics"][:2])
        verify_aggregate(w["vk"], w["publics"][:2], agg, verifier_srs(mixed), w["be"])


# ---- files ----------------------------------------------------------------------------------


def test_files_round_trip_and_hostile_edits(world) -> None:  # type: ignore[no-untyped-def]
    w = world
    agg = _agg(w, w["proofs"][:3], w["publics"][:3])
    obj = json.loads(json.dumps(aggregate_to_json(agg)))
    assert aggregate_from_json(obj, "a.json") == agg
    s_obj = json.loads(json.dumps(srs_to_json(w["srs"], "test", True)))
    assert srs_from_json(s_obj, "s.json", 8) == w["srs"]
    hostile = [
        (lambda o: o["rounds"][1].__setitem__("zab_l", o["rounds"][1]["zab_l"][:-2]), "zab_l"),
        (lambda o: o.__setitem__("ip_ab", "ff" * 384), "ip_ab"),
        (lambda o: o["final_a"].__setitem__(0, str(FIELD_MODULUS)), r"final_a\[0\]"),
        (lambda o: o.__setitem__("final_b", [["1", "2"], ["3", "4"]]), "final_b"),
        (lambda o: o.__setitem__("open_v", o["open_v"][:1]), "open_v"),
        (lambda o: o.__setitem__("version", 2), "version"),
        (lambda o: o.pop("rounds"), "rounds"),
    ]
    for edit, where in hostile:
        bad = json.loads(json.dumps(obj))
        edit(bad)
        with pytest.raises(ArtifactError, match=where):
            aggregate_from_json(bad, "a.json")
    bad_srs = dict(s_obj, max_proofs=4)
    with pytest.raises(ArtifactError, match="digest"):
        srs_from_json(bad_srs, "s.json", 2)
    outside = g2.hash_to_twist(b"srs")
    h = w["srs"].h_alpha
    forged = srs_to_json(replace(w["srs"], h_alpha=(h[0], h[1], outside, *h[3:])), "test", True)
    with pytest.raises(ArtifactError, match=r"h_alpha\[2\]: point is not in the prime-order subgroup"):
        srs_from_json(json.loads(json.dumps(forged)), "s.json", 4, w["be"])
    with pytest.raises(MalformedInput, match="proof 0: B: point is not in the prime-order subgroup"):
        aggregate_proofs(w["vk"], w["publics"][:1], [replace(w["proofs"][0], b=outside)], w["srs"], w["be"])
    assert isinstance(agg, AggregateProof) and isinstance(w["proofs"][0], Proof)
