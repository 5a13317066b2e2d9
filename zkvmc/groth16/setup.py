"""Groth16 setup: R1CS + randomness -> (ProvingKey, VerificationKey).

Takes an R1CS and an rng (the CLI passes secrets.SystemRandom(); tests a seeded random.Random)
and gives the keys of Groth 2016 (eprint 2016/260) section 3.2. The toxic waste
(tau, alpha, beta, gamma, delta) lives only in this function's locals. The QAP is evaluated at
tau in O(n) through the Lagrange basis; points come from fixed-base tables (one per group).
A single-party setup is for development only: whoever knows the toxic waste can forge proofs.
"""

from __future__ import annotations

import random

from zkvmc.artifacts.io import digest
from zkvmc.curve.adapter import G1_GEN, G2_GEN
from zkvmc.curve.group import G1, G2
from zkvmc.curve.msm import FixedBase, fixed_base_window
from zkvmc.field import R, inv
from zkvmc.groth16.keys import Progress, ProvingKey, VerificationKey, stage
from zkvmc.groth16.qap import domain_size, lagrange_at, qap_rows, wire_polys_at
from zkvmc.r1cs.system import R1CS


def r1cs_digest(r1cs: R1CS) -> str:
    """A digest of an R1CS's layout and constraints (used when no circuit digest is given)."""
    rows = [[list(map(list, k.a)), list(map(list, k.b)), list(map(list, k.c))] for k in r1cs.constraints]
    return digest({"n_wires": r1cs.n_wires, "n_outputs": r1cs.n_outputs,
                   "n_pub_inputs": r1cs.n_pub_inputs, "constraints": rows})


def _nonzero(rng: random.Random) -> int:
    return rng.randrange(1, R)


def _tau(rng: random.Random, n: int) -> int:
    """tau off the domain (tau^n != 1), so Z(tau) != 0."""
    while True:
        t = _nonzero(rng)
        if pow(t, n, R) != 1:
            return t


def _h_scalars(tau: int, n: int, d_inv: int) -> list[int]:
    """tau^j Z(tau) / delta for j = 0 .. n - 2."""
    out = [(pow(tau, n, R) - 1) * d_inv % R] * (n - 1)
    for j in range(1, n - 1):
        out[j] = out[j - 1] * tau % R
    return out


def _tables(r1cs: R1CS, n: int) -> tuple[FixedBase, FixedBase]:
    """Fixed-base tables for the G1 and G2 generators, windows sized to the work."""
    return (FixedBase(G1, G1_GEN, fixed_base_window(3 * r1cs.n_wires + n)),
            FixedBase(G2, G2_GEN, fixed_base_window(r1cs.n_wires)))


def setup(r1cs: R1CS, rng: random.Random, circuit_digest: str | None = None,
          progress: Progress | None = None) -> tuple[ProvingKey, VerificationKey]:
    """Generate a proving and a verification key for r1cs (digest defaults to r1cs_digest)."""
    n, npub = domain_size(r1cs), r1cs.n_public
    tau, alpha, beta, gamma, delta = _tau(rng, n), *(_nonzero(rng) for _ in range(4))
    u, v, w = wire_polys_at(qap_rows(r1cs), r1cs.n_wires, lagrange_at(tau, n))
    k = [(beta * ui + alpha * vi + wi) % R for ui, vi, wi in zip(u, v, w)]
    g_inv, d_inv = inv(gamma), inv(delta)
    fb1, fb2 = _tables(r1cs, n)
    alpha1, beta1, delta1 = fb1.mul_many([alpha, beta, delta])
    beta2, gamma2, delta2 = fb2.mul_many([beta, gamma, delta])
    digest_ = circuit_digest if circuit_digest is not None else r1cs_digest(r1cs)
    pk = ProvingKey(
        alpha_g1=alpha1, beta_g1=beta1, beta_g2=beta2, delta_g1=delta1, delta_g2=delta2,
        a_query=tuple(fb1.mul_many(u, stage(progress, "setup: A query (G1)"))),
        b_g1_query=tuple(fb1.mul_many(v, stage(progress, "setup: B query (G1)"))),
        b_g2_query=tuple(fb2.mul_many(v, stage(progress, "setup: B query (G2)"))),
        h_query=tuple(fb1.mul_many(_h_scalars(tau, n, d_inv), stage(progress, "setup: H query (G1)"))),
        l_query=tuple(fb1.mul_many([x * d_inv % R for x in k[npub + 1:]], stage(progress, "setup: L query (G1)"))),
        n_public=npub, domain_size=n, circuit_digest=digest_)
    ic = fb1.mul_many([x * g_inv % R for x in k[: npub + 1]])
    return pk, VerificationKey(alpha1, beta2, gamma2, delta2, tuple(ic), digest_)
