"""CLI: `zkvmc check` — static, witness and determinism checks of a circuit (zkvmc.audit).

Verdicts: clean (exit 0, notes allowed); findings (errors or warnings: exit 1); inconclusive
(some wire undetermined, no finding: exit 1, or 0 with --allow-unknown; never "clean");
exit 2 for an unusable file. docs/validator.md says what the check proves.
"""

from __future__ import annotations

import json

import click

from zkvmc.artifacts.circuit_file import circuit_digest, read_circuit
from zkvmc.artifacts.inputs import read_inputs
from zkvmc.artifacts.witness_file import read_witness
from zkvmc.audit import Issue, Symbols, audit, read_sym
from zkvmc.audit.symbols import render_constraint
from zkvmc.cli.console import err, out
from zkvmc.compiler.circuit import Circuit
from zkvmc.errors import ArtifactError, EXIT_NEGATIVE

MAX_SHOWN = 3
"""Constraints printed under a finding in text mode."""


def _witness(c: Circuit, circuit: str, witness: str | None, inputs: str | None) -> tuple[int, ...] | None:
    if witness:
        w = read_witness(witness)
        if w.circuit_digest != circuit_digest(c):
            raise ArtifactError(witness, "circuit_digest", f"belongs to another circuit than {circuit}")
        return w.values
    if inputs:
        from zkvmc.witness import check_counts
        from zkvmc.witness.steps import run_steps, signals_used

        tapes = read_inputs(inputs)
        check_counts(c, tapes)
        signals = run_steps(c.steps, signals_used(c.steps, c.wire_map, c.n_signals), tapes.public, tapes.private)
        return tuple(signals[i] for i in c.wire_map)
    return None


def _render(c: Circuit, i: Issue, syms: Symbols) -> list[str]:
    where = f"{c.source}:{i.line}" if i.line else c.source
    text = f" ({c.text_of_line(i.line)})" if i.line and c.text_of_line(i.line) else ""
    lines = [f"{where}: {i.severity}: {i.kind}: {i.message}{text}"]
    for k in i.constraints[:MAX_SHOWN]:
        lines.append(f"    constraint {k}: {render_constraint(c.r1cs.constraints[k], syms)}")
    if len(i.constraints) > MAX_SHOWN:
        lines.append(f"    ... and {len(i.constraints) - MAX_SHOWN} more constraint(s) use it")
    return lines


def _json(c: Circuit, issues: list[Issue], verdict: str, syms: Symbols) -> str:
    return json.dumps({"clean": verdict == "clean", "verdict": verdict, "findings": [
        {"kind": i.kind, "severity": i.severity, "message": i.message, "wire": i.wire, "name": i.name,
         "constraint": i.constraint, "constraints": list(i.constraints),
         "constraint_text": [render_constraint(c.r1cs.constraints[k], syms) for k in i.constraints[:MAX_SHOWN]],
         "line": i.line, "instruction": c.text_of_line(i.line)} for i in issues]})


def verdict_of(issues: list[Issue]) -> str:
    """"findings" (an error or warning), "inconclusive" (something undetermined) or "clean"."""
    if any(i.severity in ("error", "warning") for i in issues):
        return "findings"
    return "inconclusive" if any(i.severity == "unknown" for i in issues) else "clean"


@click.command("check")
@click.argument("circuit", default="circuit.r1cs.json", type=click.Path(dir_okay=False))
@click.option("-w", "--witness", default=None, help="Also check this witness and the circuit's determinism.")
@click.option("-i", "--input", "inputs", default=None, help="Compute the witness from these inputs, then check.")
@click.option("--sym", "sym", default=None, type=click.Path(dir_okay=False),
              help="circom's .sym file: name the wires in findings.")
@click.option("--allow-unknown", is_flag=True, help="Exit 0 when the only results are undetermined wires.")
@click.option("--json", "as_json", is_flag=True, help="Findings as JSON on stdout.")
def check_cmd(circuit: str, witness: str | None, inputs: str | None, sym: str | None,
              allow_unknown: bool, as_json: bool) -> int:
    """Check a circuit for malformed, unused, duplicate and under-constrained parts."""
    c = read_circuit(circuit)
    syms = read_sym(sym, c.r1cs.n_wires) if sym else Symbols()
    issues = audit(c, _witness(c, circuit, witness, inputs), syms)
    verdict = verdict_of(issues)
    if as_json:
        out(_json(c, issues, verdict, syms))
    else:
        for i in issues:
            for line in _render(c, i, syms):
                out(line)
    counts = {s: sum(1 for i in issues if i.severity == s) for s in ("error", "warning", "unknown", "note")}
    checked = "static checks" + (", witness and determinism" if witness or inputs else "")
    err(f"{circuit}: {verdict}: {counts['error'] + counts['warning']} finding(s), {counts['unknown']} "
        f"undetermined, {counts['note']} note(s) ({checked})")
    if verdict == "findings" or (verdict == "inconclusive" and not allow_unknown):
        return EXIT_NEGATIVE
    return 0


def register(group: click.Group) -> None:
    """Add `check` to the zkvmc group."""
    group.add_command(check_cmd)
