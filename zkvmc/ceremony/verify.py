"""Verify a phase-2 key against its circuit and powers of tau, replaying every contribution.

Takes a `Zkey`, the R1CS it claims to be for and the `.ptau` it claims to come from, and
either returns the contributions' summary or raises CeremonyInvalid (exit 1) naming the first
check that fails. The checks are snarkjs's zkey_verify_frominit.js (`snarkjs zkey verify`),
i.e. Bowe-Gabizon-Miers (eprint 2017/1050) section 7: the key is rebuilt from r1cs + ptau
(zkvmc.ceremony.phase2.new_zkey) and must have its csHash and identical IC, coefficients, A,
B1, B2; each contribution's transcript must hash the history, its ([s]_1, [s x]_1) and
([s']_2, [s' x]_2), s' = hash_to_g2(transcript), must share x, and delta must move by that x
(beacons: x and s must be what the beacon gives); delta_2 must match delta_1; C and H must be
the initial ones divided by the final delta, checked with random linear combinations
(64-bit scalars from `secrets`) and one pairing each. The sameRatio checks are pairings
through the backend (zkvmc.backend).
"""

from __future__ import annotations

import secrets
import struct
from typing import Any, Sequence

from zkvmc.artifacts.zkey import BEACON, Contribution, Zkey
from zkvmc.backend import get_backend
from zkvmc.ceremony import rawops
from zkvmc.ceremony.phase2 import contributions_summary, h_hash_points, new_zkey, transcript
from zkvmc.ceremony.points import G1_SIZE, point_from_lem, point_to_lem
from zkvmc.ceremony.ptau import Ptau
from zkvmc.ceremony.rng import beacon_rng, fr_from_rng, g1_from_rng, hash_to_g2
from zkvmc.curve.adapter import FIELD_MODULUS as Q, G1_GEN, G2_GEN
from zkvmc.errors import CeremonyInvalid
from zkvmc.field import R
from zkvmc.field.ntt import ntt, root_of_unity
from zkvmc.r1cs.system import R1CS


def same_ratio(a1: Any, b1: Any, a2: Any, b2: Any) -> bool:
    """e(a1, b2) == e(b1, a2) with no point at infinity (misc.js sameRatio)."""
    if None in (a1, b1, a2, b2):
        return False
    neg_b1 = (b1[0], (Q - b1[1]) % Q)
    return get_backend(None).pairing_product_is_one([(a1, b2), (neg_b1, a2)])


def _g1(b: bytes) -> Any:
    return point_from_lem(b)


def _g2(b: bytes) -> Any:
    return point_from_lem(b, 0, True)


def _label(i: int, c: Contribution) -> str:
    return f"contribution #{i + 1}" + (f" ({c.name!r})" if c.name else "")


def check_contribution(z: Zkey, i: int, prev_delta: bytes) -> None:
    """Contribution i's transcript, proof of knowledge, delta update and (beacon) derivation."""
    c, where = z.contributions[i], _label(i, z.contributions[i])
    if transcript(z, i, c.g1_s, c.g1_sx) != c.transcript:
        raise CeremonyInvalid(f"{where}: inconsistent transcript (it does not hash the history before it)")
    sp = hash_to_g2(c.transcript)
    if not same_ratio(_g1(c.g1_s), _g1(c.g1_sx), sp, _g2(c.g2_spx)):
        raise CeremonyInvalid(f"{where}: the proof of knowledge fails ([s]_1, [s x]_1 and [s' x]_2 disagree on x)")
    if not same_ratio(_g1(prev_delta), _g1(c.delta_after), sp, _g2(c.g2_spx)):
        raise CeremonyInvalid(f"{where}: delta_after is not the previous delta times the contribution's secret")
    if c.kind == BEACON:
        rng = beacon_rng(c.beacon_hash, c.iterations_exp)
        x, s = fr_from_rng(rng), g1_from_rng(rng)
        if point_to_lem(s) != c.g1_s or rawops.scale_all(c.g1_s, x) != c.g1_sx:
            raise CeremonyInvalid(f"{where}: the key is not the one the beacon {c.beacon_hash.hex()} gives")


