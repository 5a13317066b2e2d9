"""Powers of tau (phase 1) from snarkjs `.ptau` files, prepared for phase 2 or not.

Takes a `.ptau` path (iden3 container, magic "ptau", version 1; snarkjs powersoftau_utils.js)
and gives the LEM slices phase 2 needs. Sections: 1 header (n8, q, power, ceremonyPower);
2 [tau^i]_1 for i < 2^(power+1) - 1; 3 [tau^i]_2, 4 [alpha tau^i]_1, 5 [beta tau^i]_1 for
i < 2^power; 6 [beta]_2; 7 the phase-1 contributions; and, after `powersoftau prepare phase2`,
12-15 the same four series in the Lagrange basis of every domain 2^0 .. 2^power (12 also
2^(power+1)), concatenated. Without 12-15 the Lagrange basis is computed here by an inverse
FFT over the group, L_j(tau) = (1/n) sum_k w^(-jk) [tau^k] (zkvmc.ceremony.rawops.fft), as
`prepare phase2` does. Sizes are checked against the header before anything is used, and
every point used is checked to be canonical and on its curve.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.artifacts.iden3 import Cursor, parse_container, read_bytes, unique_section
from zkvmc.ceremony import rawops
from zkvmc.ceremony.points import G1_SIZE, G2_SIZE, check_lem, point_from_lem, size
from zkvmc.curve.adapter import FIELD_MODULUS as Q, G1_GEN, G2_GEN
from zkvmc.errors import ArtifactError
from zkvmc.field import inv
from zkvmc.field.ntt import TWO_ADICITY, root_of_unity

MAGIC = "ptau"
TAU_G1, TAU_G2, ALPHA_G1, BETA_G1, BETA_G2 = 2, 3, 4, 5, 6
LAGRANGE = {TAU_G1: 12, TAU_G2: 13, ALPHA_G1: 14, BETA_G1: 15}
"""Plain section -> its Lagrange-basis section after `prepare phase2`."""
NAMES = {TAU_G1: "tauG1", TAU_G2: "tauG2", ALPHA_G1: "alphaTauG1", BETA_G1: "betaTauG1", BETA_G2: "betaG2"}


@dataclass(frozen=True)
class Ptau:
    """A validated powers-of-tau file."""

    path: str
    """Where it was read from (for messages)."""
    power: int
    """log2 of the number of powers: circuits up to domain 2^power fit."""
    ceremony_power: int
    """The power of the ceremony it was made in (informational)."""
    sections: dict[int, bytes]
    """Section id -> body (2-6, and 12-15 when prepared)."""

    @property
    def prepared(self) -> bool:
        """Whether the Lagrange sections are present."""
        return 12 in self.sections

    def powers(self, kind: int, start: int, n: int) -> bytes:
        """Points start .. start+n-1 of a plain series, validated."""
        is_g2 = kind in (TAU_G2, BETA_G2)
        s = size(is_g2)
        out = self.sections[kind][start * s:(start + n) * s]
        check_lem(self.path, f"section {kind} ({NAMES[kind]})", out, is_g2)
        return out

    def lagrange(self, kind: int, n: int) -> bytes:
        """[L_j(tau)]-weighted series of `kind` for the domain of size n, j < n."""
        is_g2, s = kind == TAU_G2, size(kind == TAU_G2)
        if self.prepared:
            out = self.sections[LAGRANGE[kind]][(n - 1) * s:(2 * n - 1) * s]
            check_lem(self.path, f"section {LAGRANGE[kind]} ({NAMES[kind]}, Lagrange)", out, is_g2)
            return out
        have = min(n, len(self.sections[kind]) // s)
        plain = self.powers(kind, 0, have) + bytes(s * (n - have))  # prepare phase2 pads tau^(2n-1) with 0
        return lagrange_from_powers(plain, n, is_g2)

    def beta_g2(self) -> bytes:
        """[beta]_2."""
        return self.powers(BETA_G2, 0, 1)


def lagrange_from_powers(plain: bytes, n: int, is_g2: bool = False, backend: str | None = None) -> bytes:
    """[L_j(tau)] for j < n from [tau^k] for k < n: the inverse FFT over the group."""
    w_inv = inv(root_of_unity(n))
    return rawops.scale_all(rawops.fft(plain, w_inv, is_g2, backend), inv(n), is_g2, backend)


def _sizes(power: int) -> dict[int, int]:
    """Bytes every section must have."""
    m = 1 << power
    return {TAU_G1: (2 * m - 1) * G1_SIZE, TAU_G2: m * G2_SIZE, ALPHA_G1: m * G1_SIZE, BETA_G1: m * G1_SIZE,
            BETA_G2: G2_SIZE, 12: (4 * m - 1) * G1_SIZE, 13: (2 * m - 1) * G2_SIZE, 14: (2 * m - 1) * G1_SIZE,
            15: (2 * m - 1) * G1_SIZE}


def _header(path: str, body: bytes) -> tuple[int, int]:
    cur = Cursor(path, "section 1 (header)", body)
    if cur.u32("n8") != 32 or cur.big(32, "q") != Q:
        raise ArtifactError(path, "section 1 (header).q", "not a BN254 (bn128) powers-of-tau file")
    power, ceremony_power = cur.u32("power"), cur.u32("ceremonyPower")
    cur.done()
    if not 1 <= power <= TWO_ADICITY - 1:
        raise ArtifactError(path, "section 1 (header).power", f"power {power} out of range [1, {TWO_ADICITY - 1}]")
    return power, ceremony_power


def _check_sizes(path: str, sections: dict[int, bytes], power: int) -> None:
    want = _sizes(power)
    lag = [k for k in (12, 13, 14, 15) if k in sections]
    if lag and len(lag) != 4:
        raise ArtifactError(path, f"section {12 if 12 not in sections else 13}", "missing: the Lagrange sections "
                            "12-15 come together (re-run `snarkjs powersoftau prepare phase2`)")
    for k, body in sections.items():
        if len(body) != want[k]:
            raise ArtifactError(path, f"section {k} ({NAMES.get(k, 'Lagrange')})",
                                f"{len(body)} bytes, the header's power {power} needs {want[k]} (truncated or "
                                "inconsistent file)")


def read_ptau(path: str) -> Ptau:
    """Read a `.ptau`, checking header, section sizes and its first points (the generators)."""
    bf = parse_container(read_bytes(path), path, MAGIC, 1)
    power, ceremony_power = _header(path, unique_section(path, bf, 1, "header"))
    wanted = [TAU_G1, TAU_G2, ALPHA_G1, BETA_G1, BETA_G2] + [k for k in (12, 13, 14, 15) if k in bf.sections]
    sections = {k: unique_section(path, bf, k, NAMES.get(k, "Lagrange")) for k in wanted}
    _check_sizes(path, sections, power)
    p = Ptau(path, power, ceremony_power, sections)
    if point_from_lem(p.powers(TAU_G1, 0, 1)) != G1_GEN or point_from_lem(p.powers(TAU_G2, 0, 1), 0, True) != G2_GEN:
        raise ArtifactError(path, "section 2 (tauG1)[0]", "tau^0 is not the generator: not a powers-of-tau file")
    check_lem(path, "section 6 (betaG2)", p.beta_g2(), True, subgroup=True)
    return p


def require_fits(p: Ptau, n: int) -> None:
    """The file must hold the powers a domain of size n needs (phase 2 uses 2n - 1 of tau in G1)."""
    if n > 1 << p.power:
        k = n.bit_length() - 1
        raise ArtifactError(p.path, "section 1 (header).power",
                            f"2^{p.power} powers are too few for this circuit (domain 2^{k}): use a ptau of power >= {k}")

