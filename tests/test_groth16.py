"""Groth16 setup/prove/verify on hand-built R1CS, with a negative twin for every positive proof."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from zkvmc.curve import g2
from zkvmc.curve.adapter import CURVE_ORDER, FIELD_MODULUS
from zkvmc.field import R, inv
from zkvmc.field.ntt import intt, root_of_unity
from zkvmc.groth16 import (KeyMismatch, MalformedInput, Proof, WitnessUnsatisfied, prove, public_signals,
                           setup, verify)
from zkvmc.groth16.qap import domain_size, lagrange_at, qap_rows, quotient, row_values
from zkvmc.r1cs.system import R1CS, Constraint
from r1cs_support import random_groth16_system


# x * y = z with z the public output (wire 1), x a public input (wire 2), y private (wire 3)
MUL = R1CS(4, 1, 1, (Constraint(((2, 1),), ((3, 1),), ((1, 1),)),))
MUL_W = [1, 15, 3, 5]


@pytest.fixture(scope="module")
def mul_keys():  # type: ignore[no-untyped-def]
    rng = random.Random(1)
    pk, vk = setup(MUL, rng)
    return pk, vk, prove(pk, MUL, MUL_W, rng)


# ---- QAP ------------------------------------------------------------------------------------


def test_lagrange_at_tau_matches_interpolation() -> None:
    rng = random.Random(2)
    n, tau = 16, rng.randrange(R)
    lag = lagrange_at(tau, n)
    for j in (0, 5, 15):
        coeffs = intt([1 if i == j else 0 for i in range(n)])  # L_j by interpolation
        assert lag[j] == sum(c * pow(tau, k, R) for k, c in enumerate(coeffs)) % R
    assert sum(lag) % R == 1
    w = root_of_unity(n)
    assert lagrange_at(pow(w, 3, R), n) == [1 if i == 3 else 0 for i in range(n)]


def test_domain_has_room_for_public_rows() -> None:
    assert domain_size(MUL) == 4  # 1 constraint + 3 public rows (wires 0, 1, 2)
    assert len(qap_rows(MUL)) == 4
    r1cs, _ = random_groth16_system(random.Random(3), 6, 5, 1, 1)
    assert domain_size(r1cs) == 8 and domain_size(replace(r1cs, n_pub_inputs=2)) == 16


def test_quotient_times_vanishing_equals_ab_minus_c() -> None:
    rng = random.Random(4)
    r1cs, w = random_groth16_system(rng, 10, 11, 2, 1)
    n = domain_size(r1cs)
    rows = qap_rows(r1cs)
    h = quotient(rows, w, n)
    a, b, c = (intt(e) for e in row_values(rows, w, n))
    x = rng.randrange(R)
    ev = lambda p: sum(k * pow(x, i, R) for i, k in enumerate(p)) % R  # noqa: E731
    assert ev(h) * (pow(x, n, R) - 1) % R == (ev(a) * ev(b) - ev(c)) % R


# ---- positive proofs and their negative twins -------------------------------------------------


def test_valid_proof_verifies(mul_keys) -> None:  # type: ignore[no-untyped-def]
    _, vk, proof = mul_keys
    assert public_signals(MUL, MUL_W) == [15, 3]
    assert verify(vk, [15, 3], proof)


def test_wrong_public_input_is_rejected(mul_keys) -> None:  # type: ignore[no-untyped-def]
    _, vk, proof = mul_keys
    assert not verify(vk, [15, 4], proof)
    assert not verify(vk, [16, 3], proof)


def test_public_input_plus_r_is_malformed(mul_keys) -> None:  # type: ignore[no-untyped-def]
    _, vk, proof = mul_keys
    with pytest.raises(MalformedInput, match="below r"):
        verify(vk, [15 + R, 3], proof)
    with pytest.raises(MalformedInput, match="expected 2 public signals"):
        verify(vk, [15], proof)


@pytest.mark.parametrize("part", ["a", "b", "c"])
def test_tampered_proof_is_rejected(mul_keys, part: str) -> None:  # type: ignore[no-untyped-def]
    pk, vk, proof = mul_keys
    other = prove(pk, MUL, [1, 12, 3, 4], random.Random(9))  # a valid proof of another statement
    assert verify(vk, [12, 3], other)
    assert not verify(vk, [15, 3], replace(proof, **{part: getattr(other, part)}))


def test_point_off_the_curve_is_malformed(mul_keys) -> None:  # type: ignore[no-untyped-def]
    _, vk, proof = mul_keys
    x, y = proof.a
    with pytest.raises(MalformedInput, match="not on the curve"):
        verify(vk, [15, 3], replace(proof, a=(x, (y + 1) % FIELD_MODULUS)))
    with pytest.raises(MalformedInput, match="canonical"):
        verify(vk, [15, 3], replace(proof, c=(proof.c[0] + FIELD_MODULUS, proof.c[1])))


def test_g2_point_outside_the_subgroup_is_malformed(mul_keys) -> None:  # type: ignore[no-untyped-def]
    _, vk, proof = mul_keys
    bad = g2.hash_to_twist(b"groth16")
    with pytest.raises(MalformedInput, match="subgroup"):
        verify(vk, [15, 3], replace(proof, b=bad))
    with pytest.raises(MalformedInput, match="subgroup"):
        verify(replace(vk, delta_g2=bad), [15, 3], proof)


def test_key_from_another_circuit(mul_keys) -> None:  # type: ignore[no-untyped-def]
    pk, vk, proof = mul_keys
    # same shape, other constraint (x * y = 2z): another setup's verification key rejects the proof
    other = R1CS(4, 1, 1, (Constraint(((2, 1),), ((3, 1),), ((1, 2),)),))
    pk2, vk2 = setup(other, random.Random(5))
    assert not verify(vk2, [15, 3], proof)
    # proving with a key of another shape is a clear error
    big, w = random_groth16_system(random.Random(6), 7, 6, 1, 1)
    with pytest.raises(KeyMismatch, match="another circuit"):
        prove(pk, big, w, random.Random(7))


def test_unsatisfied_witness_is_refused(mul_keys) -> None:  # type: ignore[no-untyped-def]
    pk, _, _ = mul_keys
    with pytest.raises(WitnessUnsatisfied):
        prove(pk, MUL, [1, 16, 3, 5], random.Random(8))
    with pytest.raises(KeyMismatch):
        prove(pk, MUL, [2, 15, 3, 5], random.Random(8))


def test_proofs_are_randomised(mul_keys) -> None:  # type: ignore[no-untyped-def]
    pk, vk, proof = mul_keys
    again = prove(pk, MUL, MUL_W, random.Random(99))
    assert again.a != proof.a and again.c != proof.c
    assert verify(vk, [15, 3], again)
    assert not verify(vk, [15, 3], replace(again, a=proof.a))  # parts of two proofs do not mix


def test_public_input_in_no_constraint_is_still_bound() -> None:
    """Without the extra QAP rows a public input that no constraint uses could be changed freely."""
    r1cs = R1CS(4, 1, 1, (Constraint(((3, 1),), ((3, 1),), ((1, 1),)),))  # y*y = out; input x unused
    rng = random.Random(10)
    pk, vk = setup(r1cs, rng)
    proof = prove(pk, r1cs, [1, 49, 5, 7], rng)
    assert verify(vk, [49, 5], proof)
    assert not verify(vk, [49, 6], proof)


@pytest.mark.parametrize("seed, n_wires, n_cons, n_out, n_pub", [(11, 8, 9, 2, 1), (12, 12, 20, 0, 3),
                                                                  (13, 5, 1, 1, 0)])
def test_random_systems(seed: int, n_wires: int, n_cons: int, n_out: int, n_pub: int) -> None:
    rng = random.Random(seed)
    r1cs, w = random_groth16_system(rng, n_wires, n_cons, n_out, n_pub)
    pk, vk = setup(r1cs, rng)
    proof = prove(pk, r1cs, w, rng)
    pub = public_signals(r1cs, w)
    assert verify(vk, pub, proof)
    if pub:
        assert not verify(vk, [(pub[0] + 1) % R, *pub[1:]], proof)
    else:  # no public signals: the twin is a proof with A and C swapped roles broken
        assert not verify(vk, pub, Proof(proof.a, proof.b, proof.a))


def test_toxic_waste_comes_from_the_rng() -> None:
    pk1, vk1 = setup(MUL, random.Random(42))
    pk2, vk2 = setup(MUL, random.Random(42))
    pk3, _ = setup(MUL, random.Random(43))
    assert pk1 == pk2 and vk1 == vk2 and pk1 != pk3
    assert inv(2) * 2 % CURVE_ORDER == 1  # the scalar field of the curve is zkvmc's field
    assert CURVE_ORDER == R


def test_progress_is_reported_through_the_callback() -> None:
    seen: dict[str, tuple[int, int]] = {}
    rng = random.Random(14)
    r1cs, w = random_groth16_system(rng, 30, 40, 1, 1)
    report = lambda stage, done, total: seen.__setitem__(stage, (done, total))  # noqa: E731
    pk, _ = setup(r1cs, rng, progress=report)
    prove(pk, r1cs, w, rng, progress=report)
    assert seen["setup: A query (G1)"] == (30, 30) and seen["setup: H query (G1)"] == (63, 63)
    assert {"prove: A (G1 MSM)", "prove: B (G2 MSM)", "prove: C quotient part (G1 MSM)"} <= set(seen)
    assert all(done == total for done, total in seen.values())
