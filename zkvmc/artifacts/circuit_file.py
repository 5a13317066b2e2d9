"""The circuit file `circuit.r1cs.json` (format "zkvmc-circuit", version 1): docs/formats.md.

Writes are deterministic (the same Circuit gives the same bytes) and atomic; reads check the
header first (format, version, curve, prime, digest), then every field, naming the one at fault.
"""

from __future__ import annotations

from typing import Any

from zkvmc.artifacts import circuit_bulk
from zkvmc.artifacts.io import check_header, digest, field, json_lines, read_json, write_atomic
from zkvmc.compiler.circuit import Circuit, Step
from zkvmc.errors import ArtifactError
from zkvmc.field import R, is_decimal
from zkvmc.r1cs.system import LC, Constraint, R1CS

FORMAT = "zkvmc-circuit"
VERSION = 1
CURVE = "bn128"


def lc_to_json(lc: LC) -> dict[str, str]:
    """{wire: coefficient} with decimal-string coefficients, wires ascending."""
    return {str(w): str(c) for w, c in lc}


def step_to_json(s: Step) -> dict[str, Any]:
    """One witness-program step."""
    return {"op": s.op, "outs": list(s.outs), "args": [lc_to_json(a) for a in s.args], "params": list(s.params)}


def circuit_body(c: Circuit) -> dict[str, Any]:
    """Everything the digest covers, in file order."""
    r = c.r1cs
    return {
        "source": c.source,
        "source_digest": c.source_digest,
        "n_wires": r.n_wires,
        "n_outputs": r.n_outputs,
        "n_pub_inputs": r.n_pub_inputs,
        "n_private_inputs": c.n_private_inputs,
        "n_constraints": len(r.constraints),
        "n_signals": c.n_signals,
        "stats": {k: v for k, v in c.stats},
        "line_text": {str(ln): t for ln, t in c.line_text},
        "wire_map": list(c.wire_map),
        "constraints": [[lc_to_json(k.a), lc_to_json(k.b), lc_to_json(k.c)] for k in r.constraints],
        "lines": list(c.lines),
        "witness_program": [step_to_json(s) for s in c.steps],
    }


def circuit_digest(c: Circuit) -> str:
    """sha256 of the canonical JSON of the circuit's content (what setup and proofs are tied to)."""
    return digest(circuit_body(c))


def circuit_to_bytes(c: Circuit) -> bytes:
    """The file's bytes: header first, then one top-level key per line, one constraint/step per line."""
    body = circuit_body(c)
    head = {"format": FORMAT, "version": VERSION, "curve": CURVE, "prime": str(R), "digest": digest(body)}
    return json_lines(head | body)


def write_circuit(path: str, c: Circuit) -> None:
    """Write a circuit file atomically."""
    write_atomic(path, circuit_to_bytes(c))


# ---- reading -------------------------------------------------------------------------------


def _int(path: str, where: str, v: Any, lo: int = 0, hi: int | None = None) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or v < lo or (hi is not None and v >= hi):
        rng = f"[{lo}, {hi})" if hi is not None else f">= {lo}"
        raise ArtifactError(path, where, f"expected an integer in {rng}, found {v!r}")
    return v


def _coeff(path: str, where: str, v: Any) -> int:
    if not is_decimal(v):
        raise ArtifactError(path, where, "expected a decimal string (ASCII digits 0-9)")
    c = int(v)
    if not 0 < c < R:
        raise ArtifactError(path, where, "coefficient must be in [1, r)")
    return c


def lc_from_json(path: str, where: str, obj: Any, n: int) -> LC:
    """A sparse LC {wire: coeff}; wires must be < n."""
    if not isinstance(obj, dict):
        raise ArtifactError(path, where, "expected an object {wire: coefficient}")
    terms = []
    for k, v in obj.items():
        if not is_decimal(k, 20) or int(k) >= n:
            raise ArtifactError(path, f"{where}.{k}", f"wire index out of range (n = {n})")
        terms.append((int(k), _coeff(path, f"{where}.{k}", v)))
    return tuple(sorted(terms))


def _constraints(path: str, obj: dict, n_wires: int) -> tuple[Constraint, ...]:
    fast = circuit_bulk.constraints(obj.get("constraints"), n_wires)
    return fast if fast is not None else _constraints_naive(path, obj, n_wires)


def _constraints_naive(path: str, obj: dict, n_wires: int) -> tuple[Constraint, ...]:
    """One constraint at a time, naming the first bad field (circuit_bulk's twin)."""
    out = []
    for i, row in enumerate(field(path, obj, "constraints", list)):
        where = f"constraints[{i}]"
        if not isinstance(row, list) or len(row) != 3:
            raise ArtifactError(path, where, "expected [A, B, C]")
        a, b, c = (lc_from_json(path, f"{where}[{j}]", row[j], n_wires) for j in range(3))
        out.append(Constraint(a, b, c))
    return tuple(out)


def _steps(path: str, obj: dict, n_signals: int) -> tuple[Step, ...]:
    from zkvmc.witness.steps import STEP_KINDS, check_step

    fast = circuit_bulk.steps(obj.get("witness_program"), n_signals, STEP_KINDS, check_step)
    return fast if fast is not None else _steps_naive(path, obj, n_signals)


