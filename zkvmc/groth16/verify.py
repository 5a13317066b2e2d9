"""Groth16 verifier: VerificationKey + public signals + Proof -> bool.

Takes untrusted values and first validates them (right number of public signals, each < r;
every point with canonical coordinates, on its curve, G2 points in the order-r subgroup),
raising MalformedInput (exit 2) otherwise; then checks Groth 2016 (eprint 2016/260) 3.2's
equation as one pairing product, one multi-Miller loop and ONE final exponentiation:
e(-A, B) e(alpha, beta) e(vk_x, gamma) e(C, delta) = 1, vk_x = sum_i x_i gamma_abc_i.
"""

from __future__ import annotations

from typing import Any

from zkvmc.backend import Backend, get_backend
from zkvmc.curve.adapter import FIELD_MODULUS
from zkvmc.curve.oncurve import g1_on_curve, g2_on_curve
from zkvmc.curve.types import G1Affine, G2Affine
from zkvmc.field import R
from zkvmc.groth16.keys import Proof, VerificationKey
from zkvmc.errors import MalformedInput


def is_int(c: Any) -> bool:
    """An int (or gmpy2 mpz, as zkvmc.curve may give), not a bool."""
    return (isinstance(c, int) or hasattr(c, "bit_length")) and not isinstance(c, bool)


def point_error(p: G1Affine | G2Affine, g2: bool, be: Backend) -> str | None:
    """Why p is not a canonical point of G1 (g2: of G2, subgroup included), or None if it is;
    the subgroup check is the backend's (mcl's is ~100x faster than the Python [r]P)."""
    flat = [] if p is None else ([c for pair in p for c in pair] if g2 else list(p))  # type: ignore[union-attr]
    if p is not None and (len(flat) != (4 if g2 else 2) or any(
            not is_int(c) or not 0 <= c < FIELD_MODULUS for c in flat)):
        return "coordinates are not canonical field elements"
    if not (g2_on_curve(p) if g2 else g1_on_curve(p)):  # type: ignore[arg-type]
        return "point is not on the curve"
    if g2 and not be.g2_in_subgroup([p]):
        return "point is not in the prime-order subgroup G2"
    return None


def _check(p: G1Affine | G2Affine, g2: bool, what: str, be: Backend) -> None:
    why = point_error(p, g2, be)
    if why:
        raise MalformedInput(f"{what}: {why}")


def validate(vk: VerificationKey, public: list[int], proof: Proof, backend: Backend | None = None) -> None:
    """Raise MalformedInput unless the inputs are well-formed."""
    be = backend if backend is not None else get_backend(None)
    validate_proof(vk, public, proof, be)
    validate_key(vk, be)


def validate_proof(vk: VerificationKey, public: list[int], proof: Proof, be: Backend) -> None:
    """validate's checks of the signals and the proof (the key's own points not checked): for a
    batch of proofs of one key, whose key is validated once (zkvmc.groth16.batch)."""
    if len(public) != vk.n_public:
        raise MalformedInput(f"expected {vk.n_public} public signals, got {len(public)}")
    for i, x in enumerate(public):
        if not isinstance(x, int) or isinstance(x, bool) or not 0 <= x < R:
            raise MalformedInput(f"public signal {i}: not a field element below r")
    for what, p, is_g2 in (("proof A", proof.a, False), ("proof B", proof.b, True), ("proof C", proof.c, False)):
        _check(p, is_g2, what, be)


def validate_key(vk: VerificationKey, be: Backend) -> None:
    """validate's checks of the verification key's points."""
    for what, p, is_g2 in (("vk alpha", vk.alpha_g1, False), ("vk beta", vk.beta_g2, True),
                           ("vk gamma", vk.gamma_g2, True), ("vk delta", vk.delta_g2, True)):
        _check(p, is_g2, what, be)
    for i, p in enumerate(vk.gamma_abc_g1):
        _check(p, False, f"vk IC[{i}]", be)


def verify(vk: VerificationKey, public: list[int], proof: Proof, backend: Backend | None = None) -> bool:
    """Whether the proof is valid for these public signals (MalformedInput if ill-formed)."""
    be = backend if backend is not None else get_backend(None)
    validate(vk, public, proof, be)
    vk_x = be.g1_msm(list(vk.gamma_abc_g1), [1, *public])
    neg_a = None if proof.a is None else (proof.a[0], -proof.a[1] % FIELD_MODULUS)
    return be.pairing_product_is_one([(neg_a, proof.b), (vk.alpha_g1, vk.beta_g2),
                                   (vk_x, vk.gamma_g2), (proof.c, vk.delta_g2)])
