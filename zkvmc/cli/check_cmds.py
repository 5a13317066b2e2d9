"""CLI: `zkvmc check` — static, witness and determinism checks of a circuit (zkvmc.audit).

Exit 0 clean (notes allowed), 1 findings (errors or warnings), 2 unusable file.
"""

from __future__ import annotations

import json

import click

from zkvmc.artifacts.circuit_file import circuit_digest, read_circuit
from zkvmc.artifacts.inputs import read_inputs
from zkvmc.artifacts.witness_file import read_witness
from zkvmc.audit import Issue, audit
from zkvmc.cli.console import err, out
from zkvmc.compiler.circuit import Circuit
from zkvmc.errors import ArtifactError, EXIT_NEGATIVE


def _witness(c: Circuit, circuit: str, witness: str | None, inputs: str | None) -> tuple[int, ...] | None:
    if witness:
        w = read_witness(witness)
        if w.circuit_digest != circuit_digest(c):
            raise ArtifactError(witness, "circuit_digest", f"belongs to another circuit than {circuit}")
        return w.values
    if inputs:
        from zkvmc.witness import check_counts
        from zkvmc.witness.steps import run_steps

        tapes = read_inputs(inputs)
        check_counts(c, tapes)
        signals = run_steps(c.steps, c.n_signals, tapes.public, tapes.private)
        return tuple(signals[i] for i in c.wire_map)
    return None


def _render(c: Circuit, i: Issue) -> str:
    where = f"{c.source}:{i.line}" if i.line else c.source
    text = f" ({c.text_of_line(i.line)})" if i.line and c.text_of_line(i.line) else ""
    return f"{where}: {i.severity}: {i.kind}: {i.message}{text}"


@click.command("check")
@click.argument("circuit", default="circuit.r1cs.json", type=click.Path(dir_okay=False))
@click.option("-w", "--witness", default=None, help="Also check this witness and the circuit's determinism.")
@click.option("-i", "--input", "inputs", default=None, help="Compute the witness from these inputs, then check.")
@click.option("--json", "as_json", is_flag=True, help="Findings as JSON on stdout.")
def check_cmd(circuit: str, witness: str | None, inputs: str | None, as_json: bool) -> int:
    """Check a circuit for malformed, unused, duplicate and under-constrained parts."""
    c = read_circuit(circuit)
    issues = audit(c, _witness(c, circuit, witness, inputs))
    failing = [i for i in issues if i.severity != "note"]
    if as_json:
        out(json.dumps({"clean": not failing, "findings": [
            {"kind": i.kind, "severity": i.severity, "message": i.message, "wire": i.wire,
             "constraint": i.constraint, "line": i.line, "instruction": c.text_of_line(i.line)} for i in issues]}))
    else:
        for i in issues:
            out(_render(c, i))
    checked = "static checks" + (", witness and determinism" if witness or inputs else "")
    err(f"{circuit}: {len(failing)} finding(s), {len(issues) - len(failing)} note(s) ({checked})")
    return EXIT_NEGATIVE if failing else 0


def register(group: click.Group) -> None:
    """Add `check` to the zkvmc group."""
    group.add_command(check_cmd)