def coeff_entries(section: bytes) -> list[bytes]:
    """A coefficients section's entries, sorted (their order carries no meaning)."""
    n = struct.unpack_from("<I", section)[0]
    return sorted(section[4 + 44 * i: 48 + 44 * i] for i in range(n))


def _check_fixed(z: Zkey, init: Zkey) -> None:
    """Everything a contribution must not change."""
    for k, what in (("alpha_g1", "alpha_1"), ("beta_g1", "beta_1"), ("beta_g2", "beta_2"), ("gamma_g2", "gamma_2"),
                    ("ic", "IC section"), ("a", "A section"), ("b1", "B1 section"), ("b2", "B2 section")):
        if getattr(z, k) != getattr(init, k):
            raise CeremonyInvalid(f"{what} differs from the one this circuit and powers of tau give")
    if coeff_entries(z.coeffs) != coeff_entries(init.coeffs):
        raise CeremonyInvalid("the coefficients section differs from this circuit's constraints")


def _scalars(n: int) -> list[int]:
    return [secrets.randbits(64) for _ in range(n)]


def _check_l(z: Zkey, init: Zkey) -> None:
    if not z.c:
        return
    r = _scalars(len(z.c) // G1_SIZE)
    if not same_ratio(rawops.msm(init.c, r), rawops.msm(z.c, r), _g2(z.delta_g2), _g2(init.delta_g2)):
        raise CeremonyInvalid("L (C) section: not the initial one divided by delta")


def h_scalars(r: Sequence[int], n: int) -> list[int]:
    """The odd-coset weights s with sum_j s_j H_j = sum_i r_i [tau^i Z(tau)/delta]:
    s = NTT_n(r_i * (-2) * w_2n^i) (zkey_verify_frominit.js sameRatioH)."""
    w2 = root_of_unity(2 * n)
    return ntt([x * (R - 2) % R * pow(w2, i, R) % R for i, x in enumerate(r)])


def _check_h(z: Zkey, p: Ptau) -> None:
    n = z.domain_size
    r = _scalars(n - 1) + [0]
    lhs = rawops.msm(h_hash_points(p, n), r[:-1])
    rhs = rawops.msm(z.h, h_scalars(r, n))
    if not same_ratio(lhs, rhs, _g2(z.delta_g2), G2_GEN):
        raise CeremonyInvalid("H section: not [tau^i Z(tau) / delta] in snarkjs's odd-coset basis")


def verify_zkey(z: Zkey, r1cs: R1CS, p: Ptau) -> Sequence[tuple[int, str, str, str]]:
    """Raise CeremonyInvalid unless z is r1cs's phase-2 key from p with valid contributions."""
    init = new_zkey(r1cs, p)
    if (z.n_vars, z.n_public, z.domain_size) != (init.n_vars, init.n_public, init.domain_size):
        raise CeremonyInvalid(f"the key was made for another circuit ({z.n_vars} wires, {z.n_public} public, "
                              f"domain {z.domain_size}; this one has {init.n_vars}, {init.n_public}, {init.domain_size})")
    if z.cs_hash != init.cs_hash:
        raise CeremonyInvalid("csHash: the key was made for another circuit or from another powers of tau")
    delta = point_to_lem(G1_GEN)
    for i, c in enumerate(z.contributions):
        check_contribution(z, i, delta)
        delta = c.delta_after
    if z.delta_g1 != delta:
        raise CeremonyInvalid("delta_1 is not the last contribution's delta_after")
    if not same_ratio(G1_GEN, _g1(z.delta_g1), G2_GEN, _g2(z.delta_g2)):
        raise CeremonyInvalid("delta_2 does not match delta_1")
    _check_fixed(z, init)
    _check_l(z, init)
    _check_h(z, p)
    return contributions_summary(z)
