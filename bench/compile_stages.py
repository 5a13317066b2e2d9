"""Where `zkvmc compile` spends its time, stage by stage (issue 15, "compile <= 1x circom2 --O2").

For the chain program of bench/compare.py (2^k - 3 multiplications) at each size, in a fresh
interpreter per size and repetition, times: importing the compiler, parsing (the line scanner,
zkvmc/asm/scan.py, and its twin the LALR parser), assembling (parse + checks), compile_program
(exploration, numbering, optimiser), the static checks, and writing the circuit file (body,
digest and JSON), with the cyclic garbage collector as `zkvmc compile` runs it and, for
comparison, disabled for the whole process. Prints the median CPU seconds of each stage.

    .venv/bin/python bench/compile_stages.py --sizes 14,16 --reps 3
    .venv/bin/python bench/compile_stages.py --sizes 16 --repo /tmp/before   # another tree
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import program  # noqa: E402 - the same chain program compare.py times

_MEASURE = """
import gc, json, sys, time
if sys.argv[3] == "off":
    gc.disable()
T = {}
def tm(name, f):
    t = time.process_time(); r = f(); T[name] = time.process_time() - t; return r
tm("import", lambda: __import__("zkvmc.compiler.compile"))
from zkvmc.asm import assemble_source
from zkvmc.asm import parser
from zkvmc.compiler import compile_program
from zkvmc.audit import static_issues
from zkvmc.artifacts.circuit_file import write_circuit
text = open(sys.argv[1]).read()
if hasattr(parser, "parse_lalr"):
    tm("parse (LALR twin)", lambda: parser.parse_lalr(text, "p.asm"))
tm("parse", lambda: parser.parse(text, "p.asm"))
prog = tm("assemble", lambda: assemble_source(text, "p.asm"))
circ = tm("compile_program", lambda: compile_program(prog))
tm("static checks", lambda: static_issues(circ))
tm("write circuit", lambda: write_circuit(sys.argv[2], circ))
print(json.dumps(T))
"""

PIPELINE = ("import", "assemble", "compile_program", "static checks", "write circuit")
"""The stages `zkvmc compile` runs in turn (parse is part of assemble)."""


def row(log_n: int, reps: int, gc_mode: str, repo: str, tmp: str) -> dict[str, float]:
    """Median CPU seconds per stage over reps fresh interpreters."""
    src = os.path.join(tmp, f"p{log_n}.asm")
    if not os.path.exists(src):
        with open(src, "w") as f:
            f.write(program((1 << log_n) - 3))
    runs = []
    for _ in range(reps):
        out = subprocess.run([sys.executable, "-c", _MEASURE, src, os.path.join(tmp, "c.json"), gc_mode],
                             capture_output=True, text=True, check=True, cwd=repo,
                             env={**os.environ, "PYTHONPATH": os.path.abspath(repo)})
        runs.append(json.loads(out.stdout))
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="14,16", help="log2 sizes, comma-separated")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--repo", default=ROOT, help="the zkvmc source tree to time (default: this one)")
    args = ap.parse_args(argv)
    print(f"CPU seconds, median of {args.reps} fresh interpreters (load {os.getloadavg()[0]:.1f}, "
          f"{os.cpu_count()} cores); tree {os.path.abspath(args.repo)}")
    with tempfile.TemporaryDirectory() as tmp:
        for k in (int(s) for s in args.sizes.split(",") if s):
            on, off = row(k, args.reps, "on", args.repo, tmp), row(k, args.reps, "off", args.repo, tmp)
            print(f"\n2^{k} ({(1 << k) - 3} multiplications)")
            print(f"  {'stage':20s} {'gc on':>8s} {'gc off':>8s}")
            for name in on:
                print(f"  {name:20s} {on[name]:8.3f} {off[name]:8.3f}")
            total = [sum(d[s] for s in PIPELINE if s in d) for d in (on, off)]
            print(f"  {'compile pipeline':20s} {total[0]:8.3f} {total[1]:8.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
