"""Interpreter throughput: steps per second on loop-heavy programs (run: python bench/vm.py).

Builds the programs as Program values directly (no assembler needed), runs each once, and
prints a table: program, steps, seconds, steps/s. `--steps N` sets the target step count
(the traced row runs a fifth of it: recording a TraceStep per step is the slow part).
"""

from __future__ import annotations

import argparse
import time

from zkvmc.artifacts.inputs import Inputs
from zkvmc.asm.program import Imm, Instr, Mem, Program, Reg, Target
from zkvmc.vm import run


def _program(name: str, body: list[tuple[str, tuple]], bounds: tuple = ()) -> Program:
    """A Program from (op, args) pairs."""
    instrs = tuple(Instr(op, args, i + 1, f"{op} ...") for i, (op, args) in enumerate(body))
    return Program(instrs, (), None, None, None, bounds, (), name, "")


def counting_loop(iterations: int) -> Program:
    """r1 counts down; each iteration does field and u64 arithmetic: 6 steps per iteration."""
    loop = Target("loop", 2)
    return _program("counting loop", [
        ("mov", (Reg(1), Imm(iterations))),
        ("mov", (Reg(2), Imm(0))),
        ("add", (Reg(2), Reg(2), Reg(1))),      # loop:
        ("mul", (Reg(3), Reg(2), Imm(7))),
        ("and", (Reg(4), Reg(1), Imm(0xFF))),
        ("xor", (Reg(5), Reg(4), Reg(1))),
        ("sub", (Reg(1), Reg(1), Imm(1))),
        ("jnz", (Reg(1), loop)),
        ("halt", ()),
    ])


def memory_loop(iterations: int) -> Program:
    """Stores and loads at run-time addresses under a `.bound` loop: 5 steps per iteration."""
    loop = Target("loop", 1)
    return _program("memory loop (.bound)", [
        ("mov", (Reg(1), Imm(iterations))),
        ("umod", (Reg(2), Reg(1), Imm(1024))),  # loop:
        ("store", (Mem(2, 0), Reg(1))),
        ("load", (Reg(3), Mem(2, 0))),
        ("sub", (Reg(1), Reg(1), Imm(1))),
        ("jnz", (Reg(1), loop)),
        ("halt", ()),
    ], bounds=((1, iterations),))


def measure(program: Program, trace: bool = False) -> tuple[int, float]:
    """(steps, seconds) of one clean run."""
    t0 = time.perf_counter()
    result = run(program, Inputs((), ()), max_steps=10**9, trace=trace)
    seconds = time.perf_counter() - t0
    assert result.fault is None, result.fault
    return result.steps, seconds


def main() -> None:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=1_000_000, help="approximate steps per program")
    n = ap.parse_args().steps
    print(f"{'program':<24} {'steps':>10} {'seconds':>9} {'steps/s':>12}")
    rows = [(counting_loop(n // 6), False), (memory_loop(n // 5), False),
            (counting_loop(n // 30), True)]
    for program, trace in rows:
        steps, seconds = measure(program, trace)
        name = program.source + (" --trace" if trace else "")
        print(f"{name:<24} {steps:>10,} {seconds:>9.3f} {steps / seconds:>12,.0f}")


if __name__ == "__main__":
    main()
