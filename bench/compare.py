"""zkvmc against snarkjs and circom on the same circuits, side by side in one run (issues 6, 15).

Builds circuits of 2^k - 3 constraints (a zkVM program of 2^k - 3 multiplications, compiled
with `zkvmc compile`, so the QAP domain is exactly 2^k for both tools; and the same chain of
multiplications written in circom), exports them to iden3 .r1cs/.wtns, then times every stage
for each tool, alternating tools within each repetition, and prints the median wall time, the
peak memory (the larger of wait4's ru_maxrss and the sampled proportional set size of the whole
process tree, so forked workers count) and both ratios to the reference tool:

- compile: `zkvmc compile` against circom2 `--O2 --r1cs --wasm` on the same-size circuit;
- witness: `zkvmc witness -i` against circom's wasm witness calculator (generate_witness.js);
- setup from nothing: snarkjs powersoftau new + contribute + prepare phase2 + groth16 setup +
  zkey export verificationkey (only up to --snarkjs-setup-max: hours above 2^16); zkvmc setup;
- prove: snarkjs groth16 prove (zkey + wtns); zkvmc prove (key + witness.json). snarkjs's key
  is zkvmc's own key exported with `zkvmc export zkey` (made once, kept in --workdir), so its
  prover runs at every size without its multi-hour setup;
- verify: the whole process, interpreter start included.

    .venv/bin/python bench/compare.py --sizes 10,12 --reps 3
    .venv/bin/python bench/compare.py --sizes 14,16,18 --chart docs/perf.png --json run.json
    .venv/bin/python bench/compare.py --sizes 20 --tools zkvmc --reps 1 --json big.json

Tools: snarkjs (and circom2 for compile/witness), zkvmc (the default install: `--backend auto`),
zkvmc-pure (the pure-Python fallback: --backend python with mclbn256, gmpy2 and python-flint
hidden, as on a platform without their wheels), zkvmc-python (--backend python, gmpy2 and
python-flint kept), zkvmc-baseline (another zkvmc source tree given with --baseline). A tool or
stage that cannot run is a "skipped (reason)" cell. bench/compare_targets.py turns the results
into issue 15's target table and the chart.
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
CIRCOM = REPO / "node_modules" / ".bin" / "circom2"
ZKVMC = Path(sys.executable).parent / "zkvmc"
STAGES = ("compile", "witness", "setup", "prove", "verify")
TOOLS = ("snarkjs", "zkvmc", "zkvmc-pure")
ALL_TOOLS = (*TOOLS, "zkvmc-python", "zkvmc-baseline")
BASELINE = "zkvmc-baseline"
"""The tool name of --baseline: an earlier zkvmc source tree, for before/after tables."""
PY_MAX_LOG = 14
"""Largest size the pure-Python backend runs by default (2^16 takes minutes per stage)."""
HIDDEN = ("mclbn256", "gmpy2", "flint")
"""What zkvmc-pure hides: the native packages the default install brings where they have wheels."""


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


def circom_program(n: int) -> str:
    """The same chain in circom: n multiplications y = x^(n+1), x public, y the output."""
    return ("pragma circom 2.0.0;\n\ntemplate Chain(N) {\n    signal input x;\n    signal output y;\n"
            "    signal t[N + 1];\n    t[0] <== x;\n    for (var i = 0; i < N; i++) {\n"
            "        t[i + 1] <== t[i] * x;\n    }\n    y <== t[N];\n}\n\n"
            f"component main {{public [x]}} = Chain({n});\n")


def build(log_n: int, root: Path) -> Path:
    """The circuit of 2^log_n - 3 constraints, its witness and iden3 exports, in root/<log_n>."""
    d = root / str(log_n)
    if (d / "witness.wtns").exists():
        return d
    d.mkdir(parents=True, exist_ok=True)
    (d / "p.asm").write_text(program((1 << log_n) - 3))
    (d / "in.json").write_text(json.dumps({"public": ["3"], "private": []}))
    (d / "chain.circom").write_text(circom_program((1 << log_n) - 3))
    (d / "chain_input.json").write_text(json.dumps({"x": "3"}))
    z = str(ZKVMC)
    timed = {"compile": run([z, "compile", "p.asm"], d), "witness": run([z, "witness", "-i", "in.json"], d)}
    for cmd in ([z, "export", "r1cs", "circuit.r1cs.json", "-o", "circuit.r1cs"],
                [z, "export", "wtns", "witness.json", "-o", "witness.wtns"]):
        run(cmd, d)
    # the default tool's compile and witness stages run the same commands: their first sample (below)
    (d / "build_samples.json").write_text(json.dumps({k: Sample(*v).__dict__ for k, v in timed.items()}))
    return d


def build_sample(d: Path, stage: str) -> Sample | None:
    """The build's own timing of `zkvmc compile` / `zkvmc witness` (the zkvmc tool's first sample
    of that stage, so a 2^20 run does not compile twice), used once."""
    f = d / "build_samples.json"
    if not f.exists():
        return None
    samples = json.loads(f.read_text())
    s = samples.pop(stage, None)
    f.write_text(json.dumps(samples))
    return Sample(**s) if s else None


def snarkjs_key(d: Path, log_n: int) -> None:
    """snarkjs's c.zkey and sj_vk.json: zkvmc's key exported (`zkvmc export zkey`), made once."""
    if (d / "c.zkey").exists():
        return
    pk, vk = ("pk_auto.json", "vk_auto.json") if (d / "vk_auto.json").exists() else ("pk_zkvmc.json", "vk_zkvmc.json")
    if not (d / pk).exists():  # the zkvmc tool's setup stage did not run
        run([str(ZKVMC), "setup", "--quiet", "--pk", pk, "--vk", vk], d)
    run([str(ZKVMC), "export", "zkey", pk, "--vk", vk, "-o", "c.zkey.tmp"], d)
    shutil.copy(d / vk, d / "sj_vk.json")
    os.replace(d / "c.zkey.tmp", d / "c.zkey")


def snarkjs_cmds(log_n: int) -> dict[str, list[list[str]]]:
    s, node = str(SNARKJS), shutil.which("node") or "node"
    return {
        "compile": [[str(CIRCOM), "chain.circom", "--r1cs", "--wasm", "--O2", "-o", "."]],
        "witness": [[node, "chain_js/generate_witness.js", "chain_js/chain.wasm", "chain_input.json", "chain.wtns"]],
        "setup": [[s, "powersoftau", "new", "bn128", str(log_n), "pot0.ptau"],
                  [s, "powersoftau", "contribute", "pot0.ptau", "pot1.ptau", "--name=bench", "-e=bench entropy"],
                  [s, "powersoftau", "prepare", "phase2", "pot1.ptau", "final.ptau"],
                  [s, "groth16", "setup", "circuit.r1cs", "final.ptau", "sj_setup.zkey"],
                  [s, "zkey", "export", "verificationkey", "sj_setup.zkey", "sj_setup_vk.json"]],
        "prove": [[s, "groth16", "prove", "c.zkey", "witness.wtns", "sj_proof.json", "sj_public.json"]],
        "verify": [[s, "groth16", "verify", "sj_vk.json", "sj_public.json", "sj_proof.json"]],
    }


def zkvmc_cmds(tool: str) -> dict[str, list[list[str]]]:
    """zkvmc's commands; the baseline runs another checkout (--baseline) without --backend."""
    b = tool.removeprefix("zkvmc-") if tool != "zkvmc" else "auto"
    z = [sys.executable, "-m", "zkvmc"] if tool == BASELINE else [str(ZKVMC)]
    opt = [] if tool == BASELINE else ["--backend", "python" if b == "pure" else b]
    return {
        "compile": [[*z, "compile", "p.asm", "-o", f"circuit_{b}.r1cs.json"]],
        "witness": [[*z, "witness", "-c", "circuit.r1cs.json", "-i", "in.json", "-o", f"witness_{b}.json"]],
        "setup": [[*z, "setup", "--quiet", *opt, "--pk", f"pk_{b}.json", "--vk", f"vk_{b}.json"]],
        "prove": [[*z, "prove", "--quiet", *opt, "--pk", f"pk_{b}.json", "-p", f"proof_{b}.json",
                   "--public", f"public_{b}.json"]],
        "verify": [[*z, "verify", *opt, "--vk", f"vk_{b}.json", "-p", f"proof_{b}.json",
                    "--public", f"public_{b}.json"]],
    }


