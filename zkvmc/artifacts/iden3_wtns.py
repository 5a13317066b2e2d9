"""iden3 `.wtns` (circom/snarkjs, magic "wtns", version 2) <-> zkvmc Witness: docs/formats.md.

Takes a Witness and gives the bytes snarkjs reads (snarkjs 0.7.6 wtns_utils: section 1 n8,
prime, nWitness; section 2 the values, 32-byte little-endian standard form), plus a zkvmc
section (type 0x7a6b, JSON {"circuit_digest": ...}) binding it to its circuit. Reading
validates the header, the section sizes and every value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from zkvmc.artifacts.iden3 import (N8, ZK_SECTION, read_field_header, Cursor, build_container, fe, optional_section,
                                   parse_container, read_bytes, u32, unique_section)
from zkvmc.artifacts.io import parse_json_bytes, write_atomic
from zkvmc.artifacts.witness_file import Witness
from zkvmc.errors import ArtifactError
from zkvmc.field import R

MAGIC = "wtns"
WTNS_VERSION = 2
HEADER, VALUES = 1, 2


@dataclass(frozen=True)
class Wtns:
    """The content of a `.wtns` file."""

    values: tuple[int, ...]
    """The full assignment, w[0] = 1, each in [0, r)."""
    circuit_digest: str | None
    """The circuit digest from the zkvmc section, None when the file has none (e.g. from circom)."""


def witness_to_wtns_bytes(w: Witness, with_digest: bool = True) -> bytes:
    """The `.wtns` file of a witness; with_digest adds the zkvmc section."""
    sections = [(HEADER, u32(N8) + fe(R) + u32(len(w.values))), (VALUES, b"".join(fe(v) for v in w.values))]
    if with_digest:
        sections.append((ZK_SECTION, json.dumps({"circuit_digest": w.circuit_digest}).encode()))
    return build_container(MAGIC, WTNS_VERSION, sections)


def write_wtns(path: str, w: Witness, with_digest: bool = True) -> None:
    """Write a `.wtns` file atomically."""
    write_atomic(path, witness_to_wtns_bytes(w, with_digest))


def _header(path: str, body: bytes) -> int:
    cur = Cursor(path, "section 1 (header)", body)
    read_field_header(path, cur, "section 1 (header)")
    n = cur.u32("nWitness")
    cur.done()
    if n < 1:
        raise ArtifactError(path, "section 1 (header).nWitness", "a witness has at least wire 0 = 1")
    return n


def _values(path: str, body: bytes, n: int) -> tuple[int, ...]:
    if len(body) != N8 * n:
        raise ArtifactError(path, "section 2 (values)", f"size {len(body)}, expected {N8} * nWitness = {N8 * n}")
    values = tuple(int.from_bytes(body[i : i + N8], "little") for i in range(0, len(body), N8))
    for i, v in enumerate(values):
        if v >= R:
            raise ArtifactError(path, f"section 2 (values)[{i}]", "value is not below r")
    if values[0] != 1:
        raise ArtifactError(path, "section 2 (values)[0]", "wire 0 must be 1")
    return values


def _digest(path: str, body: bytes | None) -> str | None:
    if body is None:
        return None
    where = f"section {ZK_SECTION:#x} (zkvmc metadata)"
    meta = parse_json_bytes(body, path, where)
    if not isinstance(meta, dict) or set(meta) != {"circuit_digest"} or not isinstance(meta["circuit_digest"], str):
        raise ArtifactError(path, where, 'expected {"circuit_digest": "<hex>"}')
    return meta["circuit_digest"]


def wtns_from_bytes(data: bytes, path: str) -> Wtns:
    """Parse and validate a `.wtns` file."""
    bf = parse_container(data, path, MAGIC, WTNS_VERSION)
    n = _header(path, unique_section(path, bf, HEADER, "header"))
    values = _values(path, unique_section(path, bf, VALUES, "values"), n)
    return Wtns(values, _digest(path, optional_section(path, bf, ZK_SECTION, "zkvmc metadata")))


def read_wtns(path: str) -> Wtns:
    """Read and validate a `.wtns` file."""
    return wtns_from_bytes(read_bytes(path), path)
