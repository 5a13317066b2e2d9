"""`zkvmc assemble` and `zkvmc run`: source -> program image, and program + inputs -> VM run.

Thin layer over zkvmc.asm (assemble_source), zkvmc.artifacts.program_image and zkvmc.vm.run;
data (outputs, --json) on stdout, messages (summary, --trace, faults) on stderr
(docs/language.md; exit codes in zkvmc.errors).
"""

from __future__ import annotations

import json
import os
from typing import Any

import click

from zkvmc.artifacts.inputs import read_inputs
from zkvmc.artifacts.program_image import write_program
from zkvmc.asm import assemble_file, parse_defines
from zkvmc.asm.program import Program
from zkvmc.cli.console import err, out
from zkvmc.cli.loading import define_option, load_program
from zkvmc.errors import InputError, NegativeResult
from zkvmc.vm.types import Fault, Run, TraceStep

_TRACE_CHUNK = 2000


def default_output(source: str) -> str:
    """programs/fib.asm -> programs/fib.json."""
    return os.path.splitext(source)[0] + ".json"


def fault_message(p: Program, f: Fault, steps: int) -> str:
    """`fib.asm:9: div by zero`, the instruction's text, and how far the run got."""
    where = f"{p.file_of(f.pc)}:{f.line}" if f.line else p.source
    lines = [f"{where}: {f.reason}"] + ([f"    {f.instr}"] if f.instr else [])
    return "\n".join(lines + [f"run faulted after {steps} step{'s' if steps != 1 else ''}"])


def run_to_json(r: Run, p: Program | None = None) -> dict[str, Any]:
    """The --json document: outputs as decimal strings, steps, and the fault if any (with
    "file" when the faulting instruction comes from an included file)."""
    doc: dict[str, Any] = {"outputs": [str(v) for v in r.outputs], "steps": r.steps}
    if r.fault is not None:
        f = r.fault
        doc["fault"] = {"pc": f.pc, "line": f.line, "instr": f.instr, "reason": f.reason}
        if p is not None and f.line and p.file_of(f.pc) != p.source:
            doc["fault"]["file"] = p.file_of(f.pc)
    return doc


def trace_line(s: TraceStep, source: str) -> str:
    """One step: number, pc, source line, instruction text, registers written."""
    writes = " ".join(f"r{reg}={val}" for reg, val in s.writes)
    return f"{s.step:>6} pc={s.pc:<4} {source}:{s.line:<5} {s.instr:<28} {writes}".rstrip()


def _print_trace(r: Run, p: Program) -> None:
    lines = [trace_line(s, p.file_of(s.pc)) for s in r.trace or ()]
    for i in range(0, len(lines), _TRACE_CHUNK):
        err("\n".join(lines[i:i + _TRACE_CHUNK]))


def _summary(p: Program, r: Run) -> str:
    n_out = len(r.outputs)
    return (f"{p.source}: halted after {r.steps} steps ({len(p.instrs)} instructions), "
            f"{n_out} output{'s' if n_out != 1 else ''}")


@click.command("assemble")
@click.argument("source")
@click.option("-o", "--output", "output", default=None, help="Image path (default: SOURCE with .json).")
@define_option
def assemble_cmd(source: str, output: str | None, defines: tuple[str, ...]) -> None:
    """Assemble SOURCE (.asm) into a program image (JSON)."""
    program = assemble_file(source, parse_defines(defines))
    target = output or default_output(source)
    if os.path.abspath(target) == os.path.abspath(source):
        raise InputError(f"{source}: the image would overwrite the source; choose another name with -o")
    write_program(target, program)
    err(f"assembled {source}: {len(program.instrs)} instructions -> {target}")


@click.command("run")
@click.argument("program")
@click.option("-i", "--inputs", "inputs", default=None, help="Inputs file {\"public\": [...], \"private\": [...]}.")
@click.option("--json", "as_json", is_flag=True, help="Print {\"outputs\": [...], \"steps\": N} on stdout.")
@click.option("--trace", is_flag=True, help="Print every step on stderr.")
@click.option("--max-steps", type=click.IntRange(min=1), default=10_000_000, show_default=True,
              help="Stop with a fault after this many steps.")
@define_option
def run_cmd(program: str, inputs: str | None, as_json: bool, trace: bool, max_steps: int,
            defines: tuple[str, ...]) -> None:
    """Run PROGRAM (.asm source or .json image) on the VM."""
    from zkvmc import vm  # the interpreter is only needed here, not to assemble

    prog = load_program(program, parse_defines(defines))
    tapes = read_inputs(inputs)
    result = vm.run(prog, tapes, max_steps=max_steps, trace=trace)
    if trace:
        _print_trace(result, prog)
    if as_json:
        out(json.dumps(run_to_json(result, prog)))
    elif result.fault is None:
        for v in result.outputs:
            out(str(v))
    if result.fault is not None:
        raise NegativeResult(fault_message(prog, result.fault, result.steps))
    err(_summary(prog, result))


def register(group: click.Group) -> None:
    """Add `assemble` and `run` to the zkvmc group."""
    group.add_command(assemble_cmd)
    group.add_command(run_cmd)
