"""Issue 15's target table and the chart, from bench/compare.py's results (and bench/cluster.py's
prove-many speed-up): each figure, its target and whether it is met, from one run.

    .venv/bin/python bench/compare.py --sizes "" --merge run.json,big.json --chart docs/perf.png
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _ratio(res: dict, tool: str, stage: str, ref: str = "snarkjs", memory: bool = False) -> float | None:
    """tool's time (or peak memory) over ref's for one stage at one size, None if either is missing."""
    a, b = res.get((tool, stage)), res.get((ref, stage))
    if not hasattr(a, "seconds") or not hasattr(b, "seconds"):
        return None
    return a.peak_mb / b.peak_mb if memory else a.seconds / b.seconds


def _row(what: str, target: str, value: float | None, ok: bool | None) -> str:
    shown = "not measured" if value is None else f"{value:.2f}x"
    mark = "" if ok is None else (" — **met**" if ok else " — not met")
    return f"| {what} | {target} | {shown}{mark} |"


def _rows(results: dict[int, dict]) -> list[tuple[str, str, float | None, bool]]:
    """(stage and size, target, ratio, whether <= or >= target) for every measured figure."""
    rows: list[tuple[str, str, float | None, bool]] = []
    for k in sorted(results):
        r = results[k]
        rows.append((f"prove 2^{k}, default install", "≤ 0.5x", _ratio(r, "zkvmc", "prove"), True))
    for k in sorted(results):
        rows.append((f"prove 2^{k}, pure-Python fallback", "≤ 2x", _ratio(results[k], "zkvmc-pure", "prove"), True))
    for k in sorted(results):  # no mcl wheel but gmpy2's and python-flint's (e.g. Linux ARM64)
        rows.append((f"prove 2^{k}, python backend with gmpy2 + python-flint", "≤ 2x",
                     _ratio(results[k], "zkvmc-python", "prove"), True))
    for k in sorted(results):
        rows.append((f"verify 2^{k}, whole process", "≤ 0.5x", _ratio(results[k], "zkvmc", "verify"), True))
    for k in sorted(results):
        rows.append((f"peak memory proving 2^{k}", "≤ 1x", _ratio(results[k], "zkvmc", "prove", memory=True), True))
    for k in sorted(results):
        rows.append((f"compile 2^{k} (vs circom2 --O2)", "≤ 1x", _ratio(results[k], "zkvmc", "compile"), True))
    for k in sorted(results):
        rows.append((f"witness 2^{k} (vs circom wasm)", "≤ 1x", _ratio(results[k], "zkvmc", "witness"), True))
    return [r for r in rows if r[2] is not None]


def target_table(results: dict[int, dict], cluster: float | None) -> str:
    """Markdown: every figure of issue 15's table with its target, met or not."""
    lines = ["| stage (ratio to snarkjs 0.7 / circom2, same circuit and witness) | target | measured |",
             "|---|---|---|"]
    for what, target, value, _ in _rows(results):
        limit = float(target.split()[1].rstrip("x"))
        lines.append(_row(what, target, value, value is not None and value <= limit))
    lines.append(_row("prove-many throughput, 2 vs 1 Dask workers (bench/cluster.py)", "≥ 1.7x", cluster,
                      None if cluster is None else cluster >= 1.7))
    return "\n".join(lines)


def run_cluster() -> float | None:
    """bench/cluster.py's 2-vs-1-worker speed-up, or None when it is missing or fails."""
    script = REPO / "bench" / "cluster.py"
    if not script.exists():
        return None
    res = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=REPO, timeout=3600)
    print(res.stdout, file=sys.stderr)
    m = re.search(r"2 workers vs 1, cold: ([0-9.]+)x measured", res.stdout)  # cold: the lower figure
    return float(m.group(1)) if m else None


def chart(results: dict[int, dict], tools: list[str], path: str) -> None:
    """Time against constraints, one panel per stage and one line per tool, log-log."""
    try:
        import matplotlib
    except ImportError:
        print("no chart: matplotlib is not installed (pip install '.[bench]')", file=sys.stderr)
        return

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stages = ("compile", "witness", "setup", "prove", "verify")
    fig, axes = plt.subplots(1, len(stages), figsize=(20, 4.2))
    for ax, stage in zip(axes, stages):
        _panel(ax, results, tools, stage)
    fig.suptitle("zkvmc vs snarkjs 0.7 / circom2 (compile, witness): same circuits, same machine, tools alternating in each run")
    fig.tight_layout()
    fig.savefig(path, dpi=90)


COLOURS = {"snarkjs": "tab:blue", "zkvmc": "tab:orange", "zkvmc-pure": "tab:green", "zkvmc-python": "tab:red",
           "zkvmc-baseline": "tab:gray"}
"""One colour per tool in every panel."""


def _panel(ax: Any, results: dict[int, dict], tools: list[str], stage: str) -> None:
    for t in tools:
        pts = [(1 << k, r[(t, stage)].seconds) for k, r in sorted(results.items())
               if hasattr(r.get((t, stage)), "seconds")]
        if pts:
            label = "circom2" if t == "snarkjs" and stage in ("compile", "witness") else t
            ax.plot(*zip(*pts), marker="o", label=label, color=COLOURS.get(t))
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_title(stage + (" (whole process)" if stage == "verify" else ""))
    ax.set_xlabel("constraints")
    ax.set_ylabel("seconds (median)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, framealpha=0.6)
