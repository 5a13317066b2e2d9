"""iden3 `.r1cs` (circom/snarkjs, magic "r1cs", version 1) <-> zkvmc Circuit: docs/formats.md.

Takes a Circuit and gives the bytes snarkjs reads (r1csfile 0.0.48 readR1cs: header section 1,
constraints section 2 with coefficients in standard form, wire-to-label map section 3), plus
an optional zkvmc section (type 0x7a6b) with the JSON of everything the iden3 layout cannot
carry (witness program, source lines, ...), so that import restores the exact circuit and
digest. Reading validates every count, index and coefficient and never trusts a length.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import dataclass
from typing import Any

from zkvmc.artifacts.circuit_file import (FORMAT, VERSION, CURVE, circuit_body, circuit_digest,
                                          circuit_from_json, lc_to_json)
from zkvmc.artifacts.iden3 import (N8, ZK_SECTION, read_field_header, BinFile, Cursor, build_container, fe, optional_section,
                                   parse_container, read_bytes, u32, u64, unique_section)
from zkvmc.artifacts.io import parse_json_bytes, write_atomic
from zkvmc.compiler.circuit import Circuit
from zkvmc.errors import ArtifactError
from zkvmc.field import R
from zkvmc.r1cs.system import LC, R1CS, Constraint

MAGIC = "r1cs"
R1CS_VERSION = 1
HEADER, CONSTRAINTS, WIRE_MAP, CUSTOM_GATES_LIST, CUSTOM_GATES_USES = 1, 2, 3, 4, 5
META_FORMAT = "zkvmc-circuit-meta"
META_KEYS = ("source", "source_digest", "n_private_inputs", "n_signals", "stats", "line_text", "lines",
             "witness_program")
"""The circuit-file keys the zkvmc section carries (the rest come from sections 1-3)."""
MAX_LABELS = 1 << 32
MAX_WIRES_UNMAPPED = 1 << 22
"""Most wires a .r1cs may declare without a wire map (whose 8 bytes per wire would show that the
file really is that large): keeps a 100-byte file from making zkvmc allocate 2^32 wires."""
"""Label ids are signal numbers; more than 2^32 is garbage, not a circuit."""


@dataclass(frozen=True)
class R1csHeader:
    """Section 1 of a `.r1cs` file."""

    n_wires: int
    """nWires: wires including wire 0 = 1."""
    n_pub_out: int
    """nPubOut: public outputs, wires 1..n_pub_out."""
    n_pub_in: int
    """nPubIn: public inputs, the next wires."""
    n_prv_in: int
    """nPrvIn: private inputs, the wires right after the public ones (informational in snarkjs;
    after circom --O2 some may have been substituted away, so it can exceed the wires left)."""
    n_labels: int
    """nLabels: number of signal labels the wire map points into."""
    n_constraints: int
    """nConstraints."""


# ---- writing ---------------------------------------------------------------------------------


def private_input_wires(c: Circuit) -> int:
    """How many wires right after the public ones hold private-tape inputs (circom's nPrvIn).

    After optimisation zkvmc's private inputs need not sit there, so we claim only those that do.
    A circuit imported without witness program keeps the nPrvIn it was imported with.
    """
    if not c.steps:
        return min(c.n_private_inputs, c.r1cs.n_wires - 1 - c.r1cs.n_public)
    private = {s.outs[0] for s in c.steps if s.op == "input" and s.params[:1] == (1,) and s.outs}
    n = 0
    for sig in c.wire_map[1 + c.r1cs.n_public :]:
        if sig not in private:
            break
        n += 1
    return n


def header_bytes(h: R1csHeader) -> bytes:
    """Section 1 body: n8, prime, nWires, nPubOut, nPubIn, nPrvIn, nLabels (u64), nConstraints."""
    return b"".join([u32(N8), fe(R), u32(h.n_wires), u32(h.n_pub_out), u32(h.n_pub_in), u32(h.n_prv_in),
                     u64(h.n_labels), u32(h.n_constraints)])


def lc_bytes(lc: LC) -> bytes:
    """nTerms, then (wire u32, coefficient 32 bytes) per term."""
    return u32(len(lc)) + b"".join(u32(w) + fe(k) for w, k in lc)


def constraints_bytes(r: R1CS) -> bytes:
    """Section 2 body: A, B, C of every constraint in order."""
    return b"".join(lc_bytes(k.a) + lc_bytes(k.b) + lc_bytes(k.c) for k in r.constraints)


def metadata(c: Circuit) -> dict[str, Any]:
    """The zkvmc section's JSON: the circuit-file keys sections 1-3 cannot hold, and the digest."""
    body = circuit_body(c)
    return {"format": META_FORMAT, "version": 1, "digest": circuit_digest(c)} | {k: body[k] for k in META_KEYS}


def header_of(c: Circuit) -> R1csHeader:
    """The iden3 header of a circuit (labels are zkvmc signals)."""
    r = c.r1cs
    return R1csHeader(r.n_wires, r.n_outputs, r.n_pub_inputs, private_input_wires(c), c.n_signals, len(r.constraints))


def circuit_to_r1cs_bytes(c: Circuit, with_metadata: bool = True) -> bytes:
    """The `.r1cs` file of a circuit; with_metadata adds the zkvmc section (type 0x7a6b)."""
    sections = [(HEADER, header_bytes(header_of(c))), (CONSTRAINTS, constraints_bytes(c.r1cs)),
                (WIRE_MAP, b"".join(u64(s) for s in c.wire_map))]
    if with_metadata:
        sections.append((ZK_SECTION, json.dumps(metadata(c), separators=(",", ":")).encode()))
    return build_container(MAGIC, R1CS_VERSION, sections)


def write_r1cs_binary(path: str, c: Circuit, with_metadata: bool = True) -> None:
    """Write a `.r1cs` file atomically."""
    write_atomic(path, circuit_to_r1cs_bytes(c, with_metadata))


# ---- reading ---------------------------------------------------------------------------------


def _bounded(path: str, where: str, v: int, lo: int, hi: int) -> int:
    if not lo <= v <= hi:
        raise ArtifactError(path, where, f"{v} is out of range [{lo}, {hi}]")
    return v


def parse_header(path: str, body: bytes) -> R1csHeader:
    """Validate section 1: n8 = 32, prime = BN254 r, counts consistent."""
    cur = Cursor(path, "section 1 (header)", body)
    read_field_header(path, cur, "section 1 (header)")
    w = "section 1 (header)."
    n_wires = _bounded(path, w + "nWires", cur.u32("nWires"), 1, 0xFFFFFFFF)
    n_out = _bounded(path, w + "nPubOut", cur.u32("nPubOut"), 0, n_wires - 1)
    n_in = _bounded(path, w + "nPubIn", cur.u32("nPubIn"), 0, n_wires - 1 - n_out)
    # circom --O2 can substitute a private input away: nPrvIn then counts more inputs than
    # the wires left after the public ones (snarkjs ignores it; zkvmc.audit accounts for it).
    n_prv = cur.u32("nPrvIn")
    n_labels = _bounded(path, w + "nLabels", cur.u64("nLabels"), n_wires, MAX_LABELS)
    n_constraints = cur.u32("nConstraints")
    cur.done()
    return R1csHeader(n_wires, n_out, n_in, n_prv, n_labels, n_constraints)


def _lc(cur: Cursor, path: str, where: str, n_wires: int) -> LC:
    n = cur.u32(f"{where}.nTerms")
    raw = cur.take(n * (4 + N8), f"{where}.terms")
    terms: dict[int, int] = {}
    for t in range(n):
        off = t * (4 + N8)
        wire = struct.unpack_from("<I", raw, off)[0]
        coeff = int.from_bytes(raw[off + 4 : off + 4 + N8], "little")
        if wire >= n_wires:
            raise ArtifactError(path, f"{where}[{t}].wire", f"wire {wire} out of range (nWires = {n_wires})")
        if coeff >= R:
            raise ArtifactError(path, f"{where}[{t}].coeff", "coefficient is not below r (not in standard form)")
        if wire in terms:
            raise ArtifactError(path, f"{where}[{t}].wire", f"wire {wire} appears twice in one linear combination")
        terms[wire] = coeff
    # Zero terms contribute nothing; zkvmc's LCs keep only non-zero terms, ascending.
    return tuple(sorted((w, k) for w, k in terms.items() if k))


def parse_constraints(path: str, body: bytes, h: R1csHeader) -> tuple[Constraint, ...]:
    """Validate section 2: exactly nConstraints constraints, indices and coefficients in range."""
    cur = Cursor(path, "section 2 (constraints)", body)
    if h.n_constraints * 12 > len(body):
        raise ArtifactError(path, "section 2 (constraints)",
                            f"{len(body)} bytes cannot hold nConstraints = {h.n_constraints} constraints")
    out = []
    for i in range(h.n_constraints):
        a, b, c = (_lc(cur, path, f"constraints[{i}].{x}", h.n_wires) for x in "ABC")
        out.append(Constraint(a, b, c))
    cur.done()
    return tuple(out)


def parse_map(path: str, body: bytes | None, h: R1csHeader) -> tuple[int, ...]:
    """Validate section 3: one u64 label per wire, below nLabels, wire 0 -> label 0."""
    if body is None:
        if h.n_wires > MAX_WIRES_UNMAPPED:
            raise ArtifactError(path, "section 1 (header).nWires",
                                f"{h.n_wires} wires but no wire map (section 3) to back them: at most "
                                f"{MAX_WIRES_UNMAPPED} without one")
        return tuple(range(h.n_wires))
    if len(body) != 8 * h.n_wires:
        raise ArtifactError(path, "section 3 (wire map)", f"size {len(body)}, expected 8 * nWires = {8 * h.n_wires}")
    labels = struct.unpack(f"<{h.n_wires}Q", body)
    for i, lab in enumerate(labels):
        if lab >= h.n_labels:
            raise ArtifactError(path, f"section 3 (wire map)[{i}]", f"label {lab} not below nLabels = {h.n_labels}")
    if labels[0] != 0:
        raise ArtifactError(path, "section 3 (wire map)[0]", "wire 0 (the constant 1) must map to label 0")
    return tuple(labels)


def parse_metadata(path: str, body: bytes) -> dict[str, Any]:
    """Validate the zkvmc section's JSON envelope (the circuit reader checks the values)."""
    where = f"section {ZK_SECTION:#x} (zkvmc metadata)"
    meta = parse_json_bytes(body, path, where)
    if not isinstance(meta, dict) or meta.get("format") != META_FORMAT or type(meta.get("version")) is not int \
            or meta["version"] != 1:
        raise ArtifactError(path, where, f"expected a {META_FORMAT!r} version 1 object")
    keys = set(meta) - {"format", "version", "digest"}
    if keys != set(META_KEYS) or not isinstance(meta.get("digest"), str):
        raise ArtifactError(path, where, f"keys {sorted(keys)} differ from {sorted(META_KEYS)} (+ digest)")
    return meta


def parse_r1cs(data: bytes, path: str) -> tuple[BinFile, R1csHeader, tuple[Constraint, ...], tuple[int, ...]]:
    """The container, header, constraints and wire map of a `.r1cs` file, all validated."""
    bf = parse_container(data, path, MAGIC, R1CS_VERSION)
    if CUSTOM_GATES_LIST in bf.sections or CUSTOM_GATES_USES in bf.sections:
        raise ArtifactError(path, "sections 4/5 (custom gates)", "PLONK custom gates are not supported by Groth16")
    h = parse_header(path, unique_section(path, bf, HEADER, "header"))
    constraints = parse_constraints(path, unique_section(path, bf, CONSTRAINTS, "constraints"), h)
    wire_map = parse_map(path, optional_section(path, bf, WIRE_MAP, "wire map"), h)
    return bf, h, constraints, wire_map


def _with_metadata(path: str, meta: dict[str, Any], h: R1csHeader, constraints: tuple[Constraint, ...],
                   wire_map: tuple[int, ...]) -> Circuit:
    """Reassemble the circuit file's JSON and let its reader check everything, digest included."""
    if meta["n_signals"] != h.n_labels:
        raise ArtifactError(path, "section 1 (header).nLabels", "differs from the zkvmc section's n_signals")
    obj = {"format": FORMAT, "version": VERSION, "curve": CURVE, "prime": str(R), "digest": meta["digest"],
           "n_wires": h.n_wires, "n_outputs": h.n_pub_out, "n_pub_inputs": h.n_pub_in,
           "n_constraints": len(constraints), "wire_map": list(wire_map),
           "constraints": [[lc_to_json(k.a), lc_to_json(k.b), lc_to_json(k.c)] for k in constraints]}
    obj |= {k: meta[k] for k in META_KEYS}
    try:
        return circuit_from_json(obj, path)
    except ArtifactError as e:
        raise ArtifactError(path, f"section {ZK_SECTION:#x} (zkvmc metadata).{e.field}",
                            f"{e.message} (the constraints or metadata were changed after export)") from None


def _plain(path: str, data: bytes, h: R1csHeader, constraints: tuple[Constraint, ...],
           wire_map: tuple[int, ...]) -> Circuit:
    """A circuit without a witness program: its witness must come from a `.wtns` file."""
    return Circuit(
        r1cs=R1CS(h.n_wires, h.n_pub_out, h.n_pub_in, constraints), n_signals=h.n_labels, steps=(),
        wire_map=wire_map, lines=(0,) * len(constraints), line_text=(), n_private_inputs=h.n_prv_in,
        source=os.path.basename(path), source_digest=hashlib.sha256(data).hexdigest(), stats=())


def r1cs_from_bytes(data: bytes, path: str) -> Circuit:
    """The Circuit in a `.r1cs` file: exact if it carries a zkvmc section, else without witness program."""
    bf, h, constraints, wire_map = parse_r1cs(data, path)
    meta = optional_section(path, bf, ZK_SECTION, "zkvmc metadata")
    if meta is not None:
        return _with_metadata(path, parse_metadata(path, meta), h, constraints, wire_map)
    return _plain(path, data, h, constraints, wire_map)


def read_r1cs_binary(path: str) -> Circuit:
    """Read and validate a `.r1cs` file."""
    return r1cs_from_bytes(read_bytes(path), path)
