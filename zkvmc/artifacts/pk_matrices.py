"""The constraint matrices carried in proving_key.json (its optional "matrices" object), so that
`zkvmc prove` reads the key and the witness only, as snarkjs's prover reads only its .zkey
(whose sections carry the QAP's coefficients). docs/formats.md, docs/performance.md.

Takes an R1CS and gives a JSON object, or reads one back into an R1CS, validating every field.
Each of A, B, C is stored row by row, compressed (the binary blobs are hex strings of
little-endian uint32s):

- "counts": the number of terms of each row's LC (n_constraints of them);
- "wires": the wire of each term, rows concatenated;
- "coeffs": each term's index into "coeff_table", the distinct coefficients as decimal strings
  (a zkVM circuit has few: 1, r - 1, small constants).

The object is additive: a key without it is read as before (the prover then reads the circuit).
The prover reads it as its arrays (compact_matrices_from_json -> zkvmc.r1cs.compact.CompactR1CS,
~10x less memory than Constraint tuples); matrices_from_json gives the R1CS of Constraint tuples.
"""

from __future__ import annotations

import sys
from array import array
from typing import Any

from zkvmc.artifacts.io import hex_blob
from zkvmc.errors import ArtifactError
from zkvmc.field import R, is_decimal
from zkvmc.r1cs.compact import CompactR1CS, SparseRows
from zkvmc.r1cs.system import R1CS

_PARTS = ("a", "b", "c")


def _u32_hex(xs: list[int]) -> str:
    arr = array("I", xs)
    if sys.byteorder == "big":  # pragma: no cover - the file is little-endian everywhere
        arr.byteswap()
    return arr.tobytes().hex()


def matrices_to_json(r1cs: R1CS) -> dict[str, Any]:
    """The "matrices" object for an R1CS."""
    table: dict[int, int] = {}
    obj: dict[str, Any] = {"n_outputs": r1cs.n_outputs, "n_pub_inputs": r1cs.n_pub_inputs,
                           "n_constraints": len(r1cs.constraints)}
    for part in _PARTS:
        lcs = [getattr(k, part) for k in r1cs.constraints]
        wires = [w for lc in lcs for w, _ in lc]
        coeffs = [table.setdefault(c, len(table)) for lc in lcs for _, c in lc]
        obj[part] = {"counts": _u32_hex([len(lc) for lc in lcs]), "wires": _u32_hex(wires),
                     "coeffs": _u32_hex(coeffs)}
    obj["coeff_table"] = [str(c) for c in table]
    return obj


def _u32s(path: str, name: str, v: Any) -> array:
    """A blob of little-endian uint32s."""
    raw = hex_blob(path, name, v, "little-endian uint32s")
    if len(raw) % 4:
        raise ArtifactError(path, name, f"{len(raw)} bytes is not a whole number of uint32s")
    arr = array("I")
    arr.frombytes(raw)
    if sys.byteorder == "big":  # pragma: no cover
        arr.byteswap()
    return arr


def _count(path: str, obj: dict, name: str, low: int = 0) -> int:
    v = obj.get(name)
    if type(v) is not int or v < low:
        raise ArtifactError(path, f"matrices.{name}", f"expected an integer >= {low}")
    return v


def _table(path: str, v: Any) -> list[int]:
    """The distinct coefficients, each a decimal in [1, r)."""
    if not isinstance(v, list):
        raise ArtifactError(path, "matrices.coeff_table", "expected a list of decimal strings")
    out = []
    for i, c in enumerate(v):
        if not is_decimal(c) or not 0 < int(c) < R:
            raise ArtifactError(path, f"matrices.coeff_table[{i}]", "expected a decimal string in [1, r)")
        out.append(int(c))
    return out


def _sparse(path: str, part: str, v: Any, m: int, n_wires: int, table: list[int]) -> SparseRows:
    """One matrix's arrays, after checking the blobs' lengths and ranges."""
    where = f"matrices.{part}"
    if not isinstance(v, dict):
        raise ArtifactError(path, where, "expected an object with counts, wires, coeffs")
    counts, wires, coeffs = (_u32s(path, f"{where}.{k}", v.get(k)) for k in ("counts", "wires", "coeffs"))
    if len(counts) != m or sum(counts) != len(wires) or len(coeffs) != len(wires):
        raise ArtifactError(path, where, f"expected {m} rows whose counts add up to the number of wires and coeffs")
    if wires and max(wires) >= n_wires:
        raise ArtifactError(path, f"{where}.wires", f"a wire index is not below n_wires = {n_wires}")
    if coeffs and max(coeffs) >= len(table):
        raise ArtifactError(path, f"{where}.coeffs", "an index is beyond coeff_table")
    return SparseRows(counts, wires, coeffs)


def compact_matrices_from_json(obj: Any, path: str, n_wires: int, n_public: int) -> CompactR1CS:
    """The R1CS of a parsed "matrices" object, for a key of n_wires wires and n_public signals,
    kept as its arrays (zkvmc.r1cs.compact: what the prover reads)."""
    if not isinstance(obj, dict):
        raise ArtifactError(path, "matrices", "expected an object")
    n_out, n_in, m = (_count(path, obj, k) for k in ("n_outputs", "n_pub_inputs", "n_constraints"))
    if n_out + n_in != n_public:
        raise ArtifactError(path, "matrices.n_outputs", f"n_outputs + n_pub_inputs is not n_public = {n_public}")
    table = _table(path, obj.get("coeff_table"))
    a, b, c = (_sparse(path, p, obj.get(p), m, n_wires, table) for p in _PARTS)
    return CompactR1CS(n_wires, n_out, n_in, m, a, b, c, tuple(table))


def matrices_from_json(obj: Any, path: str, n_wires: int, n_public: int) -> R1CS:
    """The R1CS of a parsed "matrices" object as Constraint tuples (compact_matrices_from_json's)."""
    return compact_matrices_from_json(obj, path, n_wires, n_public).to_r1cs()
