"""The witness file `witness.json` (format "zkvmc-witness", version 1): docs/formats.md.

Holds the full wire assignment of a circuit's final R1CS (wire 0 = 1, then the public
signals, then private wires) and the digest of the circuit it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zkvmc.artifacts.io import check_header, field, read_json, write_json
from zkvmc.errors import ArtifactError
from zkvmc.field import R, is_decimal

FORMAT = "zkvmc-witness"
VERSION = 1


@dataclass(frozen=True)
class Witness:
    """A full assignment of a circuit's wires."""

    values: tuple[int, ...]
    """w[0] = 1, then public signals, then private wires; each in [0, r)."""
    circuit_digest: str
    """Digest of the circuit file this witness satisfies."""


def witness_to_json(w: Witness) -> dict[str, Any]:
    """The JSON object for a witness."""
    return {"format": FORMAT, "version": VERSION, "circuit_digest": w.circuit_digest,
            "witness": [str(v) for v in w.values]}


def write_witness(path: str, w: Witness) -> None:
    """Write a witness file atomically."""
    write_json(path, witness_to_json(w), indent=None)


def witness_from_json(obj: Any, path: str) -> Witness:
    """Validate a parsed witness file."""
    check_header(path, obj, FORMAT, VERSION)
    dig = field(path, obj, "circuit_digest", str)
    values = []
    for i, v in enumerate(field(path, obj, "witness", list)):
        if not is_decimal(v) or int(v) >= R:
            raise ArtifactError(path, f"witness[{i}]", "expected a decimal string (ASCII digits 0-9) below r")
        values.append(int(v))
    if not values or values[0] != 1:
        raise ArtifactError(path, "witness[0]", "wire 0 must be 1")
    return Witness(tuple(values), dig)


def read_witness(path: str) -> Witness:
    """Read and validate a witness file."""
    return witness_from_json(read_json(path), path)
