"""Ceremony benchmark: phase-2 setup from a ptau, one contribution and full verification, zkvmc
against the same snarkjs commands, at 2^12, 2^14, 2^16 (docs/ceremony.md).

Takes sizes (log2 of the QAP domain; default 12 14 16) and prints a table of the wall-clock and
CPU times (user + system, all threads) of the CLI processes, process start included for both
tools, and the ratios zkvmc / snarkjs (CPU is the fairer figure on a shared machine).
The circuit is bench/groth16.py's squaring chain with a domain of exactly 2^k, written as a
`.r1cs` that both tools read. The ptau for each size (2^k powers, one contribution, prepared
for phase 2) is made once and cached (--cache, default ~/.cache/zkvmc/bench-ptau), not timed:
snarkjs `powersoftau new` + `contribute`, then the Lagrange sections from zkvmc's group FFT
(--prepare zkvmc, the default: the same bytes as `snarkjs powersoftau prepare phase2`, which
took over 4 CPU-minutes at 2^14 here) or from snarkjs (--prepare snarkjs). zkvmc: `setup --ptau`, `ceremony contribute`, `ceremony verify`;
snarkjs: `groth16 setup`, `zkey contribute`, `zkey verify`.

    .venv/bin/python bench/ceremony.py 12 14       # sizes 2^12 and 2^14
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
SNARKJS = str(REPO / "node_modules" / ".bin" / "snarkjs")
ZKVMC = [sys.executable, "-m", "zkvmc"]


def write_r1cs(log_n: int, path: Path) -> None:
    """The squaring chain of bench/groth16.py as an iden3 `.r1cs`."""
    from groth16 import chain

    from zkvmc.artifacts.iden3 import build_container, u64
    from zkvmc.artifacts.iden3_r1cs import R1csHeader, constraints_bytes, header_bytes

    r1cs, _ = chain(log_n)
    h = R1csHeader(r1cs.n_wires, r1cs.n_outputs, r1cs.n_pub_inputs, 0, r1cs.n_wires, len(r1cs.constraints))
    path.write_bytes(build_container("r1cs", 1, [(1, header_bytes(h)), (2, constraints_bytes(r1cs)),
                                                  (3, b"".join(u64(i) for i in range(r1cs.n_wires)))]))


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall-clock, CPU) seconds of one command (which must succeed); CPU counts every thread
    of the process, so it is the fairer figure on a shared machine."""
    t0, c0 = time.perf_counter(), _children_cpu()
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{res.stdout[-2000:]}{res.stderr[-2000:]}")
    return time.perf_counter() - t0, _children_cpu() - c0


def prepare_with_zkvmc(src: Path, dst: Path) -> None:
    """`snarkjs powersoftau prepare phase2`'s output (the same bytes: tests/test_ceremony.py),
    computed with zkvmc's group FFT, which is much faster than snarkjs's on a busy machine."""
    from zkvmc.artifacts.iden3 import build_container, parse_container, read_bytes
    from zkvmc.ceremony.ptau import ALPHA_G1, BETA_G1, TAU_G1, TAU_G2, read_ptau

    bf, p = parse_container(read_bytes(str(src)), str(src), "ptau", 1), read_ptau(str(src))
    out = [(k, bf.sections[k][0]) for k in sorted(bf.sections) if k <= 11]
    for kind, sec in ((TAU_G1, 12), (TAU_G2, 13), (ALPHA_G1, 14), (BETA_G1, 15)):
        top = p.power + 1 if kind == TAU_G1 else p.power  # tauG1 also for the 2^(power+1) domain
        out.append((sec, b"".join(p.lagrange(kind, 1 << lv) for lv in range(top + 1))))
    tmp = dst.with_suffix(".tmp")
    tmp.write_bytes(build_container("ptau", 1, out))
    os.replace(tmp, dst)


def ptau(log_n: int, cache: Path, prepare: str) -> Path:
    """A prepared 2^log_n ptau with one contribution (made once)."""
    out = cache / f"pot{log_n}_prepared.ptau"
    if not out.exists():
        cache.mkdir(parents=True, exist_ok=True)
        run([SNARKJS, "powersoftau", "new", "bn128", str(log_n), f"pot{log_n}_0.ptau"], cache)
        run([SNARKJS, "powersoftau", "contribute", f"pot{log_n}_0.ptau", f"pot{log_n}.ptau", "-e=bench"], cache)
        if prepare == "snarkjs":
            run([SNARKJS, "powersoftau", "prepare", "phase2", f"pot{log_n}.ptau", out.name], cache)
        else:
            prepare_with_zkvmc(cache / f"pot{log_n}.ptau", out)
    return out


def bench(log_n: int, cache: Path, work: Path, prepare: str) -> dict[str, tuple[float, float]]:
    """Seconds of each step for both tools at one size."""
    pot = str(ptau(log_n, cache, prepare))
    d = work / f"n{log_n}"
    d.mkdir(parents=True, exist_ok=True)
    write_r1cs(log_n, d / "c.r1cs")
    t = {"zkvmc setup": run([*ZKVMC, "setup", "-c", "c.r1cs", "--ptau", pot, "-o", "z0.zkey"], d),
         "snarkjs setup": run([SNARKJS, "groth16", "setup", "c.r1cs", pot, "s0.zkey"], d)}
    t["zkvmc contribute"] = run([*ZKVMC, "ceremony", "contribute", "z0.zkey", "z1.zkey", "--name", "a"], d)
    t["snarkjs contribute"] = run([SNARKJS, "zkey", "contribute", "s0.zkey", "s1.zkey", "-n=a", "-e=x"], d)
    t["zkvmc verify"] = run([*ZKVMC, "ceremony", "verify", "-c", "c.r1cs", "--ptau", pot, "z1.zkey"], d)
    t["snarkjs verify"] = run([SNARKJS, "zkey", "verify", "c.r1cs", pot, "s1.zkey"], d)
    return t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[12, 14, 16])
    ap.add_argument("--cache", type=Path, default=Path(os.path.expanduser("~/.cache/zkvmc/bench-ptau")))
    ap.add_argument("--work", type=Path, default=None, help="Scratch folder [default: a temporary one].")
    ap.add_argument("--prepare", choices=["zkvmc", "snarkjs"], default="zkvmc",
                    help="Which tool prepares new ptau files for phase 2 (same bytes; not timed).")
    args = ap.parse_args()
    import tempfile

    work = args.work or Path(tempfile.mkdtemp(prefix="zkvmc-ceremony-bench-"))
    print(f"{'size':>6} {'step':<11} {'zkvmc wall':>10} {'snarkjs wall':>12} {'ratio':>6} "
          f"{'zkvmc cpu':>10} {'snarkjs cpu':>12} {'ratio':>6}")
    for k in args.sizes:
        t = bench(k, args.cache, work, args.prepare)
        for step in ("setup", "contribute", "verify"):
            (zw, zc), (sw, sc) = t[f"zkvmc {step}"], t[f"snarkjs {step}"]
            print(f"{'2^' + str(k):>6} {step:<11} {zw:10.2f} {sw:12.2f} {zw / sw:6.2f} {zc:10.2f} {sc:12.2f} "
                  f"{zc / sc:6.2f}", flush=True)


if __name__ == "__main__":
    main()
