"""Phase 2 of the Groth16 setup: the circuit-specific key from a powers of tau, then
contributions that each re-randomise delta.

Takes an R1CS and a `.ptau` (zkvmc.ceremony.ptau) and gives the initial `Zkey` exactly as
snarkjs zkey_new.js builds it (gamma = delta = 1; A, B1, B2 = [u_i], [v_i] from the Lagrange
basis; IC and C = [beta u_i + alpha v_i + w_i]; H = the odd points of the 2n-domain Lagrange
basis; csHash = blake2b-512 of all of it, with H hashed as [tau^i (tau^n - 1)]_1). A
contribution (Bowe-Gabizon-Miers, eprint 2017/1050, section 7; snarkjs zkey_contribute.js)
draws a secret x, multiplies delta by x and divides C and H by it, and publishes
([s]_1, [s x]_1, [s' x]_2) with s' = hash_to_g2(transcript): a proof of knowledge of x bound to
every earlier contribution. The secret comes from `secrets` plus optional user entropy,
lives only in locals, and is never returned, written or printed. A beacon contribution draws
its "secret" from a public random value instead, so anyone can recompute it.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
from dataclasses import replace
from typing import Sequence

from zkvmc.artifacts.zkey import BEACON, CONTRIBUTION, Contribution, Zkey, with_contribution
from zkvmc.ceremony import rawops
from zkvmc.ceremony.points import G1_SIZE, point_to_lem, uncompressed
from zkvmc.ceremony.ptau import ALPHA_G1, BETA_G1, TAU_G1, TAU_G2, Ptau, require_fits
from zkvmc.ceremony.rng import ChaCha, beacon_rng, fr_from_rng, g1_from_rng, hash_to_g2, seed_of
from zkvmc.curve.adapter import G1_GEN, G2_GEN
from zkvmc.errors import InputError
from zkvmc.field import R, inv
from zkvmc.groth16.qap import domain_size
from zkvmc.r1cs.system import R1CS

Terms = list[list[tuple[int, int]]]
"""Per output point, (index into a basis, coefficient) pairs."""
R2 = pow(1 << 256, 2, R)
"""snarkjs stores coefficients times 2^512 mod r (Montgomery form, twice)."""


def blake() -> "hashlib._Hash":
    """snarkjs's hasher: blake2b with a 64-byte digest."""
    return hashlib.blake2b(digest_size=64)


def _wire_terms(r1cs: R1CS) -> tuple[Terms, Terms, Terms]:
    """(A, B, K): per wire, its terms on the Lagrange basis [L_c] for A and B, and for
    K = beta u + alpha v + w on the concatenated basis [beta L] || [alpha L] || [L]."""
    n_w, n = r1cs.n_wires, domain_size(r1cs)
    a: Terms = [[] for _ in range(n_w)]
    b: Terms = [[] for _ in range(n_w)]
    k: Terms = [[] for _ in range(n_w)]
    for row, con in enumerate(r1cs.constraints):
        for s, v in con.a:
            a[s].append((row, v))
            k[s].append((row, v))
        for s, v in con.b:
            b[s].append((row, v))
            k[s].append((n + row, v))
        for s, v in con.c:
            k[s].append((2 * n + row, v))
    for s in range(r1cs.n_public + 1):  # the public-input rows A = w_s (zkvmc.groth16.qap.qap_rows)
        row = len(r1cs.constraints) + s
        a[s].append((row, 1))
        k[s].append((row, 1))
    return a, b, k


def coeffs_section(r1cs: R1CS) -> bytes:
    """Section 4: every A then B entry per constraint, then the public-input rows."""
    out = []
    for row, con in enumerate(r1cs.constraints):
        for m, lc in ((0, con.a), (1, con.b)):
            out += [struct.pack("<III", m, row, s) + (v * R2 % R).to_bytes(32, "little") for s, v in lc]
    for s in range(r1cs.n_public + 1):
        out.append(struct.pack("<III", 0, len(r1cs.constraints) + s, s) + R2.to_bytes(32, "little"))
    return struct.pack("<I", len(out)) + b"".join(out)


def _odd_points(lem: bytes) -> bytes:
    return b"".join(lem[i:i + G1_SIZE] for i in range(G1_SIZE, len(lem), 2 * G1_SIZE))


def cs_hash(z: Zkey, h_hash_points: bytes) -> bytes:
    """blake2b of the initial key in zkey_new.js's order (counts as big-endian u32)."""
    h = blake()
    for p, g2 in ((z.alpha_g1, False), (z.beta_g1, False), (z.beta_g2, True), (z.gamma_g2, True),
                  (z.delta_g1, False), (z.delta_g2, True)):
        h.update(uncompressed(p, g2))
    for lem, n, g2 in ((z.ic, z.n_public + 1, False), (h_hash_points, z.domain_size - 1, False),
                       (z.c, z.n_vars - z.n_public - 1, False), (z.a, z.n_vars, False), (z.b1, z.n_vars, False),
                       (z.b2, z.n_vars, True)):
        h.update(struct.pack(">I", n))
        h.update(uncompressed(lem, g2))
    return h.digest()


def h_hash_points(p: Ptau, n: int) -> bytes:
    """[tau^(i+n) - tau^i]_1 = [tau^i Z(tau)]_1 for i < n - 1: what csHash hashes for H."""
    return rawops.sub_pairs(p.powers(TAU_G1, n, n - 1), p.powers(TAU_G1, 0, n - 1))


