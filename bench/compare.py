"""zkvmc against snarkjs on the same circuits, side by side in one run (issue 6).

Builds circuits of 2^k - 3 constraints (a zkVM program of 2^k - 3 multiplications, compiled
with `zkvmc compile`, so the QAP domain is exactly 2^k for both tools), exports them to iden3
.r1cs/.wtns, then times every stage for each tool, alternating tools within each repetition,
and prints the median wall time, the peak memory (the larger of wait4's ru_maxrss and the sampled
proportional set size of the whole process tree, so forked workers count) and the ratio to
snarkjs:

- setup from nothing: snarkjs powersoftau new + contribute + prepare phase2 + groth16 setup +
  zkey export verificationkey; zkvmc setup;
- prove: snarkjs groth16 prove (zkey + wtns); zkvmc prove (key + witness.json);
- verify: the whole process, interpreter start included.

    .venv/bin/python bench/compare.py --sizes 10,12 --reps 3
    .venv/bin/python bench/compare.py --sizes 10,12,14,16 --chart docs/perf.png

Tools: snarkjs (node_modules/.bin/snarkjs), zkvmc-python (--backend python), zkvmc-mcl
(--backend mcl, the `fast` extra), and zkvmc-baseline (another zkvmc source tree given with
--baseline, for before/after). A tool or stage that cannot run is a "skipped (reason)" cell.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SNARKJS = REPO / "node_modules" / ".bin" / "snarkjs"
ZKVMC = Path(sys.executable).parent / "zkvmc"
STAGES = ("setup", "prove", "verify")
TOOLS = ("snarkjs", "zkvmc-python", "zkvmc-mcl")
BASELINE = "zkvmc-baseline"
"""The tool name of --baseline: an earlier zkvmc source tree, for before/after tables."""
PY_MAX_LOG = 14
"""Largest size the pure-Python backend runs by default (2^16 takes minutes per stage)."""


@dataclass(frozen=True)
class Sample:
    """One timed stage of one tool."""

    seconds: float
    """Wall time of all its processes, in sequence."""
    peak_mb: float
    """Largest ru_maxrss among its processes (MiB)."""


def _tree(pid: int) -> list[int]:
    """pid and its descendants (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in task.read_text().split()]
    return out


def _pss_mb(pid: int) -> float:
    """Proportional set size of a process tree (shared pages split between sharers), MiB."""
    total = 0
    for p in _tree(pid):
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
    return total / 1024


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak memory MiB) of one process; raises on a non-zero exit.

    Peak memory is the larger of ru_maxrss (wait4: the largest single process of the tree) and
    the sampled PSS of the whole tree (every 20 ms), so forked workers count once each.
    """
    t = time.perf_counter()
    log = tempfile.TemporaryFile()  # a file, not a pipe: wait4 below must not block a chatty child
    p = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env)
    peak, done = [0.0], threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _pss_mb(p.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if Path("/proc/self/smaps_rollup").exists():
        sampler.start()
    _, status, usage = os.wait4(p.pid, 0)
    done.set()
    wall = time.perf_counter() - t
    p.returncode = code = os.waitstatus_to_exitcode(status)
    log.seek(0)
    text = log.read().decode(errors="replace")
    log.close()
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {text[-400:]}")
    return wall, max(usage.ru_maxrss / 1024, peak[0])


def run_chain(cmds: list[list[str]], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    results = [run(c, cwd, env) for c in cmds]
    return Sample(sum(r[0] for r in results), max(r[1] for r in results))


def program(n: int) -> str:
    """n multiplications of a running product by the public input."""
    body = "\n".join("        mul r2, r2, r1" for _ in range(n))
    return f".public 1\n.outputs 1\n        read r1\n        mov r2, r1\n{body}\n        write r2\n        halt\n"


def build(log_n: int, root: Path) -> Path:
    """The circuit of 2^log_n - 3 constraints, its witness and iden3 exports, in root/<log_n>."""
    d = root / str(log_n)
    if (d / "witness.wtns").exists():
        return d
    d.mkdir(parents=True, exist_ok=True)
    (d / "p.asm").write_text(program((1 << log_n) - 3))
    (d / "in.json").write_text(json.dumps({"public": ["3"], "private": []}))
    z = str(ZKVMC)
    for cmd in ([z, "compile", "p.asm"], [z, "witness", "-i", "in.json"],
                [z, "export", "r1cs", "circuit.r1cs.json", "-o", "circuit.r1cs"],
                [z, "export", "wtns", "witness.json", "-o", "witness.wtns"]):
        run(cmd, d)
    return d


def snarkjs_cmds(log_n: int) -> dict[str, list[list[str]]]:
    s = str(SNARKJS)
    return {
        "setup": [[s, "powersoftau", "new", "bn128", str(log_n), "pot0.ptau"],
                  [s, "powersoftau", "contribute", "pot0.ptau", "pot1.ptau", "--name=bench", "-e=bench entropy"],
                  [s, "powersoftau", "prepare", "phase2", "pot1.ptau", "final.ptau"],
                  [s, "groth16", "setup", "circuit.r1cs", "final.ptau", "c.zkey"],
                  [s, "zkey", "export", "verificationkey", "c.zkey", "sj_vk.json"]],
        "prove": [[s, "groth16", "prove", "c.zkey", "witness.wtns", "sj_proof.json", "sj_public.json"]],
        "verify": [[s, "groth16", "verify", "sj_vk.json", "sj_public.json", "sj_proof.json"]],
    }


def zkvmc_cmds(backend: str) -> dict[str, list[list[str]]]:
    """zkvmc's commands; backend "baseline" runs another checkout (--baseline) without --backend."""
    b = backend
    z = [sys.executable, "-m", "zkvmc"] if b == "baseline" else [str(ZKVMC)]
    opt = [] if b == "baseline" else ["--backend", b]
    return {
        "setup": [[*z, "setup", "--quiet", *opt, "--pk", f"pk_{b}.json", "--vk", f"vk_{b}.json"]],
        "prove": [[*z, "prove", "--quiet", *opt, "--pk", f"pk_{b}.json", "-p", f"proof_{b}.json",
                   "--public", f"public_{b}.json"]],
        "verify": [[*z, "verify", *opt, "--vk", f"vk_{b}.json", "-p", f"proof_{b}.json",
                    "--public", f"public_{b}.json"]],
    }


