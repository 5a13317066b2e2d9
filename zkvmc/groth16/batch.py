"""Groth16 batch verification: one key, n (public signals, proof) pairs in, one bool out.

Checks n proofs of the same VerificationKey with one random linear combination of their
verification equations (Bellare, Garay, Rabin, "Fast batch verification for modular
exponentiation and digital signatures", EUROCRYPT 1998, the small-exponents test; applied to
Groth16 as in SnarkPack, eprint 2021/529, section 5). With r_1 .. r_n random in [1, r):

    prod_i e(-r_i A_i, B_i) * e((sum_i r_i) alpha, beta) * e(sum_i r_i vk_x_i, gamma)
                                                         * e(sum_i r_i C_i, delta) == 1

n + 3 pairings (one multi-Miller loop, ONE final exponentiation) instead of 4n. The IC
combination folds the signals first, sum_i r_i vk_x_i = sum_j (sum_i r_i x_ij) IC_j, so it is
one MSM of n_public + 1 points whatever n is. If any proof is invalid, the product is 1 with
probability at most 1/(r - 1) over the choice of the r_i (their discrete-log errors must cancel).

Every input is validated as zkvmc.groth16.verify.validate does, the key once for the batch.
Randomness: `secrets` by default (fresh, unknown to whoever made the proofs); an `rng`
(random.Random-like, `randrange`) only for reproducible tests. The on-chain variant (the rollup
bridge's commitBatches, zkvmc.evm.batch_verifier) cannot keep secrets and derives the r_i by
hashing the proofs and signals instead (Fiat-Shamir). An ill-formed input raises MalformedInput
(exit 2; MalformedEntry names the proof). A False result does not say which
proof is bad: `find_invalid` verifies them one by one to name it.
"""

from __future__ import annotations

import secrets
from typing import Any, Sequence

from zkvmc.backend import Backend, get_backend
from zkvmc.errors import MalformedEntry  # defined with every error class in zkvmc/errors.py
from zkvmc.field import R
from zkvmc.groth16.keys import Proof, VerificationKey
from zkvmc.errors import MalformedInput
from zkvmc.groth16.verify import validate_key, validate_proof, verify


def batch_scalars(n: int, rng: Any = None) -> list[int]:
    """n scalars in [1, r): from `secrets`, or from rng.randrange when one is given (tests)."""
    if rng is None:
        return [1 + secrets.randbelow(R - 1) for _ in range(n)]
    return [rng.randrange(1, R) for _ in range(n)]


def validate_batch(vk: VerificationKey, publics: Sequence[Sequence[int]], proofs: Sequence[Proof],
                   be: Backend) -> None:
    """MalformedInput unless there is at least one proof, one signal list per proof, and every
    (signals, proof) is well-formed for vk: verify.validate's checks, the key's done once rather
    than n times (its G2 points' subgroup checks dominate); MalformedEntry names the proof."""
    if not proofs:
        raise MalformedInput("a batch needs at least one proof")
    if len(publics) != len(proofs):
        raise MalformedInput(f"{len(proofs)} proofs but {len(publics)} lists of public signals")
    validate_key(vk, be)
    for i, (public, proof) in enumerate(zip(publics, proofs)):
        try:
            validate_proof(vk, list(public), proof, be)
        except MalformedInput as e:
            raise MalformedEntry(i, str(e)) from None


def folded_signals(publics: Sequence[Sequence[int]], rs: Sequence[int]) -> list[int]:
    """The IC scalars [sum r_i, sum r_i x_i1, ..., sum r_i x_im] (mod r): sum_i r_i vk_x_i is
    then one MSM over IC_0 .. IC_m."""
    folded = [sum(rs) % R]
    for j in range(len(publics[0])):
        folded.append(sum(r * x[j] for r, x in zip(rs, publics)) % R)
    return folded


def batch_pairs(vk: VerificationKey, publics: Sequence[Sequence[int]], proofs: Sequence[Proof],
                rs: Sequence[int], be: Backend) -> list[tuple[Any, Any]]:
    """The n + 3 (G1, G2) pairs whose pairing product is 1 iff the combined equation holds."""
    pairs = [(be.g1_msm([p.a], [-r % R]), p.b) for p, r in zip(proofs, rs)]
    alpha = be.g1_msm([vk.alpha_g1], [sum(rs) % R])
    vk_x = be.g1_msm(list(vk.gamma_abc_g1), folded_signals(publics, rs))
    c = be.g1_msm([p.c for p in proofs], list(rs))
    return pairs + [(alpha, vk.beta_g2), (vk_x, vk.gamma_g2), (c, vk.delta_g2)]


def verify_batch(vk: VerificationKey, publics: list[list[int]], proofs: list[Proof], rng: Any = None,
                 backend: Backend | None = None) -> bool:
    """Whether every proof is valid for its public signals, up to error 1/(r - 1); MalformedInput
    if any input is ill-formed. rng: tests only (default: `secrets`)."""
    be = backend if backend is not None else get_backend(None)
    validate_batch(vk, publics, proofs, be)
    rs = batch_scalars(len(proofs), rng)
    return be.pairing_product_is_one(batch_pairs(vk, publics, proofs, rs, be))


def find_invalid(vk: VerificationKey, publics: list[list[int]], proofs: list[Proof],
                 backend: Backend | None = None) -> list[int]:
    """The indices of the invalid proofs, by verifying each on its own (4 pairings a proof)."""
    be = backend if backend is not None else get_backend(None)
    validate_batch(vk, publics, proofs, be)
    return [i for i, (x, p) in enumerate(zip(publics, proofs)) if not verify(vk, list(x), p, be)]