def new_zkey(r1cs: R1CS, p: Ptau) -> Zkey:
    """The initial phase-2 key (no contributions) for r1cs from the powers of tau p."""
    n, npub = domain_size(r1cs), r1cs.n_public
    require_fits(p, n)
    lt1, lt2 = p.lagrange(TAU_G1, n), p.lagrange(TAU_G2, n)
    a_t, b_t, k_t = _wire_terms(r1cs)
    k_all = rawops.combos(p.lagrange(BETA_G1, n) + p.lagrange(ALPHA_G1, n) + lt1, k_t)
    g1, g2 = point_to_lem(G1_GEN), point_to_lem(G2_GEN, True)
    z = Zkey(n_vars=r1cs.n_wires, n_public=npub, domain_size=n, alpha_g1=p.powers(ALPHA_G1, 0, 1),
             beta_g1=p.powers(BETA_G1, 0, 1), beta_g2=p.beta_g2(), gamma_g2=g2, delta_g1=g1, delta_g2=g2,
             ic=k_all[:(npub + 1) * G1_SIZE], coeffs=coeffs_section(r1cs), a=rawops.combos(lt1, a_t),
             b1=rawops.combos(lt1, b_t), b2=rawops.combos(lt2, b_t, True), c=k_all[(npub + 1) * G1_SIZE:],
             h=_odd_points(p.lagrange(TAU_G1, 2 * n)), cs_hash=b"")
    return replace(z, cs_hash=cs_hash(z, h_hash_points(p, n)))


# ---- contributions --------------------------------------------------------------------------


def hash_pub_key(h: "hashlib._Hash", c: Contribution) -> None:
    """zkey_utils.js hashPubKey: a contribution's public record, as the transcript hashes it."""
    for p, g2 in ((c.delta_after, False), (c.g1_s, False), (c.g1_sx, False), (c.g2_spx, True)):
        h.update(uncompressed(p, g2))
    h.update(c.transcript)


def transcript(z: Zkey, upto: int, g1_s: bytes, g1_sx: bytes) -> bytes:
    """The transcript contribution number `upto` must carry: csHash, the earlier records, its key."""
    h = blake()
    h.update(z.cs_hash)
    for c in z.contributions[:upto]:
        hash_pub_key(h, c)
    h.update(uncompressed(g1_s))
    h.update(uncompressed(g1_sx))
    return h.digest()


def contribution_hash(c: Contribution) -> bytes:
    """What a contributor publishes to be recognised: blake2b of its public record."""
    h = blake()
    hash_pub_key(h, c)
    return h.digest()


def _apply(z: Zkey, rng: ChaCha, kind: int, name: str, beacon: tuple[bytes, int] = (b"", 0)) -> Zkey:
    """One contribution with the secret drawn from rng (as snarkjs draws it: x, then [s]_1)."""
    x = fr_from_rng(rng)
    if x == 0:
        raise InputError("the contribution's secret is zero (a beacon value that yields 0 cannot be used)")
    s1 = point_to_lem(g1_from_rng(rng))
    sx1 = rawops.scale_all(s1, x)
    tr = transcript(z, len(z.contributions), s1, sx1)
    spx2 = rawops.scale_all(point_to_lem(hash_to_g2(tr), True), x, True)
    delta1, delta2 = rawops.scale_all(z.delta_g1, x), rawops.scale_all(z.delta_g2, x, True)
    x_inv = inv(x)
    c = Contribution(delta1, s1, sx1, spx2, tr, kind, name[:64], beacon[1], beacon[0])
    return with_contribution(z, c, delta_g1=delta1, delta_g2=delta2, c=rawops.scale_all(z.c, x_inv),
                             h=rawops.scale_all(z.h, x_inv))


def contribute(z: Zkey, name: str = "", entropy: bytes = b"") -> Zkey:
    """z after one secret contribution: the rng is seeded (like snarkjs getRandomRng) with
    blake2b(64 bytes from `secrets` || entropy)."""
    h = blake()
    h.update(secrets.token_bytes(64))
    h.update(entropy)
    return _apply(z, ChaCha(seed_of(h.digest())), CONTRIBUTION, name)


def check_beacon(beacon_hash: bytes, iterations_exp: int) -> None:
    """snarkjs's limits: 1..255 bytes of beacon, 2^10 .. 2^63 iterations."""
    if not 1 <= len(beacon_hash) <= 255:
        raise InputError("the beacon must be 1 to 255 bytes (given as hexadecimal)")
    if not 10 <= iterations_exp <= 63:
        raise InputError(f"--iterations {iterations_exp}: must be between 10 and 63 (2^n SHA-256 rounds)")


def beacon(z: Zkey, beacon_hash: bytes, iterations_exp: int, name: str = "") -> Zkey:
    """z after a public-beacon contribution (reproducible by anyone from the beacon)."""
    check_beacon(beacon_hash, iterations_exp)
    return _apply(z, beacon_rng(beacon_hash, iterations_exp), BEACON, name, (beacon_hash, iterations_exp))


def contributions_summary(z: Zkey) -> Sequence[tuple[int, str, str, str]]:
    """(number, type, name, contribution hash hex) for each contribution."""
    return [(i + 1, "beacon" if c.kind == BEACON else "contribution", c.name, contribution_hash(c).hex())
            for i, c in enumerate(z.contributions)]
