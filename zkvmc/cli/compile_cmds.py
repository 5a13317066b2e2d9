"""CLI: `compile`, `info`, `witness` — program -> circuit file -> witness file."""

from __future__ import annotations

import json
import time
from collections import Counter

import click
from rich.console import Console
from rich.table import Table

from zkvmc.artifacts.circuit_file import circuit_digest, read_circuit, read_circuit_and_digest, write_circuit
from zkvmc.artifacts.inputs import read_inputs
from zkvmc.artifacts.witness_file import Witness, write_witness
from zkvmc.asm import parse_defines
from zkvmc.cli.console import err, out
from zkvmc.cli.loading import define_option, load_program
from zkvmc.compiler.circuit import Circuit
from zkvmc.errors import InputError, InternalError
from zkvmc.gcpause import gc_paused


@click.command("compile")
@click.argument("program", type=click.Path(dir_okay=False))
@click.option("-o", "--output", default="circuit.r1cs.json", show_default=True, help="Circuit file to write.")
@click.option("--O0", "level", flag_value=0, help="No optimisation.")
@click.option("--O1", "level", flag_value=1, help="Simple substitutions and duplicate removal.")
@click.option("--O2", "level", flag_value=2, default=True, help="Substitute every linear constraint (default).")
@click.option("--no-check", is_flag=True, help="Skip the static circuit checks.")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON on stdout.")
@define_option
def compile_cmd(program: str, output: str, level: int, no_check: bool, as_json: bool,
                defines: tuple[str, ...]) -> None:
    """Lower a zkVM program (source or image) to an R1CS circuit file."""
    from zkvmc.compiler import compile_program

    with gc_paused():  # one-shot process: millions of acyclic tuples, no cycle collection needed
        t0 = time.perf_counter()
        circuit = compile_program(load_program(program, parse_defines(defines)), level=level)
        secs = time.perf_counter() - t0
        if not no_check:
            _static_check(circuit, output)
        write_circuit(output, circuit)
    stats = dict(circuit.stats)
    summary = _summary(circuit) | {"level": level, "seconds": round(secs, 3), "file": output} | stats
    if as_json:
        out(json.dumps(summary))
    before = stats.get("constraints_before", len(circuit.r1cs.constraints))
    err(f"compiled {program} -> {output} (--O{level}, {secs:.2f} s): "
        f"{before} -> {len(circuit.r1cs.constraints)} constraints, {circuit.r1cs.n_wires} wires, "
        f"{circuit.r1cs.n_public} public signals")


def _static_check(circuit: Circuit, output: str) -> None:
    """Refuse to emit a malformed circuit; warn about suspicious parts (compile --no-check skips)."""
    from zkvmc.audit import static_issues

    issues = static_issues(circuit)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        msg = "\n".join(f"  {i.kind}: {i.message}" for i in errors[:20])
        raise InternalError(f"internal error: the compiler emitted a circuit that fails static checks "
                            f"(not written to {output}):\n{msg}")
    for i in issues[:20]:
        where = f"{circuit.source}:{i.line}" if i.line else circuit.source
        err(f"{where}: warning: {i.kind}: {i.message}")


def _summary(c: Circuit) -> dict:
    r = c.r1cs
    return {"constraints": len(r.constraints), "wires": r.n_wires, "public_outputs": r.n_outputs,
            "public_inputs": r.n_pub_inputs, "private_inputs": c.n_private_inputs,
            "private_wires": r.n_wires - 1 - r.n_public, "digest": circuit_digest(c), "source": c.source}


def profile_rows(c: Circuit) -> list[tuple[int, int, str]]:
    """(line, constraints, instruction) sorted by cost, most expensive first, then by line."""
    counts = Counter(c.lines)
    return sorted(((ln, n, c.text_of_line(ln)) for ln, n in counts.items()), key=lambda t: (-t[1], t[0]))


@click.command("info")
@click.argument("circuit", default="circuit.r1cs.json", type=click.Path(dir_okay=False))
@click.option("--profile", is_flag=True, help="Constraints per source line, most expensive first.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def info_cmd(circuit: str, profile: bool, as_json: bool) -> None:
    """Show a circuit file's size, interface and digest."""
    c = read_circuit(circuit)
    summary = _summary(c) | {k: v for k, v in c.stats}
    rows = profile_rows(c) if profile else []
    if as_json:
        if profile:
            summary["profile"] = [{"line": ln, "constraints": n, "instruction": t} for ln, n, t in rows]
        out(json.dumps(summary))
        return
    console = Console(highlight=False)
    table = Table(title=f"{circuit}", show_header=False)
    for k, v in summary.items():
        table.add_row(k, str(v))
    console.print(table)
    if profile:
        _print_profile(console, c, rows)


def _print_profile(console: Console, c: Circuit, rows: list[tuple[int, int, str]]) -> None:
    total = max(len(c.r1cs.constraints), 1)
    table = Table(title="constraints per source line")
    for col in ("line", "constraints", "%", "instruction"):
        table.add_column(col, justify="right" if col != "instruction" else "left")
    for ln, n, text in rows:
        where = f"{c.source}:{ln}" if ln else "(no line)"
        table.add_row(where, str(n), f"{100 * n / total:.1f}", text)
    console.print(table)


@click.command("witness")
@click.option("-c", "--circuit", default="circuit.r1cs.json", show_default=True, help="Circuit file.")
@click.option("-i", "--input", "input_path", default="input.json", show_default=True, help="Inputs file.")
@click.option("-o", "--output", default="witness.json", show_default=True, help="Witness file to write.")
@click.option("--json", "as_json", is_flag=True, help="Print the public signals as JSON on stdout.")
def witness_cmd(circuit: str, input_path: str, output: str, as_json: bool) -> None:
    """Compute the witness of a circuit from an inputs file (exit 1 if unsatisfiable)."""
    from zkvmc.witness import solve

    c, digest = read_circuit_and_digest(circuit)  # reading verified the digest: no second hash
    if not c.steps and c.r1cs.n_wires > 1:
        raise InputError(f"{circuit}: this circuit has no witness program (imported from a .r1cs without "
                         f"zkvmc's metadata); import its witness instead: zkvmc import wtns FILE.wtns -c {circuit}")
    w = solve(c, read_inputs(input_path))
    write_witness(output, Witness(w, digest))
    outputs = w[1 : 1 + c.r1cs.n_outputs]
    if as_json:
        out(json.dumps({"outputs": [str(v) for v in outputs], "public": [str(v) for v in w[1 : 1 + c.r1cs.n_public]]}))
    else:
        for v in outputs:
            out(str(v))
    err(f"witness -> {output}: {len(w)} wires, all {len(c.r1cs.constraints)} constraints satisfied")


def register(group: click.Group) -> None:
    """Add compile, info and witness to the zkvmc group."""
    for cmd in (compile_cmd, info_cmd, witness_cmd):
        group.add_command(cmd)
