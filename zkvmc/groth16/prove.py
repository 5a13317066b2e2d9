"""Groth16 prover: ProvingKey + R1CS + witness + randomness -> Proof.

Takes a proving key, the R1CS it was made for, a full satisfying wire assignment and an rng for
the fresh blinding factors r, s; gives pi = (A, B, C) of Groth 2016 (eprint 2016/260) 3.2:
A = alpha + sum w_i u_i(tau) + r delta, B = beta + sum w_i v_i(tau) + s delta,
C = sum_{private} w_i L_i + h(tau) Z(tau)/delta + s A + r B - r s delta.
The independent pieces (A, B and C on the coset for the quotient h, A, B in G2, B in G1, the
private part of C) go to a backend (zkvmc.backend) and, with jobs > 1, to forked workers; then
h and its MSM, and C as one small MSM over the results, so the proof does not depend on the
backend or on jobs.
"""

from __future__ import annotations

import random
from typing import Any, Callable

from zkvmc.backend import Backend, get_backend
from zkvmc.backend.parallel import run_all
from zkvmc.errors import NegativeResult
from zkvmc.field import R
from zkvmc.groth16.keys import KeyMismatch, Progress, Proof, ProvingKey
from zkvmc.groth16.qap import coset_evals, domain_size, qap_rows, quotient_from_cosets, row_values
from zkvmc.r1cs.system import R1CS, first_unsatisfied


class WitnessUnsatisfied(NegativeResult):
    """The witness violates a constraint: no valid proof exists for it (exit 1)."""


def check_shapes(pk: ProvingKey, r1cs: R1CS, witness: list[int]) -> None:
    """The key, the R1CS and the witness must describe the same circuit."""
    if (pk.n_wires, pk.n_public, pk.domain_size) != (r1cs.n_wires, r1cs.n_public, domain_size(r1cs)):
        raise KeyMismatch(f"the proving key was made for another circuit ({pk.n_wires} wires, "
                          f"{pk.n_public} public, domain {pk.domain_size}; this circuit has "
                          f"{r1cs.n_wires}, {r1cs.n_public}, {domain_size(r1cs)})")
    if len(witness) != r1cs.n_wires or witness[0] != 1:
        raise KeyMismatch(f"the witness has {len(witness)} values (wire 0 = {witness[0] if witness else '-'}); "
                          f"the circuit has {r1cs.n_wires} wires and wire 0 must be 1")


TASK_NAMES = ("prove: B (G2 MSM)", "prove: quotient h(X) (NTT)", "prove: A (G1 MSM)", "prove: B (G1 MSM)",
              "prove: C private part (G1 MSM)", "prove: C quotient part (G1 MSM)")
"""Progress stage names of the pieces (reported when the proof is done: workers cannot report)."""


def _tasks(pk: ProvingKey, r1cs: R1CS, w: list[int], r: int, s: int, be: Backend) -> list[Callable[[], Any]]:
    """[B in G2, A, B, C on the coset (3 NTT pairs), A, B in G1, private part of C]: the
    independent pieces, the longest (G2) first so that two workers finish together."""
    evals = row_values(qap_rows(r1cs), w, pk.domain_size)
    return [
        lambda: be.g2_msm([pk.beta_g2, *pk.b_g2_query, pk.delta_g2], [1, *w, s]),
        *(lambda e=e: coset_evals(e, be) for e in evals),
        lambda: be.g1_msm([pk.alpha_g1, *pk.a_query, pk.delta_g1], [1, *w, r]),
        lambda: be.g1_msm([pk.beta_g1, *pk.b_g1_query, pk.delta_g1], [1, *w, s]),
        lambda: be.g1_msm(list(pk.l_query), w[pk.n_public + 1:]),
    ]


def prove(pk: ProvingKey, r1cs: R1CS, witness: list[int] | tuple[int, ...], rng: random.Random,
          progress: Progress | None = None, backend: Backend | None = None, jobs: int = 1) -> Proof:
    """A proof that the witness satisfies r1cs, for the public signals witness[1..n_public]."""
    be = backend if backend is not None else get_backend(None)
    w = [x % R for x in witness]
    check_shapes(pk, r1cs, w)
    k = first_unsatisfied(r1cs, w)
    if k is not None:
        raise WitnessUnsatisfied(f"the witness does not satisfy constraint {k}")
    r, s = rng.randrange(1, R), rng.randrange(1, R)
    b2, ca, cb, cc, a, b1, c_priv = run_all(_tasks(pk, r1cs, w, r, s, be), jobs)
    c_h = be.g1_msm(list(pk.h_query), quotient_from_cosets(ca, cb, cc, pk.domain_size, be), jobs)
    c = be.g1_msm([c_priv, c_h, a, b1, pk.delta_g1], [1, 1, s, r, -r * s])
    for name in TASK_NAMES if progress else ():
        progress(name, 1, 1)
    return Proof(a, b2, c)


def public_signals(r1cs: R1CS, witness: list[int] | tuple[int, ...]) -> list[int]:
    """The public signals (outputs, then public inputs): wires 1..n_public."""
    return [x % R for x in witness[1: r1cs.n_public + 1]]
