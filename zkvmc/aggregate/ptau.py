"""Powers of tau from a snarkjs `.ptau` file: the public-ceremony source of an aggregation SRS.

SnarkPack's SRS is two powers-of-tau sequences with independent secrets (eprint 2021/529
section 5.1): [a^i]_1 (i < 2N), [a^i]_2 (i < N) from one ceremony, the same for b from another.
A `.ptau` file of power p (snarkjs `powersoftau`, iden3 binary container "ptau" version 1) holds
tauG1 = [tau^i]_1 for i < 2^(p+1) - 1 (section 2) and tauG2 = [tau^i]_2 for i < 2^p (section 3),
points as x, y (G2: x.c0, x.c1, y.c0, y.c1), each coordinate 32 bytes little-endian in Montgomery
form (x 2^256 mod q). zkvmc.ceremony.ptau reads the file (the one .ptau reader); every point
used is checked on its curve and the G2 ones in the subgroup.
"""

from __future__ import annotations

from typing import Any

from zkvmc.aggregate.files import first_outside_g2
from zkvmc.ceremony.points import count, points_from_lem
from zkvmc.ceremony.ptau import NAMES, TAU_G1, TAU_G2, Ptau, read_ptau
from zkvmc.errors import ArtifactError


def _series(p: Ptau, kind: int, n: int) -> bytes:
    """The first n points of a plain series (validated), or why the ceremony is too small."""
    have = count(p.sections[kind], kind == TAU_G2)
    if have < n:
        raise ArtifactError(p.path, NAMES[kind], f"the ceremony has {have} of these powers, {n} are needed "
                                                 "(an SRS for N proofs needs a ceremony of power >= log2(N) + 1)")
    return p.powers(kind, 0, n)


def read_powers(path: str, n_g1: int, n_g2: int, be: Any = None) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """([tau^i]_1 for i < n_g1, [tau^i]_2 for i < n_g2) from a BN254 .ptau file (zkvmc.ceremony.ptau
    reads and checks it; the G2 powers are also checked to be in the subgroup)."""
    p = read_ptau(path)
    gs = tuple(points_from_lem(_series(p, TAU_G1, n_g1)))
    hs = tuple(points_from_lem(_series(p, TAU_G2, n_g2), True))
    bad = first_outside_g2(hs, be)
    if bad is not None:
        raise ArtifactError(path, f"tauG2[{bad}]", "point is not in the prime-order subgroup G2")
    return gs, hs


def srs_from_ceremonies(path_a: str, path_b: str, size: int, be: Any = None) -> Any:
    """The aggregation SRS for up to `size` proofs: a from the first ceremony, b from the second."""
    from zkvmc.aggregate.types import SRS

    ga, ha = read_powers(path_a, 2 * size, size, be)
    gb, hb = read_powers(path_b, 2 * size, size, be)
    return SRS(g_alpha=ga, g_beta=gb, h_alpha=ha, h_beta=hb)
