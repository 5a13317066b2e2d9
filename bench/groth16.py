"""Groth16 benchmark: setup, prove, verify times and peak memory on synthetic circuits.

Takes sizes (log2 of the domain; default 10 12 14) and prints a table; the library's default
backend (mcl when installed) and jobs=1, in-process: bench/compare.py times the CLI instead. The circuit is a chain
of squarings x_{k+1} = x_k * x_k from a public input x_0 to the public output, with
2^k - 3 constraints so the QAP domain (constraints + public rows) is exactly 2^k. Each size runs
in its own process so the peak resident memory (getrusage ru_maxrss) is that size's alone.

    .venv/bin/python bench/groth16.py 10 12        # sizes 2^10 and 2^12
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time

from zkvmc.field import R
from zkvmc.r1cs.system import R1CS, Constraint


def chain(log_n: int) -> tuple[R1CS, list[int]]:
    """The squaring chain with 2^log_n - 3 constraints and its witness (x_0 = 3)."""
    m = (1 << log_n) - 3
    # wires: 0 = 1, 1 = output x_m, 2 = public input x_0, 3.. = x_1 .. x_{m-1}
    xs = [3]
    for _ in range(m):
        xs.append(xs[-1] * xs[-1] % R)
    wire = lambda k: 2 if k == 0 else (1 if k == m else k + 2)  # noqa: E731
    cons = tuple(Constraint(((wire(k), 1),), ((wire(k), 1),), ((wire(k + 1), 1),)) for k in range(m))
    w = [1, xs[m], xs[0], *xs[1:m]]
    return R1CS(m + 2, 1, 1, cons), w


def run_one(log_n: int) -> dict:
    """Time one size in this process."""
    from zkvmc.groth16 import prove, public_signals, setup, verify

    r1cs, w = chain(log_n)
    rng = random.Random(log_n)
    marks = [(time.perf_counter(), time.process_time())]
    pk, vk = setup(r1cs, rng)
    marks.append((time.perf_counter(), time.process_time()))
    proof = prove(pk, r1cs, w, rng)
    marks.append((time.perf_counter(), time.process_time()))
    valid = verify(vk, public_signals(r1cs, w), proof)
    marks.append((time.perf_counter(), time.process_time()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res = {"log_n": log_n, "constraints": len(r1cs.constraints), "wires": r1cs.n_wires,
           "peak_rss_mb": peak_mb, "valid": valid}
    for i, name in enumerate(("setup", "prove", "verify")):
        res[f"{name}_s"] = marks[i + 1][0] - marks[i][0]
        res[f"{name}_cpu_s"] = marks[i + 1][1] - marks[i][1]
    return res


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or [10, 12, 14]
    from zkvmc.backend import get_backend
    from zkvmc.curve.fq import HAVE_GMPY2

    backend = get_backend(None).name + (" backend, gmpy2" if HAVE_GMPY2 else " backend, plain ints")
    print(f"Groth16 on BN254, zkvmc ({backend}, one process); squaring chain; one process per size")
    print("wall-clock seconds, CPU seconds in parentheses (they differ when the machine is busy)")
    print(f"{'size':>6} {'constraints':>11} {'setup s':>14} {'prove s':>14} {'verify s':>14} {'peak MB':>8} valid")
    for k in sizes:
        res = subprocess.run([sys.executable, __file__, "--one", str(k)], capture_output=True, text=True, check=True)
        r = json.loads(res.stdout)
        cols = " ".join(f"{r[s + '_s']:>7.2f} ({r[s + '_cpu_s']:>5.2f})" for s in ("setup", "prove", "verify"))
        print(f"{'2^' + str(k):>6} {r['constraints']:>11} {cols} {r['peak_rss_mb']:>8.0f} {r['valid']}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
