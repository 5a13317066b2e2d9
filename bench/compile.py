"""Compile time and constraint counts for every example program (run: python bench/compile.py).

Prints one row per program: constraints at O0, O1 and O2, final wires, and the median
compile time at O2 over --reps runs (assembly excluded), so commits can be compared.
"""

from __future__ import annotations

import argparse
import glob
import os
import statistics
import time

from zkvmc.asm import assemble_file
from zkvmc.compiler import compile_program

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def measure(path: str, reps: int) -> tuple[list[int], int, float]:
    """(constraints at O0..O2, wires at O2, median seconds at O2)."""
    program = assemble_file(path)
    counts = [len(compile_program(program, level).r1cs.constraints) for level in (0, 1)]
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        circuit = compile_program(program, 2)
        times.append(time.perf_counter() - t0)
    counts.append(len(circuit.r1cs.constraints))
    return counts, circuit.r1cs.n_wires, statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    print(f"{'program':<16}{'O0':>8}{'O1':>8}{'O2':>8}{'wires':>8}{'compile O2 (s)':>16}")
    for path in sorted(glob.glob(os.path.join(ROOT, "programs", "*.asm"))):
        counts, wires, secs = measure(path, args.reps)
        name = os.path.basename(path)
        print(f"{name:<16}{counts[0]:>8}{counts[1]:>8}{counts[2]:>8}{wires:>8}{secs:>16.3f}")


if __name__ == "__main__":
    main()
