"""Groth16 key and proof types, in the paper's terms (Groth 2016, eprint 2016/260, section 3.2).

Points are affine int tuples (None = infinity): G1 (x, y), G2 ((x0, x1), (y0, y1)). The proving
key's queries are sequences of them: tuples from setup, or zkvmc.curve.table.PointTable (raw
coordinates, decoded on use) from a key file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from zkvmc.curve.types import G1Affine, G2Affine

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): how the library reports progress (it never prints)."""


@dataclass(frozen=True)
class ProvingKey:
    """The prover's part of the common reference string."""

    alpha_g1: G1Affine
    """[alpha]_1."""
    beta_g1: G1Affine
    """[beta]_1."""
    beta_g2: G2Affine
    """[beta]_2."""
    delta_g1: G1Affine
    """[delta]_1."""
    delta_g2: G2Affine
    """[delta]_2."""
    a_query: Sequence[G1Affine]
    """[u_i(tau)]_1 for every wire i."""
    b_g1_query: Sequence[G1Affine]
    """[v_i(tau)]_1 for every wire i."""
    b_g2_query: Sequence[G2Affine]
    """[v_i(tau)]_2 for every wire i."""
    h_query: Sequence[G1Affine]
    """[tau^j Z(tau) / delta]_1 for j = 0 .. domain_size - 2."""
    l_query: Sequence[G1Affine]
    """[(beta u_i + alpha v_i + w_i)(tau) / delta]_1 for the private wires i > n_public."""
    n_public: int
    """Number of public signals (wire 0 excluded)."""
    domain_size: int
    """Size of the radix-2 evaluation domain of the QAP."""
    circuit_digest: str
    """Digest of the circuit this key was made for."""

    @property
    def n_wires(self) -> int:
        """Number of wires of the circuit, wire 0 included."""
        return len(self.a_query)


@dataclass(frozen=True)
class VerificationKey:
    """The verifier's part of the common reference string."""

    alpha_g1: G1Affine
    """[alpha]_1."""
    beta_g2: G2Affine
    """[beta]_2."""
    gamma_g2: G2Affine
    """[gamma]_2."""
    delta_g2: G2Affine
    """[delta]_2."""
    gamma_abc_g1: tuple[G1Affine, ...]
    """[(beta u_i + alpha v_i + w_i)(tau) / gamma]_1 for wires 0..n_public (snarkjs: IC)."""
    circuit_digest: str = ""
    """Digest of the circuit this key was made for ("" when unknown, e.g. a foreign key)."""

    @property
    def n_public(self) -> int:
        """Number of public signals the key expects."""
        return len(self.gamma_abc_g1) - 1


@dataclass(frozen=True)
class Proof:
    """A Groth16 proof pi = (A, B, C)."""

    a: G1Affine
    """A in G1."""
    b: G2Affine
    """B in G2."""
    c: G1Affine
    """C in G1."""
