"""One audit finding (Issue), its severities, and how it is placed in the program."""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.compiler.circuit import Circuit

SEVERITIES = ("error", "warning", "unknown", "note")
"""error/warning: a finding (`zkvmc check` exits 1); unknown: the check could not decide
(exit 1 unless --allow-unknown, never "clean"); note: informational."""


@dataclass(frozen=True)
class Issue:
    """One audit finding, placed in the program."""

    kind: str
    """Machine-readable class (static kinds, "unsatisfied", "under-constrained", "free-hint",
    "undetermined", ...)."""
    severity: str
    """One of SEVERITIES."""
    message: str
    """A sentence for a person."""
    wire: int | None
    """The wire concerned, if any."""
    constraint: int | None
    """The constraint concerned, if any."""
    line: int
    """Source line (0 when none is known)."""
    name: str = ""
    """The wire's signal name (from a circom .sym file), if known."""
    constraints: tuple[int, ...] = ()
    """The constraints that leave the wire free or undecided (those it appears in)."""


def first_constraint_of(circuit: Circuit, wire: int) -> int | None:
    """The first constraint that mentions a wire (to place a wire in the source)."""
    for k, con in enumerate(circuit.r1cs.constraints):
        if any(w == wire for lc in (con.a, con.b, con.c) for w, _ in lc):
            return k
    return None


def line_of(circuit: Circuit, constraint: int | None, wire: int | None) -> int:
    """The source line of a constraint, or of the first constraint using a wire (0 if none)."""
    k = constraint if constraint is not None else (first_constraint_of(circuit, wire) if wire else None)
    return circuit.lines[k] if k is not None and k < len(circuit.lines) else 0
