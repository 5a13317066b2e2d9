"""Groth16 verifier: VerificationKey + public signals + Proof -> bool.

Takes untrusted values and first validates them (right number of public signals, each < r;
every point with canonical coordinates, on its curve, G2 points in the order-r subgroup),
raising MalformedInput (exit 2) otherwise; then checks Groth 2016 (eprint 2016/260) 3.2's
equation as one pairing product, one multi-Miller loop and ONE final exponentiation:
e(-A, B) e(alpha, beta) e(vk_x, gamma) e(C, delta) = 1, vk_x = sum_i x_i gamma_abc_i.
"""

from __future__ import annotations

from zkvmc.backend import Backend, get_backend
from zkvmc.curve.adapter import FIELD_MODULUS
from zkvmc.curve.codec import check_g1, check_g2
from zkvmc.errors import CodecError
from zkvmc.curve.types import G1Affine, G2Affine
from zkvmc.field import R
from zkvmc.groth16.keys import Proof, VerificationKey
from zkvmc.errors import MalformedInput


def _canonical_point(p: G1Affine | G2Affine, depth: int) -> bool:
    """Every coordinate an int in [0, q) (depth 1: G1 ints, depth 2: G2 pairs)."""
    if p is None:
        return True
    flat = list(p) if depth == 1 else [c for pair in p for c in pair]
    return len(flat) == 2 * depth and all(
        isinstance(c, int) or hasattr(c, "bit_length") for c in flat) and all(0 <= c < FIELD_MODULUS for c in flat)


def _check(p: G1Affine | G2Affine, g2: bool, what: str) -> None:
    if not _canonical_point(p, 2 if g2 else 1):
        raise MalformedInput(f"{what}: coordinates are not canonical field elements")
    try:
        (check_g2 if g2 else check_g1)(p, what)
    except CodecError as e:
        raise MalformedInput(str(e)) from None


def validate(vk: VerificationKey, public: list[int], proof: Proof) -> None:
    """Raise MalformedInput unless the inputs are well-formed."""
    validate_proof(vk, public, proof)
    validate_key(vk)


def validate_proof(vk: VerificationKey, public: list[int], proof: Proof) -> None:
    """validate's checks of the signals and the proof (the key's own points not checked): for a
    batch of proofs of one key, whose key is validated once (zkvmc.groth16.batch)."""
    if len(public) != vk.n_public:
        raise MalformedInput(f"expected {vk.n_public} public signals, got {len(public)}")
    for i, x in enumerate(public):
        if not isinstance(x, int) or isinstance(x, bool) or not 0 <= x < R:
            raise MalformedInput(f"public signal {i}: not a field element below r")
    for what, p, is_g2 in (("proof A", proof.a, False), ("proof B", proof.b, True), ("proof C", proof.c, False)):
        _check(p, is_g2, what)


def validate_key(vk: VerificationKey) -> None:
    """validate's checks of the verification key's points."""
    for what, p, is_g2 in (("vk alpha", vk.alpha_g1, False), ("vk beta", vk.beta_g2, True),
                           ("vk gamma", vk.gamma_g2, True), ("vk delta", vk.delta_g2, True)):
        _check(p, is_g2, what)
    for i, p in enumerate(vk.gamma_abc_g1):
        _check(p, False, f"vk IC[{i}]")


def verify(vk: VerificationKey, public: list[int], proof: Proof, backend: Backend | None = None) -> bool:
    """Whether the proof is valid for these public signals (MalformedInput if ill-formed)."""
    be = backend if backend is not None else get_backend(None)
    validate(vk, public, proof)
    vk_x = be.g1_msm(list(vk.gamma_abc_g1), [1, *public])
    neg_a = None if proof.a is None else (proof.a[0], -proof.a[1] % FIELD_MODULUS)
    return be.pairing_product_is_one([(neg_a, proof.b), (vk.alpha_g1, vk.beta_g2),
                                   (vk_x, vk.gamma_g2), (proof.c, vk.delta_g2)])
