"""Circuit audit (`zkvmc check`): a Circuit (and optionally a witness) -> findings with source lines.

Three layers, each naming the wire, the constraint and the program line at fault:
- static: zkvmc.r1cs.check.validate_constraints (malformed terms, unused wires, trivial and
  duplicate constraints);
- witness: the first unsatisfied constraint, with the values of its three linear combinations;
- determinism (zkvmc.audit.report, zkvmc.audit.determinism): for a satisfying witness, every
  wire but the inputs (zkvmc.audit.inputs) must be determined by the inputs' values. Each wire
  is proved unique (propagation, elimination, probes), shown free by a concrete second
  assignment (`under-constrained` error, or a `free-hint` note when nothing else moves), or
  left `undetermined` (severity "unknown": the check is then not clean).

The Python API of the design (validate_constraints raising typed errors, check_witness) is in
zkvmc.audit.api and exported here. Scope and limits: docs/validator.md.
"""

from __future__ import annotations

from zkvmc.audit.api import check_witness, validate_constraints
from zkvmc.errors import CircuitRejected, MalformedCircuit, UnderConstrained, Undetermined, WitnessRejected
from zkvmc.audit.issue import SEVERITIES, Issue, first_constraint_of, line_of
from zkvmc.audit.report import determinism_issues
from zkvmc.audit.symbols import Symbols, read_sym
from zkvmc.compiler.circuit import Circuit
from zkvmc.r1cs.check import Finding
from zkvmc.r1cs.check import validate_constraints as static_findings
from zkvmc.r1cs.system import eval_lc, first_unsatisfied
from zkvmc.gcpause import gc_paused

__all__ = ["CircuitRejected", "Issue", "MalformedCircuit", "SEVERITIES", "Symbols",
           "UnderConstrained", "Undetermined", "WitnessRejected", "audit", "check_witness",
           "determinism_issues", "first_constraint_of", "read_sym", "static_issues",
           "validate_constraints", "witness_issues"]


def from_finding(circuit: Circuit, f: Finding) -> Issue:
    """A static finding placed at its source line."""
    return Issue(f.kind, f.severity, f.message, f.wire, f.constraint, line_of(circuit, f.constraint, f.wire))


def static_issues(circuit: Circuit) -> list[Issue]:
    """The static checks' findings with source lines."""
    return [from_finding(circuit, f) for f in static_findings(circuit.r1cs)]


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
                  None, k, line_of(circuit, k, None))]


def audit(circuit: Circuit, w: tuple[int, ...] | None = None, symbols: Symbols | None = None, *,
          trials: int = 4, seed: int = 0) -> list[Issue]:
    """Static issues; with a witness, also its satisfaction and, if it satisfies, determinism.

    The cyclic garbage collector is paused meanwhile (see zkvmc.audit.determinism.analyse).
    """
    with gc_paused():
        issues = static_issues(circuit)
        if w is None or any(i.severity == "error" for i in issues):
            return issues
        wit = witness_issues(circuit, w)
        return issues + (wit or determinism_issues(circuit, w, symbols, trials=trials, seed=seed))
