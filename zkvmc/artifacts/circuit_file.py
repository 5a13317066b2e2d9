"""The circuit file `circuit.r1cs.json` (format "zkvmc-circuit", version 1): docs/formats.md.

Writes are deterministic (the same Circuit gives the same bytes) and atomic; reads check the
header first (format, version, curve, prime, digest), then every field, naming the one at fault.
"""

from __future__ import annotations

import weakref
from typing import Any

from zkvmc.artifacts.io import check_header, digest, field, json_lines, read_json, write_atomic
from zkvmc.compiler.circuit import Circuit, Step
from zkvmc.errors import ArtifactError
from zkvmc.field import MAX_DECIMAL_LEN, R, is_decimal
from zkvmc.gcpause import gc_paused
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


_LAST_DIGEST: dict[int, tuple[weakref.ref[Circuit], str]] = {}
"""id -> (the circuit, its digest) of the last circuit hashed: a Circuit is immutable all the
way down (frozen dataclasses of tuples, ints and strings), so `compile` writing the file and
then printing its digest hashes it once; the weak reference keeps a reused id from matching."""


def circuit_digest(c: Circuit) -> str:
    """sha256 of the canonical JSON of the circuit's content (what setup and proofs are tied to)."""
    hit = _LAST_DIGEST.get(id(c))
    if hit is not None and hit[0]() is c:
        return hit[1]
    with gc_paused():
        return _remember(c, digest(circuit_body(c)))


def _remember(c: Circuit, d: str) -> str:
    _LAST_DIGEST.clear()
    _LAST_DIGEST[id(c)] = (weakref.ref(c), d)
    return d


def circuit_to_bytes(c: Circuit) -> bytes:
    """The file's bytes: header first, then one top-level key per line, one constraint/step per line."""
    with gc_paused():  # the body is a few million acyclic containers (see read_circuit)
        body = circuit_body(c)
        d = _remember(c, digest(body))
        head = {"format": FORMAT, "version": VERSION, "curve": CURVE, "prime": str(R), "digest": d}
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


def _lc_quick(obj: Any, n: int) -> LC | None:
    """lc_from_json's LC if obj is a valid one, else None (then lc_from_json names the fault):
    the same checks inline, without a location string per term (reading's hot loop)."""
    if type(obj) is not dict:
        return None
    terms = []
    for k, v in obj.items():
        if not (type(k) is str and 0 < len(k) <= 20 and k.isascii() and k.isdigit() and type(v) is str
                and 0 < len(v) <= MAX_DECIMAL_LEN and v.isascii() and v.isdigit()):
            return None
        w, c = int(k), int(v)
        if w >= n or not 0 < c < R:
            return None
        terms.append((w, c))
    terms.sort()
    return tuple(terms)


def _constraints(path: str, obj: dict, n_wires: int) -> tuple[Constraint, ...]:
    out = []
    for i, row in enumerate(field(path, obj, "constraints", list)):
        lcs = [_lc_quick(x, n_wires) for x in row] if type(row) is list and len(row) == 3 else [None]
        if None in lcs:  # something is wrong: the checked reader names it
            where = f"constraints[{i}]"
            if not isinstance(row, list) or len(row) != 3:
                raise ArtifactError(path, where, "expected [A, B, C]")
            lcs = [lc_from_json(path, f"{where}[{j}]", row[j], n_wires) for j in range(3)]
        out.append(Constraint(*lcs))
    return tuple(out)


def _steps(path: str, obj: dict, n_signals: int) -> tuple[Step, ...]:
    from zkvmc.witness.steps import STEP_KINDS, check_step

    out = []
    for i, s in enumerate(field(path, obj, "witness_program", list)):
        step = _step_quick(s, n_signals, STEP_KINDS)
        out.append(step if step is not None and not check_step(step) else _step(path, i, s, n_signals))
    return tuple(out)


def _step_quick(s: Any, n_signals: int, kinds: dict[str, Any]) -> Step | None:
    """_step's Step if s is well-typed and in range, else None (then _step names the fault)."""
    if type(s) is not dict:
        return None
    op, outs, args, params = s.get("op"), s.get("outs"), s.get("args"), s.get("params")
    if not (type(op) is str and op in kinds and type(outs) is list and type(args) is list and type(params) is list):
        return None
    for w in outs:
        if type(w) is not int or not 0 < w < n_signals:
            return None
    for p in params:
        if type(p) is not int or p < -(1 << 64):
            return None
    lcs = [_lc_quick(a, n_signals) for a in args]
    return None if None in lcs else Step(op, tuple(outs), tuple(lcs), tuple(params))


def _step(path: str, i: int, s: Any, n_signals: int) -> Step:
    """Step i, every field checked in turn, naming the first bad one (_step_quick's twin)."""
    from zkvmc.witness.steps import STEP_KINDS, check_step

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
    return step


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
    return read_circuit_and_digest(path)[0]


def read_circuit_and_digest(path: str) -> tuple[Circuit, str]:
    """A circuit file and its digest, which reading has just verified (so callers that need
    the digest, setup and prove, do not hash the whole circuit a second time)."""
    with gc_paused():
        obj = read_json(path)
        return circuit_from_json(obj, path), obj["digest"]
