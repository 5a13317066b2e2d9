"""SnarkPack's keys and aggregate proof, in the paper's terms (Gailly, Maller, Nitulescu,
"SnarkPack: Practical SNARK Aggregation", FC 2022, eprint 2021/529, sections 3-5).

Points are affine int tuples (None = infinity) as everywhere in zkvmc; GT values are 12-int
tower-order tuples (zkvmc.backend.GTValue). Pairs (x1, x2) are the same object under the two
independent secrets a and b of the SRS (the paper's two-tier commitment: one GT value per secret).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

GT = tuple
"""A GT element (12 ints, tower order)."""
GTPair = tuple
"""(under a, under b): a commitment in the paper's pair form."""


@dataclass(frozen=True)
class SRS:
    """The aggregation SRS: powers of two independent secrets a and b (section 5.1, "two powers-of-tau")."""

    g_alpha: tuple[Any, ...]
    """[a^i]_1 for i = 0 .. 2N-1."""
    g_beta: tuple[Any, ...]
    """[b^i]_1 for i = 0 .. 2N-1."""
    h_alpha: tuple[Any, ...]
    """[a^i]_2 for i = 0 .. N-1."""
    h_beta: tuple[Any, ...]
    """[b^i]_2 for i = 0 .. N-1."""

    @property
    def max_proofs(self) -> int:
        """N: the most proofs (after padding to a power of two) this SRS aggregates."""
        return len(self.h_alpha)


@dataclass(frozen=True)
class VerifierSRS:
    """What verify_aggregate needs of the SRS (the paper's vk of the commitment scheme)."""

    g: Any
    """[1]_1."""
    h: Any
    """[1]_2."""
    g_alpha: Any
    """[a]_1."""
    g_beta: Any
    """[b]_1."""
    h_alpha: Any
    """[a]_2."""
    h_beta: Any
    """[b]_2."""


@dataclass(frozen=True)
class CommitmentKey:
    """ck = (v, w) for m proofs (section 4): v in G2 commits to A and C, w in G1 commits to B."""

    v1: tuple[Any, ...]
    """[a^i]_2, i < m."""
    v2: tuple[Any, ...]
    """[b^i]_2, i < m."""
    w1: tuple[Any, ...]
    """[a^(m+i)]_1, i < m (later rescaled by r^-i)."""
    w2: tuple[Any, ...]
    """[b^(m+i)]_1, i < m."""


@dataclass(frozen=True)
class GipaRound:
    """One halving step of the combined TIPP + MIPP GIPA (section 5.2, figure 5)."""

    tab_l: GTPair
    """T_AB,L: commitment to (A_R, B_L) under (v_L, w_R)."""
    tab_r: GTPair
    """T_AB,R: commitment to (A_L, B_R) under (v_R, w_L)."""
    tuc_l: GTPair
    """U_C,L: commitment to C_R under v_L."""
    tuc_r: GTPair
    """U_C,R: commitment to C_L under v_R."""
    zab_l: GT
    """Z_AB,L = prod e(A_R, B_L)."""
    zab_r: GT
    """Z_AB,R = prod e(A_L, B_R)."""
    zc_l: Any
    """Z_C,L = sum r_L C_R (G1)."""
    zc_r: Any
    """Z_C,R = sum r_R C_L (G1)."""


@dataclass(frozen=True)
class AggregateProof:
    """An aggregate of n Groth16 proofs of one verification key (padded to N = 2^k >= 2)."""

    n: int
    """How many proofs were aggregated (before padding with copies of the last one)."""
    com_ab: GTPair
    """(T_AB, U_AB): the commitment to the A and B vectors."""
    com_c: GTPair
    """(T_C, U_C): the commitment to the C vector."""
    ip_ab: GT
    """Z_AB = prod e(A_i, B_i)^(r^i)."""
    agg_c: Any
    """Z_C = sum r^i C_i (G1)."""
    rounds: tuple[GipaRound, ...]
    """log2 N GIPA rounds."""
    final_a: Any
    """A after the last round (G1)."""
    final_b: Any
    """B after the last round (G2)."""
    final_c: Any
    """C after the last round (G1)."""
    final_v: tuple[Any, Any]
    """The folded v key: [f_v(a)]_2, [f_v(b)]_2."""
    final_w: tuple[Any, Any]
    """The folded, r^-1-rescaled w key: [f_w(a)]_1, [f_w(b)]_1."""
    open_v: tuple[Any, Any]
    """KZG openings of final_v at z (G2): [(f_v(s) - f_v(z)) / (s - z)]_2, s = a, b."""
    open_w: tuple[Any, Any]
    """KZG openings of final_w at z (G1)."""

    @property
    def padded(self) -> int:
        """N, the power of two the proofs were padded to."""
        return 1 << len(self.rounds)
