"""Assembler speed and memory on large sources, and how fast hopeless programs are refused
(run: python bench/asm.py [--lines 10000,100000] [--reps 3] [--repo DIR]).

Prints two tables. The first: for a synthetic source of N lines (labels, arithmetic, memory
operands, comments, `.const`s and jumps, as in programs/), the median seconds to parse
(zkvmc.asm.parser.parse) and to assemble (parse + checks), microseconds per line and the peak
resident memory of a fresh process that assembles it once. The second: the seconds until
`compile` gives its verdict on programs the compiler refuses (a loop with no exit, one whose
`.bound` cannot fit the step budget), and on one the constraint budget still stops.
Each row runs in its own interpreter, so peaks and caches do not leak between rows; --repo
measures the zkvmc of another checkout (e.g. `git worktree add /tmp/before HEAD~1`), for a
before/after table taken under the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

BODY = ("loop{i}:", "        add r1, r2, 5           ; a comment", "        load r3, [r1 + 1]",
        "        store [r1 - 2], r3", "        mov r4, 0x1f", "        jnz r4, loop{i}", ".const C{i} 7",
        "        hash r1, r2, r3, r4")
"""One block of the synthetic source (8 lines)."""

REFUSED = {
    "L: jmp L (no exit)": "L: jmp L\n",
    ".bound L, 2^32-1 on a loop with no exit": ".bound L, 4294967295\nL:\n  add r1, r1, 1\n  jmp L\n",
    ".bound L, 2^32-1, run-time exit": ".bound L, 4294967295\n  read r1\nL: sub r1, r1, 1\n  jnz r1, L\n  write r1\n",
}
"""Programs whose compile ends in an error, and how the time to the verdict is spent."""

_MEASURE = """
import json, resource, statistics, sys, time
from zkvmc.asm import assemble_source
from zkvmc.asm.parser import parse
text = open(sys.argv[1]).read()
t0 = time.perf_counter(); assemble_source(text, "big.asm"); first = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
parse_s, asm_s = [], [first]
for _ in range(int(sys.argv[2])):
    t0 = time.perf_counter(); parse(text, "big.asm"); parse_s.append(time.perf_counter() - t0)
for _ in range(int(sys.argv[2]) - 1):
    t0 = time.perf_counter(); assemble_source(text, "big.asm"); asm_s.append(time.perf_counter() - t0)
print(json.dumps([statistics.median(parse_s), statistics.median(asm_s), peak]))
"""


def source(lines: int) -> str:
    """A valid synthetic program of `lines` lines."""
    out: list[str] = []
    i = 0
    while len(out) < lines - 1:
        out += [b.format(i=i) for b in BODY]
        i += 1
    return "\n".join(out[:lines - 1] + ["        halt"]) + "\n"


def assemble_row(lines: int, reps: int, tmp: str, repo: str = ROOT) -> tuple[float, float, float]:
    """(median parse s, median assemble s, peak MB) in a fresh interpreter."""
    path = os.path.join(tmp, f"big{lines}.asm")
    with open(path, "w") as f:
        f.write(source(lines))
    out = subprocess.run([sys.executable, "-c", _MEASURE, path, str(reps)], capture_output=True, text=True,
                         check=True, cwd=repo)
    parse_s, asm_s, peak = json.loads(out.stdout)
    return parse_s, asm_s, peak


def verdict_row(text: str, tmp: str, repo: str = ROOT) -> tuple[float, str]:
    """(seconds, first line of the message) of `zkvmc compile` on text, interpreter start included."""
    path = os.path.join(tmp, "refused.asm")
    with open(path, "w") as f:
        f.write(text)
    code = ("import sys, time; t0 = time.perf_counter()\nfrom zkvmc.asm import assemble_file\n"
            "from zkvmc.compiler import compile_program\nfrom zkvmc.errors import SourceError\n"
            "try:\n    compile_program(assemble_file(sys.argv[1])); msg = 'compiled'\n"
            "except SourceError as e:\n    msg = e.message\n"
            "print(time.perf_counter() - t0); print(msg)")
    out = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, check=True, cwd=repo)
    secs, msg = out.stdout.split("\n", 1)
    return float(secs), msg.strip()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lines", default="10000,100000", help="comma-separated source sizes")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--no-refusals", action="store_true", help="skip the second table")
    ap.add_argument("--repo", default=ROOT, help="the checkout whose zkvmc is measured")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zkvmc-bench-asm-") as tmp:
        print(f"{'lines':>8}{'parse (s)':>11}{'assemble (s)':>14}{'us/line':>9}{'peak (MB)':>11}")
        for n in (int(x) for x in args.lines.split(",")):
            p, a, peak = assemble_row(n, args.reps, tmp, args.repo)
            print(f"{n:>8}{p:>11.2f}{a:>14.2f}{a / n * 1e6:>9.1f}{peak:>11.0f}")
        if args.no_refusals:
            return
        print(f"\n{'program':<44}{'verdict (s)':>12}  message")
        for name, text in REFUSED.items():
            secs, msg = verdict_row(text, tmp, args.repo)
            print(f"{name:<44}{secs:>12.2f}  {msg[:70]}")


if __name__ == "__main__":
    main()