def skip_reason(tool: str, log_n: int, args: argparse.Namespace) -> str | None:
    """Why a tool does not run at this size (None: it runs)."""
    if tool == "snarkjs" and (shutil.which("node") is None or not SNARKJS.exists()):
        return "snarkjs not installed (make node)"
    if tool == "snarkjs" and log_n > args.snarkjs_max:
        return f"snarkjs setup above 2^{args.snarkjs_max}: ~5 min at 2^14 here, --snarkjs-max"
    if tool == "zkvmc-mcl":
        from zkvmc.backend import available

        if "mcl" not in available():
            return "mcl not installed (pip install '.[fast]')"
    if tool == BASELINE and not args.baseline:
        return "no --baseline tree given"
    if tool in ("zkvmc-python", BASELINE) and log_n > args.python_max:
        return f"pure Python above 2^{args.python_max}, --python-max"
    return None


def measure(log_n: int, args: argparse.Namespace) -> dict[tuple[str, str], Sample | str]:
    """Median sample (or a skip reason) per (tool, stage) at one size."""
    d = build(log_n, Path(args.workdir))
    cmds = {"snarkjs": snarkjs_cmds(log_n), "zkvmc-python": zkvmc_cmds("python"), "zkvmc-mcl": zkvmc_cmds("mcl"),
            BASELINE: zkvmc_cmds("baseline")}
    envs = {BASELINE: {**os.environ, "PYTHONPATH": str(args.baseline)}} if args.baseline else {}
    tools = [t for t in args.tools if t in cmds]
    res: dict[tuple[str, str], Sample | str] = {}
    for stage in args.stages:
        reps = args.setup_reps if stage == "setup" else args.reps
        samples: dict[str, list[Sample]] = {t: [] for t in tools}
        for _ in range(reps):
            for t in tools:  # alternate tools within a repetition: load changes hit both alike
                reason = skip_reason(t, log_n, args) or (res.get((t, "setup")) if stage != "setup"
                                                         and isinstance(res.get((t, "setup")), str) else None)
                if reason:
                    res[(t, stage)] = reason if reason.startswith("skipped") else f"skipped ({reason})"
                    continue
                samples[t].append(run_chain(cmds[t][stage], d, envs.get(t)))
                print(f"  2^{log_n} {stage:6} {t:13} {samples[t][-1].seconds:8.2f} s", file=sys.stderr, flush=True)
        for t in tools:
            if samples[t]:
                res[(t, stage)] = Sample(statistics.median(s.seconds for s in samples[t]),
                                         max(s.peak_mb for s in samples[t]))
    return res