def hide_native(root: Path) -> dict[str, str]:
    """An environment in which mclbn256, gmpy2 and python-flint cannot be imported (zkvmc-pure)."""
    shim = root / "pure-python-shim"
    shim.mkdir(parents=True, exist_ok=True)
    for mod in HIDDEN:
        (shim / f"{mod}.py").write_text(f"raise ImportError('{mod} hidden by bench/compare.py (zkvmc-pure)')\n")
    rest = os.environ.get("PYTHONPATH")  # e.g. a snapshot of the source tree to time (docs/performance.md)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), *([rest] if rest else [])]), "ZKVMC_NO_NOTICE": "1"}


def skip_reason(tool: str, stage: str, log_n: int, args: argparse.Namespace) -> str | None:
    """Why a tool does not run a stage at this size (None: it runs)."""
    if tool == "snarkjs" and (shutil.which("node") is None or not SNARKJS.exists()):
        return "snarkjs not installed (make node)"
    if tool == "snarkjs" and stage in ("compile", "witness") and not CIRCOM.exists():
        return "circom2 not installed (make node)"
    if tool == "snarkjs" and stage == "setup" and log_n > args.snarkjs_setup_max:
        return f"snarkjs setup above 2^{args.snarkjs_setup_max} (hours here; its prover uses zkvmc's exported key)"
    if tool == BASELINE and not args.baseline:
        return "no --baseline tree given"
    if tool in ("zkvmc-python", "zkvmc-pure", BASELINE) and log_n > args.python_max:
        return f"pure Python above 2^{args.python_max}, --python-max"
    return None


