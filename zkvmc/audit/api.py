"""The circuit validator's Python API (the design's `validate_constraints()` / `check_witness()`).

    from zkvmc.audit import validate_constraints, check_witness
    from zkvmc.errors import UnderConstrained

    if check_witness(circuit, witness):
        notes = validate_constraints(circuit, witness)   # raises on a bad circuit

validate_constraints raises a typed CircuitRejected (exit code 1 when it reaches the CLI):
MalformedCircuit for an unusable constraint system, UnderConstrained for a wire another
assignment can change (or an output no constraint uses), Undetermined when the analysis
could not decide (unless allow_unknown). What it proves and what it cannot: docs/validator.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkvmc.audit.issue import Issue
from zkvmc.audit.report import determinism_issues
from zkvmc.audit.symbols import Symbols
from zkvmc.compiler.circuit import Circuit
from zkvmc.errors import MalformedCircuit, UnderConstrained, Undetermined, WitnessRejected
from zkvmc.r1cs.system import R1CS, first_unsatisfied


def as_circuit(c: Circuit | R1CS) -> Circuit:
    """A Circuit for a bare R1CS: no witness program, the iden3 layout, no private inputs."""
    if isinstance(c, Circuit):
        return c
    return Circuit(r1cs=c, n_signals=c.n_wires, steps=(), wire_map=tuple(range(c.n_wires)),
                   lines=(0,) * len(c.constraints), line_text=(), n_private_inputs=0,
                   source="<r1cs>", source_digest="")


def check_witness(circuit: Circuit | R1CS, witness: Sequence[int]) -> bool:
    """Whether the witness has one value per wire, wire 0 = 1, and satisfies every constraint."""
    r = as_circuit(circuit).r1cs
    w = list(witness)
    return len(w) == r.n_wires and w[0] == 1 and first_unsatisfied(r, w) is None


def _summary(issues: list[Issue]) -> str:
    first = issues[0]
    more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
    return f"{first.kind}: {first.message}{more}"


def validate_constraints(circuit: Circuit | R1CS, witness: Sequence[int] | None = None, *,
                         symbols: Symbols | None = None, allow_unknown: bool = False,
                         trials: int = 4, seed: int = 0) -> list[Issue]:
    """Raise CircuitRejected if the circuit is malformed or under-constrained; else return the
    remaining findings (warnings such as duplicate constraints, and notes).

    Without a witness only the static checks run (malformed terms, unused wires: an output no
    constraint uses is under-constrained). With a satisfying witness the determinism analysis
    runs too, relative to that witness's inputs (WitnessRejected if it does not satisfy).
    """
    from zkvmc.audit import static_issues

    c = as_circuit(circuit)
    issues = static_issues(c)
    malformed = [i for i in issues if i.severity == "error"]
    if malformed:
        raise MalformedCircuit(_summary(malformed), issues)
    if witness is not None:
        if not check_witness(c, witness):
            raise WitnessRejected("the witness does not satisfy the circuit (or has the wrong length)")
        issues += determinism_issues(c, witness, symbols, trials=trials, seed=seed)
    loose = [i for i in issues if i.kind == "under-constrained" or
             (i.kind == "unused-public" and i.wire is not None and i.wire <= c.r1cs.n_outputs)]
    if loose:
        raise UnderConstrained(_summary(loose), issues)
    unknown = [i for i in issues if i.severity == "unknown"]
    if unknown and not allow_unknown:
        raise Undetermined(_summary(unknown), issues)
    return issues