def cell(v: Sample | str | None, base: Sample | str | None) -> str:
    if not isinstance(v, Sample):
        return v or "-"
    ratio = f" ({v.seconds / base.seconds:.2f}x)" if isinstance(base, Sample) else ""
    return f"{v.seconds:.2f} s{ratio}, {v.peak_mb:.0f} MB"


def table(results: dict[int, dict], tools: list[str]) -> str:
    """A markdown table: rows stage x size, a column per tool (time, ratio to snarkjs, peak memory)."""
    head = "| stage | constraints | " + " | ".join(tools) + " |"
    lines = [head, "|" + "---|" * (2 + len(tools))]
    for stage in [s for s in STAGES if any(k[1] == s for r in results.values() for k in r)]:
        for k, res in sorted(results.items()):
            base = res.get(("snarkjs", stage))
            cells = [cell(res.get((t, stage)), base) for t in tools]
            lines.append(f"| {stage} | 2^{k} - 3 | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def chart(results: dict[int, dict], tools: list[str], path: str) -> None:
    """Time against constraints, one line per tool and stage, log-log."""
    try:
        import matplotlib
    except ImportError:
        print("no chart: matplotlib is not installed (pip install '.[bench]')", file=sys.stderr)
        return

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    for ax, stage in zip(axes, STAGES):
        for t in tools:
            pts = [(1 << k, r[(t, stage)].seconds) for k, r in sorted(results.items())
                   if isinstance(r.get((t, stage)), Sample)]
            if pts:
                ax.plot(*zip(*pts), marker="o", label=t)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_title(stage + (" (whole process)" if stage == "verify" else ""))
        ax.set_xlabel("constraints")
        ax.set_ylabel("seconds (median)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, framealpha=0.6)
    fig.suptitle("Groth16 on BN254: zkvmc vs snarkjs 0.7.6, same circuit, same machine, same run")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def load(path: str) -> dict[int, dict[tuple[str, str], Sample | str]]:
    """Results written by --json."""
    raw = json.loads(Path(path).read_text())
    return {int(k): {tuple(key.split("/")): (Sample(**v) if isinstance(v, dict) else v)  # type: ignore[misc]
                     for key, v in cells.items()} for k, cells in raw.items()}


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,12,14,16", help="log2 sizes, comma-separated")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of prove and verify (median)")
    ap.add_argument("--setup-reps", type=int, default=1, help="repetitions of setup")
    ap.add_argument("--stages", default=",".join(STAGES),
                    help="comma-separated subset of setup,prove,verify (without setup: earlier keys in --workdir)")
    ap.add_argument("--tools", default=",".join(TOOLS),
                    help="comma-separated subset of " + ",".join((*TOOLS, BASELINE)))
    ap.add_argument("--baseline", default=None,
                    help=f"a zkvmc source tree (e.g. `git archive HEAD~1`) to time as {BASELINE}, before/after")
    ap.add_argument("--snarkjs-max", type=int, default=14, help="largest size for snarkjs")
    ap.add_argument("--python-max", type=int, default=PY_MAX_LOG, help="largest size for zkvmc-python")
    ap.add_argument("--workdir", default="/tmp/zkvmc-bench", help="where circuits and keys go")
    ap.add_argument("--chart", default=None, help="write a PNG chart here (needs matplotlib)")
    ap.add_argument("--json", default=None, help="write the raw results here")
    ap.add_argument("--merge", default=None,
                    help="--json files of earlier runs (comma-separated): they fill what this run did not measure")
    args = ap.parse_args(argv)
    args.tools = [t for t in args.tools.split(",") if t]
    if args.baseline and BASELINE not in args.tools:
        args.tools.append(BASELINE)
    args.stages = [s for s in STAGES if s in args.stages.split(",")]
    results = {}
    for k in (int(s) for s in args.sizes.split(",") if s):  # --sizes "" --merge f.json: redraw only
        results[k] = measure(k, args)
    for path in (args.merge.split(",") if args.merge else []):
        for k, cells in load(path).items():
            for key, v in cells.items():
                results.setdefault(k, {}).setdefault(key, v)
    print(f"median of {args.reps} (setup: {args.setup_reps}); ratio to snarkjs in parentheses; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(table(results, args.tools))
    if args.json:
        raw = {str(k): {f"{t}/{s}": (v.__dict__ if isinstance(v, Sample) else v) for (t, s), v in r.items()}
               for k, r in results.items()}
        Path(args.json).write_text(json.dumps(raw, indent=1))
    if args.chart:
        chart(results, args.tools, args.chart)


if __name__ == "__main__":
    main(sys.argv[1:])
