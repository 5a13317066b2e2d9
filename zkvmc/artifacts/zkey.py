"""snarkjs's Groth16 `.zkey` (binary, magic "zkey", version 1) and zkvmc's `*.zkey.json`
ceremony state: both hold a `Zkey`. docs/formats.md ("Ceremony state").

Takes bytes or JSON and gives a validated Zkey, or the reverse. Binary layout as snarkjs 0.7
zkey_utils.js / zkey_new.js write it, in the iden3 container (zkvmc.artifacts.iden3):
1 protocol (u32 1 = Groth16); 2 header (n8q, q, n8r, r, nVars, nPublic, domainSize, then
alpha_1, beta_1, beta_2, gamma_2, delta_1, delta_2); 3 IC; 4 the A and B coefficients
(u32 count, then matrix, constraint, signal u32 and the value times 2^512 mod r); 5 A; 6 B1;
7 B2; 8 C (snarkjs's name for L); 9 H (snarkjs's odd-coset basis, not zkvmc's h_query);
10 the MPC parameters (circuit hash csHash and every contribution). Points are LEM bytes
(zkvmc.ceremony.points). The JSON form carries the same fields as hex, plus a digest.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, fields, replace
from typing import Any

from zkvmc.artifacts.iden3 import (N8, Cursor, build_container, fe, parse_container, read_bytes, u32,
                                   unique_section)
from zkvmc.artifacts.io import check_header, digest, field, read_json, write_atomic, write_json
from zkvmc.ceremony.points import G1_SIZE, G2_SIZE, check_lem
from zkvmc.curve.adapter import FIELD_MODULUS as Q
from zkvmc.errors import ArtifactError
from zkvmc.field import R

MAGIC = "zkey"
JSON_FORMAT = "zkvmc-zkey"
JSON_VERSION = 1
CONTRIBUTION, BEACON = 0, 1
"""Contribution types (snarkjs: 0 a contributor's random secret, 1 a public random beacon)."""
_KINDS = {CONTRIBUTION: "contribution", BEACON: "beacon"}


@dataclass(frozen=True)
class Contribution:
    """One phase-2 contribution's public record: the new delta and its proof of knowledge
    (Bowe-Gabizon-Miers, eprint 2017/1050, section 7; snarkjs zkey_contribute.js)."""

    delta_after: bytes
    """[delta]_1 after this contribution (LEM)."""
    g1_s: bytes
    """[s]_1, a random point (LEM)."""
    g1_sx: bytes
    """[s x]_1, x the contribution's secret (LEM)."""
    g2_spx: bytes
    """[s' x]_2, s' = hash_to_g2(transcript) (LEM)."""
    transcript: bytes
    """blake2b-512 of csHash, every earlier contribution, g1_s and g1_sx."""
    kind: int = CONTRIBUTION
    """CONTRIBUTION or BEACON."""
    name: str = ""
    """The contributor's name (at most 64 characters kept)."""
    iterations_exp: int = 0
    """Beacon only: SHA-256 is iterated 2^iterations_exp times."""
    beacon_hash: bytes = b""
    """Beacon only: the public random value."""


@dataclass(frozen=True)
class Zkey:
    """A Groth16 key in snarkjs's layout (gamma = 1 in a ceremony), with its MPC history."""

    n_vars: int
    """Wires, wire 0 included."""
    n_public: int
    """Public signals (wire 0 excluded)."""
    domain_size: int
    """QAP domain size n."""
    alpha_g1: bytes
    """[alpha]_1."""
    beta_g1: bytes
    """[beta]_1."""
    beta_g2: bytes
    """[beta]_2."""
    gamma_g2: bytes
    """[gamma]_2 (the generator in a ceremony)."""
    delta_g1: bytes
    """[delta]_1."""
    delta_g2: bytes
    """[delta]_2."""
    ic: bytes
    """[(beta u_i + alpha v_i + w_i)(tau) / gamma]_1 for i = 0..n_public."""
    coeffs: bytes
    """Section 4 as stored: the A and B matrix entries the snarkjs prover evaluates."""
    a: bytes
    """[u_i(tau)]_1 for every wire."""
    b1: bytes
    """[v_i(tau)]_1 for every wire."""
    b2: bytes
    """[v_i(tau)]_2 for every wire."""
    c: bytes
    """[(beta u_i + alpha v_i + w_i)(tau) / delta]_1 for the private wires (zkvmc: l_query)."""
    h: bytes
    """[L^(2n)_(2j+1)(tau) / delta]_1, j < n: the odd points of the 2n-domain Lagrange basis."""
    cs_hash: bytes
    """blake2b-512 of the initial key (the circuit and the ptau it came from)."""
    contributions: tuple[Contribution, ...] = ()
    """The phase-2 contributions, in order."""


_HEADER_POINTS = (("alpha_g1", G1_SIZE), ("beta_g1", G1_SIZE), ("beta_g2", G2_SIZE), ("gamma_g2", G2_SIZE),
                  ("delta_g1", G1_SIZE), ("delta_g2", G2_SIZE))
_SECTIONS = ((3, "ic", False), (5, "a", False), (6, "b1", False), (7, "b2", True), (8, "c", False),
             (9, "h", False))


def expected_points(z: Zkey) -> dict[str, int]:
    """How many points each section must hold."""
    return {"ic": z.n_public + 1, "a": z.n_vars, "b1": z.n_vars, "b2": z.n_vars,
            "c": z.n_vars - z.n_public - 1, "h": z.domain_size}


# ---- binary -------------------------------------------------------------------------------


def _params(c: Contribution) -> bytes:
    """The contribution's key-value parameters (1 name, 2 iterations exponent, 3 beacon hash)."""
    out = b""
    if c.name:
        name = c.name[:64].encode()[:255]  # 64 characters, as snarkjs keeps, in a one-byte length
        out += bytes([1, len(name)]) + name
    if c.kind == BEACON:
        out += bytes([2, c.iterations_exp, 3, len(c.beacon_hash)]) + c.beacon_hash
    return out


def mpc_bytes(z: Zkey) -> bytes:
    """Section 10's body."""
    parts = [z.cs_hash, u32(len(z.contributions))]
    for c in z.contributions:
        p = _params(c)
        parts += [c.delta_after, c.g1_s, c.g1_sx, c.g2_spx, c.transcript, u32(c.kind), u32(len(p)), p]
    return b"".join(parts)


def zkey_to_bytes(z: Zkey) -> bytes:
    """The `.zkey` file snarkjs reads."""
    head = b"".join([u32(N8), fe(Q), u32(N8), fe(R), u32(z.n_vars), u32(z.n_public), u32(z.domain_size),
                     *(getattr(z, k) for k, _ in _HEADER_POINTS)])
    sections = [(1, u32(1)), (2, head), (3, z.ic), (4, z.coeffs)]
    sections += [(k, getattr(z, name)) for k, name, _ in _SECTIONS if k != 3] + [(10, mpc_bytes(z))]
    return build_container(MAGIC, 1, sections)


def _header(path: str, body: bytes) -> dict[str, Any]:
    cur = Cursor(path, "section 2 (header)", body)
    for what, prime in (("q", Q), ("r", R)):
        if cur.u32(f"n8{what}") != N8 or cur.big(N8, what) != prime:
            raise ArtifactError(path, f"section 2 (header).{what}", "not the BN254 (bn128) curve")
    out: dict[str, Any] = {k: cur.u32(k) for k in ("n_vars", "n_public", "domain_size")}
    out.update({k: cur.take(n, k) for k, n in _HEADER_POINTS})
    cur.done()
    return out


def _contribution(cur: Cursor, i: int) -> Contribution:
    pts = [cur.take(n, f"contributions[{i}].{k}") for k, n in
           (("delta_after", G1_SIZE), ("g1_s", G1_SIZE), ("g1_sx", G1_SIZE), ("g2_spx", G2_SIZE))]
    transcript, kind = cur.take(64, f"contributions[{i}].transcript"), cur.u32(f"contributions[{i}].type")
    params = Cursor(cur.path, f"{cur.where}.contributions[{i}].params", cur.take(cur.u32("paramLength"), "params"))
    got: dict[str, Any] = {}
    last = 0
    while params.pos < len(params.data):
        key = params.take(1, "key")[0]
        if key <= last or key > 3:
            raise ArtifactError(cur.path, f"{params.where}", f"parameter {key} unknown or out of order")
        last = key
        if key == 2:
            got["iterations_exp"] = params.take(1, "numIterationsExp")[0]
        else:
            v = params.take(params.take(1, "length")[0], "value")
            got["name" if key == 1 else "beacon_hash"] = v.decode(errors="replace") if key == 1 else v
    if kind not in _KINDS:
        raise ArtifactError(cur.path, f"{cur.where}.contributions[{i}].type", f"unknown type {kind}")
    return Contribution(*pts, transcript, kind, **got)


def _mpc(path: str, body: bytes) -> tuple[bytes, tuple[Contribution, ...]]:
    cur = Cursor(path, "section 10 (contributions)", body)
    cs_hash = cur.take(64, "csHash")
    n = cur.u32("nContributions")
    out = tuple(_contribution(cur, i) for i in range(n))
    cur.done()
    return cs_hash, out


def zkey_from_bytes(data: bytes, path: str) -> Zkey:
    """Parse and validate a snarkjs Groth16 `.zkey`."""
    bf = parse_container(data, path, MAGIC, 1)
    if unique_section(path, bf, 1, "protocol") != u32(1):
        raise ArtifactError(path, "section 1 (protocol)", "not a Groth16 key (PLONK and FFLONK keys are not read)")
    head = _header(path, unique_section(path, bf, 2, "header"))
    body = {name: unique_section(path, bf, k, name) for k, name, _ in _SECTIONS}
    cs_hash, contribs = _mpc(path, unique_section(path, bf, 10, "contributions"))
    z = Zkey(**head, **body, coeffs=unique_section(path, bf, 4, "coefficients"), cs_hash=cs_hash,
             contributions=contribs)
    validate(z, path)
    return z


def read_zkey_binary(path: str) -> Zkey:
    """Read a `.zkey` file."""
    return zkey_from_bytes(read_bytes(path), path)


def write_zkey_binary(path: str, z: Zkey) -> None:
    """Write a `.zkey` file atomically."""
    write_atomic(path, zkey_to_bytes(z))


# ---- validation ---------------------------------------------------------------------------


def validate(z: Zkey, path: str) -> None:
    """Counts consistent, every section the right size, every point canonical and on its curve
    (G2 header and contribution points also in the subgroup)."""
    n = z.domain_size
    if z.n_vars < z.n_public + 1 or n < 2 or n & (n - 1):
        raise ArtifactError(path, "header", f"inconsistent nVars {z.n_vars} / nPublic {z.n_public} / domainSize {n}")
    for name, want in expected_points(z).items():
        is_g2 = name == "b2"
        if len(getattr(z, name)) != want * (G2_SIZE if is_g2 else G1_SIZE):
            raise ArtifactError(path, name, f"expected {want} points, found {len(getattr(z, name))} bytes")
        check_lem(path, name, getattr(z, name), is_g2)
    for k, n_bytes in _HEADER_POINTS:
        _length(path, k, getattr(z, k), n_bytes)
        check_lem(path, k, getattr(z, k), k.endswith("g2"), subgroup=True)
    _length(path, "cs_hash", z.cs_hash, 64)
    for i, c in enumerate(z.contributions):
        for k, n_bytes in (("delta_after", G1_SIZE), ("g1_s", G1_SIZE), ("g1_sx", G1_SIZE), ("g2_spx", G2_SIZE),
                           ("transcript", 64)):
            _length(path, f"contributions[{i}].{k}", getattr(c, k), n_bytes)
        if len(c.beacon_hash) > 255 or not 0 <= c.iterations_exp <= 63:
            raise ArtifactError(path, f"contributions[{i}]", "name, beacon hash or iterations out of range")
        for k in ("delta_after", "g1_s", "g1_sx"):
            check_lem(path, f"contributions[{i}].{k}", getattr(c, k))
        check_lem(path, f"contributions[{i}].g2_spx", c.g2_spx, True, subgroup=True)
    _check_coeffs(z, path)


def _length(path: str, where: str, value: bytes, n_bytes: int) -> None:
    if len(value) != n_bytes:
        raise ArtifactError(path, where, f"{len(value)} bytes, expected {n_bytes}")


def _check_coeffs(z: Zkey, path: str) -> None:
    cur = Cursor(path, "section 4 (coefficients)", z.coeffs)
    n = cur.u32("nCoefs")
    raw = cur.take(n * 44, "coefficients")
    cur.done()
    for i in range(n):
        m, row, sig = struct.unpack_from("<III", raw, 44 * i)
        if m > 1 or row >= z.domain_size or sig >= z.n_vars:
            raise ArtifactError(path, f"section 4 (coefficients)[{i}]", "matrix, constraint or signal out of range")
        if int.from_bytes(raw[44 * i + 12: 44 * i + 44], "little") >= R:
            raise ArtifactError(path, f"section 4 (coefficients)[{i}].value", "not below r")


# ---- JSON ceremony state ----------------------------------------------------------------------

_BYTES_FIELDS = [f.name for f in fields(Zkey) if f.name not in ("n_vars", "n_public", "domain_size",
                                                                 "contributions")]


def _contribution_json(c: Contribution) -> dict[str, Any]:
    out: dict[str, Any] = {"type": _KINDS[c.kind], "name": c.name}
    out.update({k: getattr(c, k).hex() for k in ("delta_after", "g1_s", "g1_sx", "g2_spx", "transcript")})
    if c.kind == BEACON:
        out.update({"beacon_hash": c.beacon_hash.hex(), "iterations_exp": c.iterations_exp})
    return out


def zkey_to_json(z: Zkey, circuit_digest: str = "") -> dict[str, Any]:
    """The zkey.json object: counts, hex LEM points and sections, contributions, a digest."""
    body: dict[str, Any] = {"n_vars": z.n_vars, "n_public": z.n_public, "domain_size": z.domain_size,
                            "circuit_digest": circuit_digest}
    body.update({k: getattr(z, k).hex() for k in _BYTES_FIELDS})
    body["contributions"] = [_contribution_json(c) for c in z.contributions]
    return {"format": JSON_FORMAT, "version": JSON_VERSION, "curve": "bn128", "digest": digest(body), **body}


def _hex(path: str, obj: dict, name: str) -> bytes:
    v = field(path, obj, name, str)
    try:
        return bytes.fromhex(v)
    except ValueError:
        raise ArtifactError(path, name, "not a hexadecimal string") from None


def _contribution_from_json(path: str, obj: Any, i: int) -> Contribution:
    if not isinstance(obj, dict):
        raise ArtifactError(path, f"contributions[{i}]", "expected an object")
    p = f"{path}: contributions[{i}]"
    kind = {v: k for k, v in _KINDS.items()}.get(obj.get("type"))
    if kind is None:
        raise ArtifactError(path, f"contributions[{i}].type", "expected 'contribution' or 'beacon'")
    pts = {k: _hex(p, obj, k) for k in ("delta_after", "g1_s", "g1_sx", "g2_spx", "transcript")}
    extra = {"beacon_hash": _hex(p, obj, "beacon_hash"), "iterations_exp": field(p, obj, "iterations_exp", int)} \
        if kind == BEACON else {}
    return Contribution(**pts, kind=kind, name=field(p, obj, "name", str), **extra)


def zkey_from_json(obj: Any, path: str) -> tuple[Zkey, str]:
    """(Zkey, circuit digest) from a parsed zkey.json, validated."""
    check_header(path, obj, JSON_FORMAT, JSON_VERSION)
    body = {k: v for k, v in obj.items() if k not in ("format", "version", "curve", "digest")}
    if digest(body) != obj.get("digest"):
        raise ArtifactError(path, "digest", "does not match the file's content (edited or corrupted)")
    counts = {k: field(path, obj, k, int) for k in ("n_vars", "n_public", "domain_size")}
    contribs = field(path, obj, "contributions", list)
    z = Zkey(**counts, **{k: _hex(path, obj, k) for k in _BYTES_FIELDS},
             contributions=tuple(_contribution_from_json(path, c, i) for i, c in enumerate(contribs)))
    validate(z, path)
    return z, field(path, obj, "circuit_digest", str)


def is_binary_zkey(path: str) -> bool:
    """Whether path starts with the `.zkey` magic (else it is read as zkey.json)."""
    try:
        with open(path, "rb") as f:
            return f.read(4) == MAGIC.encode()
    except OSError:
        return False


def read_zkey(path: str) -> tuple[Zkey, str]:
    """(Zkey, circuit digest or "") from a `.zkey` or a zkey.json."""
    if is_binary_zkey(path):
        return read_zkey_binary(path), ""
    return zkey_from_json(read_json(path), path)


def write_zkey(path: str, z: Zkey, circuit_digest: str = "") -> None:
    """Write binary when path ends in `.zkey`, else zkey.json (atomically)."""
    if path.endswith(".zkey"):
        write_zkey_binary(path, z)
    else:
        write_json(path, zkey_to_json(z, circuit_digest), indent=None)


def with_contribution(z: Zkey, record: Contribution, /, **points: bytes) -> Zkey:
    """z after a contribution: the new points (delta_g1, delta_g2, c, h) and its record appended."""
    return replace(z, contributions=(*z.contributions, record), **points)
