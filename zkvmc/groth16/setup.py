"""Groth16 setup: R1CS + randomness -> (ProvingKey, VerificationKey).

Takes an R1CS and an rng (the CLI passes secrets.SystemRandom(); tests a seeded random.Random)
and gives the keys of Groth 2016 (eprint 2016/260) section 3.2. The toxic waste
(tau, alpha, beta, gamma, delta) lives only in this function's locals. The QAP is evaluated at
tau in O(n) through the Lagrange basis; points come from the backend's fixed-base batch
multiplication (one pass per group, split over jobs workers; zkvmc.backend).
A single-party setup is for development only: whoever knows the toxic waste can forge proofs.
"""

from __future__ import annotations

import random

from zkvmc.backend import Backend, get_backend
from zkvmc.curve.adapter import G1_GEN, G2_GEN
from zkvmc.digest import digest
from zkvmc.field import R, inv
from zkvmc.groth16.keys import Progress, ProvingKey, VerificationKey
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


def _g1_scalars(u: list[int], v: list[int], h: list[int], l_: list[int], ic: list[int],
                fixed: list[int]) -> tuple[list[int], list[int]]:
    """Every G1 scalar of the keys in one list (one fixed-base pass), and the parts' lengths."""
    parts = [u, v, h, l_, ic, fixed]
    return [x for p in parts for x in p], [len(p) for p in parts]


def _cut(points: list, lengths: list[int]) -> list[list]:
    out, i = [], 0
    for n in lengths:
        out.append(points[i:i + n])
        i += n
    return out


def setup(r1cs: R1CS, rng: random.Random, circuit_digest: str | None = None,
          progress: Progress | None = None, backend: Backend | None = None,
          jobs: int = 1) -> tuple[ProvingKey, VerificationKey]:
    """Generate a proving and a verification key for r1cs (digest defaults to r1cs_digest)."""
    be = backend if backend is not None else get_backend(None)
    n, npub = domain_size(r1cs), r1cs.n_public
    tau, alpha, beta, gamma, delta = _tau(rng, n), *(_nonzero(rng) for _ in range(4))
    u, v, w = wire_polys_at(qap_rows(r1cs), r1cs.n_wires, lagrange_at(tau, n))
    k = [(beta * ui + alpha * vi + wi) % R for ui, vi, wi in zip(u, v, w)]
    g_inv, d_inv = inv(gamma), inv(delta)
    scalars, lengths = _g1_scalars(u, v, _h_scalars(tau, n, d_inv), [x * d_inv % R for x in k[npub + 1:]],
                                   [x * g_inv % R for x in k[: npub + 1]], [alpha, beta, delta])
    a_q, b1_q, h_q, l_q, ic, (alpha1, beta1, delta1) = _cut(be.g1_fixed_base(G1_GEN, scalars, jobs), lengths)
    for name, part in zip(("A query (G1)", "B query (G1)", "H query (G1)", "L query (G1)"), lengths):
        if progress:
            progress(f"setup: {name}", part, part)
    g2 = be.g2_fixed_base(G2_GEN, [*v, beta, gamma, delta], jobs)
    b2_q, (beta2, gamma2, delta2) = g2[:-3], g2[-3:]
    if progress:
        progress("setup: B query (G2)", len(v), len(v))
    digest_ = circuit_digest if circuit_digest is not None else r1cs_digest(r1cs)
    pk = ProvingKey(alpha_g1=alpha1, beta_g1=beta1, beta_g2=beta2, delta_g1=delta1, delta_g2=delta2,
                    a_query=tuple(a_q), b_g1_query=tuple(b1_q), b_g2_query=tuple(b2_q), h_query=tuple(h_q),
                    l_query=tuple(l_q), n_public=npub, domain_size=n, circuit_digest=digest_)
    return pk, VerificationKey(alpha1, beta2, gamma2, delta2, tuple(ic), digest_)