def measure(log_n: int, args: argparse.Namespace) -> dict[tuple[str, str], Sample | str]:
    """Median sample (or a skip reason) per (tool, stage) at one size."""
    d = build(log_n, Path(args.workdir))
    cmds = {"snarkjs": snarkjs_cmds(log_n), **{t: zkvmc_cmds(t) for t in ALL_TOOLS if t != "snarkjs"}}
    envs = {"zkvmc-pure": hide_native(Path(args.workdir))}
    if args.baseline:
        envs[BASELINE] = {**os.environ, "PYTHONPATH": str(args.baseline)}
    tools = [t for t in args.tools if t in cmds]
    res: dict[tuple[str, str], Sample | str] = {}
    for stage in args.stages:
        if stage == "prove" and "snarkjs" in tools and not skip_reason("snarkjs", "prove", log_n, args):
            snarkjs_key(d, log_n)
        reps = args.setup_reps if stage in ("setup", "compile") else args.reps
        samples: dict[str, list[Sample]] = {t: [] for t in tools}
        for _ in range(reps):
            for t in tools:  # alternate tools within a repetition: load changes hit both alike
                reason = skip_reason(t, stage, log_n, args)
                if reason:
                    res[(t, stage)] = f"skipped ({reason})"
                    continue
                pre = build_sample(d, stage) if t == "zkvmc" and stage in ("compile", "witness") else None
                samples[t].append(pre or run_chain(cmds[t][stage], d, envs.get(t)))
                print(f"  2^{log_n} {stage:7} {t:13} {samples[t][-1].seconds:8.2f} s {samples[t][-1].peak_mb:7.0f} MB",
                      file=sys.stderr, flush=True)
        for t in tools:
            if samples[t]:
                res[(t, stage)] = Sample(statistics.median(s.seconds for s in samples[t]),
                                         max(s.peak_mb for s in samples[t]))
    return res


def cell(v: Sample | str | None, base: Sample | str | None) -> str:
    if not isinstance(v, Sample):
        return v or "-"
    if not isinstance(base, Sample):
        return f"{v.seconds:.2f} s, {v.peak_mb:.0f} MB"
    return (f"{v.seconds:.2f} s ({v.seconds / base.seconds:.2f}x), "
            f"{v.peak_mb:.0f} MB ({v.peak_mb / base.peak_mb:.2f}x)")