def _steps_naive(path: str, obj: dict, n_signals: int) -> tuple[Step, ...]:
    """One step at a time, naming the first bad field (circuit_bulk's twin)."""
    from zkvmc.witness.steps import STEP_KINDS, check_step

    out = []
    for i, s in enumerate(field(path, obj, "witness_program", list)):
        where = f"witness_program[{i}]"
        op = s.get("op") if isinstance(s, dict) else None
        if not isinstance(op, str) or op not in STEP_KINDS:
            raise ArtifactError(path, f"{where}.op", f"unknown step kind {op!r}")
        outs = tuple(_int(path, f"{where}.outs", w, 1, n_signals) for w in field(path, s, "outs", list))
        args = tuple(lc_from_json(path, f"{where}.args", a, n_signals) for a in field(path, s, "args", list))
        params = tuple(_int(path, f"{where}.params", p, -(1 << 64)) for p in field(path, s, "params", list))
        step = Step(op, outs, args, params)
        problem = check_step(step)
        if problem:
            raise ArtifactError(path, where, problem)
        out.append(step)
    return tuple(out)


HEADER_KEYS = ("format", "version", "curve", "prime", "digest")
BODY_KEYS = ("source", "source_digest", "n_wires", "n_outputs", "n_pub_inputs", "n_private_inputs",
             "n_constraints", "n_signals", "stats", "line_text", "wire_map", "constraints", "lines",
             "witness_program")
"""Every top-level key of a circuit file (circuit_body's keys); any other is refused."""
MAX_SIGNALS = 1 << 32
"""Most signals a circuit may declare (the .r1cs format's nLabels bound); the witness solver
allocates only the signals the file's steps and wire map actually use."""


def _line_text(path: str, obj: dict) -> tuple[tuple[int, str], ...]:
    out = []
    for k, v in field(path, obj, "line_text", dict).items():
        if not is_decimal(k, 20):
            raise ArtifactError(path, f"line_text.{k}"[:80], "expected a line number as key")
        if not isinstance(v, str):
            raise ArtifactError(path, f"line_text.{k}", "expected the line's text (a string)")
        out.append((int(k), v))
    return tuple(sorted(out))


def circuit_from_json(obj: Any, path: str) -> Circuit:
    """Validate and build a Circuit from a parsed circuit file."""
    check_header(path, obj, FORMAT, VERSION)
    unknown = sorted(set(obj) - set(HEADER_KEYS) - set(BODY_KEYS))
    if unknown:
        raise ArtifactError(path, str(unknown[0])[:80], "unknown key (not part of a zkvmc-circuit file)")
    if obj.get("curve") != CURVE:
        raise ArtifactError(path, "curve", f"expected {CURVE!r}, found {obj.get('curve')!r}")
    if obj.get("prime") != str(R):
        raise ArtifactError(path, "prime", "not the BN254 scalar field modulus")
    body = {k: v for k, v in obj.items() if k not in ("format", "version", "curve", "prime", "digest")}
    if digest(body) != obj.get("digest"):
        raise ArtifactError(path, "digest", "does not match the file's content (edited or corrupted)")
    n_wires = _int(path, "n_wires", obj.get("n_wires"), 1)
    n_out = _int(path, "n_outputs", obj.get("n_outputs"), 0, n_wires)
    n_pub = _int(path, "n_pub_inputs", obj.get("n_pub_inputs"), 0, n_wires - n_out)
    n_signals = _int(path, "n_signals", obj.get("n_signals"), n_wires, MAX_SIGNALS + 1)
    wire_map = tuple(_int(path, "wire_map", w, 0, n_signals) for w in field(path, obj, "wire_map", list))
    if len(wire_map) != n_wires or wire_map[:1] != (0,):
        raise ArtifactError(path, "wire_map", "must have n_wires entries and start with 0")
    constraints = _constraints(path, obj, n_wires)
    if obj.get("n_constraints") != len(constraints):
        raise ArtifactError(path, "n_constraints", "does not match the number of constraints")
    lines = tuple(_int(path, "lines", ln, 0) for ln in field(path, obj, "lines", list))
    if len(lines) != len(constraints):
        raise ArtifactError(path, "lines", "must have one entry per constraint")
    line_text = _line_text(path, obj)
    stats = field(path, obj, "stats", dict)
    return Circuit(
        r1cs=R1CS(n_wires, n_out, n_pub, constraints),
        n_signals=n_signals,
        steps=_steps(path, obj, n_signals),
        wire_map=wire_map,
        lines=lines,
        line_text=line_text,
        n_private_inputs=_int(path, "n_private_inputs", obj.get("n_private_inputs"), 0),
        source=str(field(path, obj, "source", str)),
        source_digest=str(field(path, obj, "source_digest", str)),
        stats=tuple((str(k), int(v)) for k, v in stats.items() if isinstance(v, int)),
    )


def read_circuit(path: str) -> Circuit:
    """Read and validate a circuit file."""
    return circuit_from_json(read_json(path), path)


def read_circuit_and_digest(path: str) -> tuple[Circuit, str]:
    """A circuit file and its digest, which reading has just verified (so callers that need
    the digest, setup and prove, do not hash the whole circuit a second time)."""
    obj = read_json(path)
    return circuit_from_json(obj, path), obj["digest"]
