"""Groth16 prover: ProvingKey + R1CS + witness + randomness -> Proof.

Takes a proving key, the R1CS it was made for, a full satisfying wire assignment and an rng for
the fresh blinding factors r, s; gives pi = (A, B, C) of Groth 2016 (eprint 2016/260) 3.2:
A = alpha + sum w_i u_i(tau) + r delta, B = beta + sum w_i v_i(tau) + s delta,
C = sum_{private} w_i L_i + h(tau) Z(tau)/delta + s A + r B - r s delta, every sum one MSM.
"""

from __future__ import annotations

import random
from typing import Any

from zkvmc.curve.group import G1, G2, Group
from zkvmc.curve.msm import msm
from zkvmc.errors import NegativeResult
from zkvmc.field import R
from zkvmc.groth16.keys import KeyMismatch, Progress, Proof, ProvingKey, stage
from zkvmc.groth16.qap import domain_size, qap_rows, quotient
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


def _commit(group: Group, first: Any, query: tuple[Any, ...], w: list[int], blind_base: Any, blind: int,
            report: Any) -> Any:
    """first + sum_i w_i query_i + blind * blind_base (Jacobian).

    The witness MSM is kept apart from the full-size blinding term: witness values are often
    small (bits, u64 values), and an MSM of small scalars needs fewer windows.
    """
    return group.add(msm(group, [first, *query], [1, *w], report), group.mul(group.from_affine(blind_base), blind))


def _c_term(pk: ProvingKey, w: list[int], h: list[int], a: Any, b1: Any, r: int, s: int,
            progress: Progress | None) -> Any:
    """C = sum_{private} w_i L_i + sum_j h_j H_j + s A + r B1 - r s delta (affine)."""
    c_priv = msm(G1, list(pk.l_query), w[pk.n_public + 1:], stage(progress, "prove: C private part (G1 MSM)"))
    c_h = msm(G1, [*pk.h_query, a, b1, pk.delta_g1], [*h, s, r, -r * s],
              stage(progress, "prove: C quotient part (G1 MSM)"))
    return G1.batch_to_affine([G1.add(c_priv, c_h)])[0]


def prove(pk: ProvingKey, r1cs: R1CS, witness: list[int] | tuple[int, ...], rng: random.Random,
          progress: Progress | None = None) -> Proof:
    """A proof that the witness satisfies r1cs, for the public signals witness[1..n_public]."""
    w = [x % R for x in witness]
    check_shapes(pk, r1cs, w)
    k = first_unsatisfied(r1cs, w)
    if k is not None:
        raise WitnessUnsatisfied(f"the witness does not satisfy constraint {k}")
    h = quotient(qap_rows(r1cs), w, pk.domain_size)
    if progress:
        progress("prove: quotient h(X) (NTT)", 1, 1)
    r, s = rng.randrange(1, R), rng.randrange(1, R)
    a = _commit(G1, pk.alpha_g1, pk.a_query, w, pk.delta_g1, r, stage(progress, "prove: A (G1 MSM)"))
    b2 = _commit(G2, pk.beta_g2, pk.b_g2_query, w, pk.delta_g2, s, stage(progress, "prove: B (G2 MSM)"))
    b1 = _commit(G1, pk.beta_g1, pk.b_g1_query, w, pk.delta_g1, s, stage(progress, "prove: B (G1 MSM)"))
    a_aff, b1_aff = G1.batch_to_affine([a, b1])
    return Proof(a_aff, G2.batch_to_affine([b2])[0], _c_term(pk, w, h, a_aff, b1_aff, r, s, progress))


def public_signals(r1cs: R1CS, witness: list[int] | tuple[int, ...]) -> list[int]:
    """The public signals (outputs, then public inputs): wires 1..n_public."""
    return [x % R for x in witness[1: r1cs.n_public + 1]]