def table(results: dict[int, dict], tools: list[str]) -> str:
    """Markdown: rows stage x size, a column per tool (time and memory, each with its ratio to snarkjs)."""
    head = "| stage | constraints | " + " | ".join(tools) + " |"
    lines = [head, "|" + "---|" * (2 + len(tools))]
    for stage in [s for s in STAGES if any(k[1] == s for r in results.values() for k in r)]:
        for k, res in sorted(results.items()):
            base = res.get(("snarkjs", stage))
            cells = [cell(res.get((t, stage)), base) for t in tools]
            lines.append(f"| {stage} | 2^{k} - 3 | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load(path: str) -> dict[int, dict[tuple[str, str], Sample | str]]:
    """Results written by --json."""
    raw = json.loads(Path(path).read_text())
    return {int(k): {tuple(key.split("/")): (Sample(**v) if isinstance(v, dict) else v)  # type: ignore[misc]
                     for key, v in cells.items()} for k, cells in raw.items() if k.lstrip("-").isdigit()}


def save(path: str, results: dict[int, dict], extra: dict) -> None:
    raw = {str(k): {f"{t}/{s}": (v.__dict__ if isinstance(v, Sample) else v) for (t, s), v in r.items()}
           for k, r in results.items()}
    Path(path).write_text(json.dumps({**raw, **extra}, indent=1))


def precompile(trees: list[Path]) -> None:
    """Byte-compile the timed source trees first, as `pip install` does for a wheel: an editable
    install under PYTHONDONTWRITEBYTECODE=1 (as on this machine) would otherwise recompile every
    edited module in every timed process."""
    for tree in trees:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree)], check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,12,14", help="log2 sizes, comma-separated")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of witness, prove and verify (median)")
    ap.add_argument("--setup-reps", type=int, default=1, help="repetitions of compile and setup")
    ap.add_argument("--stages", default=",".join(STAGES), help="comma-separated subset of " + ",".join(STAGES))
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of " + ",".join(ALL_TOOLS))
    ap.add_argument("--baseline", default=None,
                    help=f"a zkvmc source tree (e.g. `git archive HEAD~1`) to time as {BASELINE}, before/after")
    ap.add_argument("--snarkjs-setup-max", type=int, default=12, help="largest size for snarkjs's setup from nothing")
    ap.add_argument("--python-max", type=int, default=PY_MAX_LOG, help="largest size for the pure-Python tools")
    ap.add_argument("--workdir", default=str(Path.home() / ".cache" / "zkvmc-bench"),
                    help="where circuits, keys and snarkjs's exported keys are kept between runs")
    ap.add_argument("--chart", default=None, help="write a PNG chart here (needs matplotlib)")
    ap.add_argument("--json", default=None, help="write the raw results here")
    ap.add_argument("--merge", default=None,
                    help="--json files of earlier runs (comma-separated): they fill what this run did not measure")
    ap.add_argument("--cluster", action="store_true", help="also run bench/cluster.py (prove-many, 1 vs 2 workers)")
    args = ap.parse_args(argv)
    args.tools = [t for t in args.tools.split(",") if t]
    if args.baseline and BASELINE not in args.tools:
        args.tools.append(BASELINE)
    args.stages = [s for s in STAGES if s in args.stages.split(",")]
    results, extra = {}, {"load": os.getloadavg()[0], "cores": os.cpu_count()}
    precompile([REPO / "zkvmc", *([Path(args.baseline)] if args.baseline else [])])
    for k in (int(s) for s in args.sizes.split(",") if s):  # --sizes "" --merge f.json: redraw only
        results[k] = measure(k, args)
    import compare_targets as targets

    if args.cluster:
        extra["cluster_speedup"] = targets.run_cluster()
    for path in (args.merge.split(",") if args.merge else []):
        earlier = json.loads(Path(path).read_text())
        extra.setdefault("cluster_speedup", earlier.get("cluster_speedup"))
        for k, cells in load(path).items():
            for key, v in cells.items():
                results.setdefault(k, {}).setdefault(key, v)
    print(f"median of {args.reps} (compile, setup: {args.setup_reps}); ratio to snarkjs/circom in parentheses; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    tools = [t for t in ALL_TOOLS if any(k[0] == t for r in results.values() for k in r)]
    print(table(results, tools))
    print()
    print(targets.target_table(results, extra.get("cluster_speedup")))
    if args.json:
        save(args.json, results, extra)
    if args.chart:
        targets.chart(results, tools, args.chart)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main(sys.argv[1:])
