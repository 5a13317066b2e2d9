"""Circuit audit (`zkvmc check`): a Circuit (and optionally a witness) -> findings with source lines.

Three layers, each naming the wire, the constraint and the program line at fault:
- static: zkvmc.r1cs.check.validate_constraints (malformed terms, unused wires, trivial and
  duplicate constraints);
- witness: the first unsatisfied constraint, with the values of its three linear combinations;
- determinism: for a satisfying witness, every wire the witness program computes must be pinned
  by the constraints given the inputs (zkvmc.r1cs.check.second_assignment finds a second
  satisfying assignment by randomised perturbation and linear repair). A free public output is
  the under-constrained-circuit bug; a free private wire that changes other wires is one too; a
  free wire that no other wire depends on (the IsZero gadget's inverse hint when its argument
  is 0) is reported as a note.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.compiler.circuit import Circuit
from zkvmc.r1cs.check import Finding, free_wires, validate_constraints
from zkvmc.r1cs.system import eval_lc, first_unsatisfied


@dataclass(frozen=True)
class Issue:
    """One audit finding, placed in the program."""

    kind: str
    """Machine-readable class (static kinds, "unsatisfied", "under-constrained", "free-hint", ...)."""
    severity: str
    """"error", "warning" (both make `zkvmc check` exit 1) or "note" (informational)."""
    message: str
    """A sentence for a person."""
    wire: int | None
    """The wire concerned, if any."""
    constraint: int | None
    """The constraint concerned, if any."""
    line: int
    """Source line (0 when none is known)."""


def first_constraint_of(circuit: Circuit, wire: int) -> int | None:
    """The first constraint that mentions a wire (to place a wire in the source)."""
    for k, con in enumerate(circuit.r1cs.constraints):
        if any(w == wire for lc in (con.a, con.b, con.c) for w, _ in lc):
            return k
    return None


def _line(circuit: Circuit, constraint: int | None, wire: int | None) -> int:
    k = constraint if constraint is not None else (first_constraint_of(circuit, wire) if wire else None)
    return circuit.lines[k] if k is not None and k < len(circuit.lines) else 0


def from_finding(circuit: Circuit, f: Finding) -> Issue:
    """A static finding placed at its source line."""
    return Issue(f.kind, f.severity, f.message, f.wire, f.constraint, _line(circuit, f.constraint, f.wire))


def static_issues(circuit: Circuit) -> list[Issue]:
    """validate_constraints' findings with source lines."""
    return [from_finding(circuit, f) for f in validate_constraints(circuit.r1cs)]


def witness_issues(circuit: Circuit, w: tuple[int, ...]) -> list[Issue]:
    """Wrong length, or the first unsatisfied constraint with its A, B, C values."""
    r = circuit.r1cs
    if len(w) != r.n_wires or w[0] != 1:
        return [Issue("witness-shape", "error", f"the witness has {len(w)} values for {r.n_wires} wires "
                      "(or wire 0 is not 1)", None, None, 0)]
    k = first_unsatisfied(r, list(w))
    if k is None:
        return []
    con = r.constraints[k]
    a, b, c = (eval_lc(x, list(w)) for x in (con.a, con.b, con.c))
    return [Issue("unsatisfied", "error", f"constraint {k} unsatisfied: A = {a}, B = {b}, C = {c} (A·B ≠ C)",
                  None, k, _line(circuit, k, None))]


def private_input_wires(circuit: Circuit) -> tuple[int, ...]:
    """Wires holding private-tape values: free by design, held fixed by the determinism check."""
    signals = {o for s in circuit.steps if s.op == "input" and s.params[0] == 1 for o in s.outs}
    return tuple(i for i, sig in enumerate(circuit.wire_map) if sig in signals)


def computed_wires(circuit: Circuit) -> list[int]:
    """Private wires and outputs in witness-program order (the wires whose values are derived)."""
    where = {sig: i for i, sig in enumerate(circuit.wire_map)}
    r = circuit.r1cs
    order = [where[o] for s in circuit.steps if s.op != "input" for o in s.outs if o in where]
    derived = [i for i in order if i <= r.n_outputs or i > r.n_public]
    seen: set[int] = set()
    return [i for i in derived if not (i in seen or seen.add(i))]


def determinism_issues(circuit: Circuit, w: tuple[int, ...], *, trials: int = 4, seed: int = 0) -> list[Issue]:
    """Wires not pinned by the constraints, given the inputs (w must satisfy the system)."""
    hold = private_input_wires(circuit)
    found = free_wires(circuit.r1cs, w, computed_wires(circuit), hold=hold, trials=trials, seed=seed)
    return [_unpinned_issue(circuit, v, sorted(moved)) for v, moved in found]


def _unpinned_issue(circuit: Circuit, v: int, moved: list[int]) -> Issue:
    r = circuit.r1cs
    if v <= r.n_outputs:
        return Issue("under-constrained", "error", f"output {v - 1} (wire {v}) is not pinned by the constraints: "
                     "another value satisfies them with the same inputs", v, None, _line(circuit, None, v))
    if len(moved) > 1:
        others = ", ".join(str(i) for i in moved if i != v)
        return Issue("under-constrained", "error", f"wire {v} is not pinned by the constraints, and changing it "
                     f"changes wire(s) {others}", v, None, _line(circuit, None, v))
    return Issue("free-hint", "note", f"wire {v} can take another value, but no other wire depends on it in "
                 "this witness (e.g. an IsZero inverse hint of 0)", v, None, _line(circuit, None, v))


def audit(circuit: Circuit, w: tuple[int, ...] | None = None) -> list[Issue]:
    """Static issues; with a witness, also its satisfaction and, if it satisfies, determinism."""
    issues = static_issues(circuit)
    if w is None or any(i.severity == "error" for i in issues):
        return issues
    wit = witness_issues(circuit, w)
    return issues + (wit or determinism_issues(circuit, w))
