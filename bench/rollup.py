"""Rollup benchmark: the state-transition circuit (programs/rollup/rollup.asm) and its batches.

Table 1, per configuration DEPTHxBATCH (default 16x4 and 16x8), init and batches each in their
own process, so that the peak resident memory (getrusage ru_maxrss) of proving is reported apart
from setup's (the column is the batches' process; setup's is in the notes): constraints (O2) and
constraints per slot, compile and setup time (zkvmc.rollup.config.init_rollup, seeded insecure
randomness: this is a benchmark), then per batch (zkvmc.rollup.batch.BatchProcessor.process_batch;
batch 1 deposits into BATCH new accounts, the next ones are full batches of signed transfers):
witness time (VM run + witness solve), prove time, verify time, the whole process_batch
(checks, Merkle updates and the SQLite commit included) and transactions per second of proving
(BATCH / prove time).

Table 2, "constraints per transaction reported per depth": the program compiled with -D only
(no setup) at depths 4, 8, 16, 24, 32: constraints at batch 1, the cost of one more slot
(batch 2 - batch 1), and where a slot's constraints go, from the per-line profile of
`zkvmc info --profile` (zkvmc.cli.compile_cmds.profile_rows), grouped by the program's routines.

    .venv/bin/python bench/rollup.py                              # both tables (a few minutes)
    .venv/bin/python bench/rollup.py --configs 16x4,16x8 --batches 2
    .venv/bin/python bench/rollup.py --configs 4x2 --batches 1 --depths 4,8   # quick
    .venv/bin/python bench/rollup.py --depths ''                  # table 1 only
    .venv/bin/python bench/rollup.py --configs '' --depths 4,16   # table 2 only
    .venv/bin/python bench/rollup.py --keep bench-out             # keep the rollup folders (for bench/rollup_gas.py --dir)

Timings are wall-clock on the default backend (mcl when installed), with prove's CPU seconds
beside them (a busy machine shows as CPU < wall). Setup uses every core
(as `zkvmc rollup init`), proving one (as `zkvmc rollup batch`) unless --jobs says otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "programs" / "rollup" / "rollup.asm"
CHAIN_ID = 1
CATEGORIES = ("signature", "merkle", "path_bits", "leaf", "range", "other")
"""The breakdown's groups (see `category`)."""
CATEGORY_TITLES = {"signature": "signature", "merkle": "Merkle hashes", "path_bits": "path bits",
                   "leaf": "leaf hashes", "range": "range/u64", "other": "other"}


# ---------------------------------------------------------------- timing the library's stages


class Timers:
    """Wall-clock seconds spent in wrapped library functions, by name, and this process's CPU
    seconds (all its threads, not forked workers) by name + "_cpu" (reset per batch)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - t0
                self.seconds[name + "_cpu"] += time.process_time() - c0
        return timed

    def take(self) -> dict[str, float]:
        out, self.seconds = dict(self.seconds), defaultdict(float)
        return out


@contextlib.contextmanager
def timed_library(timers: Timers) -> Iterator[None]:
    """Time compile_program, setup, run, solve, prove and verify where init_rollup and
    BatchProcessor call them (they import them from these modules at call time)."""
    import zkvmc.compiler
    import zkvmc.groth16
    import zkvmc.vm
    import zkvmc.witness

    patches = [(zkvmc.compiler, "compile_program", "compile"), (zkvmc.groth16, "setup", "setup"),
               (zkvmc.vm, "run", "run"), (zkvmc.witness, "solve", "solve"),
               (zkvmc.groth16, "prove", "prove"), (zkvmc.groth16, "verify", "verify")]
    saved = [(mod, attr, getattr(mod, attr)) for mod, attr, _ in patches]
    for mod, attr, name in patches:
        setattr(mod, attr, timers.wrap(name, getattr(mod, attr)))
    try:
        yield
    finally:
        for mod, attr, fn in saved:
            setattr(mod, attr, fn)


# ---------------------------------------------------------------- table 1: one configuration


def keys(n: int) -> list[bytes]:
    """n deterministic private keys (a benchmark, not a wallet)."""
    return [bytes((i + k) % 256 for k in range(32)) for i in range(1, n + 1)]


def batches_of(batch: int, n_batches: int) -> Iterator[tuple[str, list[Any]]]:
    """Batch 1: BATCH deposits creating accounts 1..BATCH; then rounds of transfers i -> i+1."""
    from zkvmc.crypto.eddsa import prv2pub
    from zkvmc.rollup.transactions import deposit, signed, transfer

    prvs = keys(batch)
    yield "deposits", [deposit(i + 1, *prv2pub(prv), 1_000_000) for i, prv in enumerate(prvs)]
    for round_ in range(n_batches - 1):
        txs = [signed(transfer(i + 1, (i + 1) % batch + 1, 1 + round_, round_), prv, CHAIN_ID)
               for i, prv in enumerate(prvs)]
        yield "transfers", txs


def run_init(folder: Path, depth: int, batch: int, jobs: int | None) -> dict[str, Any]:
    """init_rollup in this process: compile and setup times, peak memory."""
    from zkvmc.rollup.config import init_rollup

    timers = Timers()
    with timed_library(timers):
        t0 = time.perf_counter()
        init_rollup(folder, depth, batch, CHAIN_ID, random.Random(depth * 1000 + batch), jobs=jobs)
        init_s = time.perf_counter() - t0
    t = timers.take()
    return {"init_s": init_s, "compile_s": t["compile"], "setup_s": t["setup"],
            "init_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "setup_workers_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def run_batches(folder: Path, batch: int, n_batches: int, jobs: int | None) -> dict[str, Any]:
    """n_batches batches through BatchProcessor in this process (as a node would, without setup)."""
    from zkvmc.rollup.batch import BatchProcessor

    timers = Timers()
    res: dict[str, Any] = {}
    with timed_library(timers):
        p = BatchProcessor(str(folder), jobs=jobs, rng=random.Random(7))
        try:
            t0 = time.perf_counter()
            circuit, _ = p.circuit, p.keys
            res["load_s"] = time.perf_counter() - t0
            res.update(constraints=len(circuit.r1cs.constraints), wires=circuit.r1cs.n_wires,
                       public=circuit.r1cs.n_public, pk_mb=(folder / "proving_key.json").stat().st_size / 2**20)
            rows = []
            for kind, txs in batches_of(batch, n_batches):
                timers.take()
                t0 = time.perf_counter()
                p.process_batch(txs, p.state.root())
                total = time.perf_counter() - t0
                t = timers.take()
                rows.append({"kind": kind, "txs": len(txs), "total_s": total, "witness_s": t["run"] + t["solve"],
                             "run_s": t["run"], "solve_s": t["solve"], "prove_s": t["prove"], "prove_cpu_s": t["prove_cpu"],
                             "verify_s": t["verify"], "tx_per_s": len(txs) / t["prove"]})
                print(f"  {folder.name} batch {len(rows)} ({kind}): {total:.1f} s", file=sys.stderr, flush=True)
            res["batches"] = rows
        finally:
            p.close()
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return res


def run_config(depth: int, batch: int, n_batches: int, jobs: int | None, keep: str | None) -> dict[str, Any]:
    """Init a rollup in one process, then prove n_batches batches in another; the measurements."""
    folder = Path(keep) / f"rollup-{depth}x{batch}" if keep else Path(tempfile.mkdtemp(prefix="zkvmc-rollup-bench-")) / f"rollup-{depth}x{batch}"
    if folder.exists():
        shutil.rmtree(folder)
    res: dict[str, Any] = {"depth": depth, "batch": batch, "folder": str(folder) if keep else None}
    try:
        for phase in ("init", "batches"):
            cmd = [sys.executable, __file__, "--phase", phase, "--one", f"{depth}x{batch}", "--folder", str(folder),
                   "--batches", str(n_batches)] + (["--jobs", str(jobs)] if jobs is not None else [])
            res.update(json.loads(subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True).stdout))
    finally:
        if not keep:
            shutil.rmtree(folder.parent, ignore_errors=True)
    return res


CONFIG_HEAD = (f"{'config':>7} {'constraints':>11} {'per slot':>8} {'compile s':>9} {'setup s':>8} {'batch':>5} "
               f"{'kind':>9} {'witness s':>9} {'prove s (cpu)':>15} {'verify s':>8} {'batch s':>8} {'tx/s':>6} {'peak MB':>8}")


def print_config(r: dict[str, Any]) -> None:
    """One configuration's rows of table 1."""
    for k, b in enumerate(r["batches"]):
        first = k == 0
        cfg = (f"{str(r['depth']) + 'x' + str(r['batch']):>7} {r['constraints']:>11} "
               f"{r['constraints'] / r['batch']:>8.0f} {r['compile_s']:>9.1f} {r['setup_s']:>8.1f}"
               if first else " " * 48)
        peak = f"{r['peak_rss_mb']:>8.0f}" if first else ""
        prove = f"{b['prove_s']:.2f} ({b['prove_cpu_s']:.2f})"
        print(f"{cfg} {k + 1:>5} {b['kind']:>9} {b['witness_s']:>9.2f} {prove:>15} "
              f"{b['verify_s']:>8.3f} {b['total_s']:>8.2f} {b['tx_per_s']:>6.2f} {peak}", flush=True)


def print_config_notes(results: list[dict[str, Any]]) -> None:
    for r in results:
        print(f"  {r['depth']}x{r['batch']}: {r['wires']} wires, {r['public']} public signals, proving key "
              f"{r['pk_mb']:.0f} MB (reading circuit + keys {r['load_s']:.1f} s); init_rollup {r['init_s']:.1f} s "
              f"(compile, setup, files), peak {r['init_peak_rss_mb']:.0f} MB, setup workers' "
              f"{r['setup_workers_peak_rss_mb']:.0f} MB")


# ---------------------------------------------------------------- table 2: constraints per depth


def routines(source: Path) -> dict[int, str]:
    """Source line -> the routine it belongs to ("main" before the first `; ---- name:` routine)."""
    lines = source.read_text().splitlines()
    owner, pending, current = {}, None, "main"
    for n, text in enumerate(lines, 1):
        m = re.match(r";\s*----\s*(\w+):", text)
        if m:
            pending = m.group(1)
        label = re.match(r"(\w+):", text)
        if label and label.group(1) == pending:
            current, pending = pending, None
        owner[n] = current
    return owner


def category(instruction: str, routine: str) -> str:
    """The breakdown group of one source line's constraints:
    signature  the `eddsa` check and the signed message's Poseidon(7) in `pay`;
    merkle     the Poseidon(2) hashes of `path` (old and new root, for both accounts of a slot);
    path_bits  the rest of `path`: bit checks, the left/right selection, the index;
    leaf       the other Poseidon hashes: leaves (4 inputs) before and after each update;
    range      `range` and `lt`: u64 amounts, balances and nonces, the batch number, the L1 address;
    other      kind flags, field rules, memory, control flow."""
    op = instruction.split()[0] if instruction else ""
    if op == "eddsa" or (op == "hash" and routine == "pay" and instruction.count(",") > 4):
        return "signature"
    if routine == "path":
        return "merkle" if op == "hash" else "path_bits"
    if op == "hash":
        return "leaf"
    if op in ("range", "lt"):
        return "range"
    return "other"


def breakdown(circuit: Any, source: Path) -> dict[str, int]:
    """Constraints by category, from the per-line profile of `zkvmc info --profile`."""
    from zkvmc.cli.compile_cmds import profile_rows

    owner = routines(source)
    groups: Counter[str] = Counter({c: 0 for c in CATEGORIES})
    for line, n, text in profile_rows(circuit):
        groups[category(text, owner.get(line, "main"))] += n
    assert sum(groups.values()) == len(circuit.r1cs.constraints)
    return dict(groups)


def compile_rollup(depth: int, batch: int) -> tuple[Any, float]:
    from zkvmc.asm import assemble_file
    from zkvmc.compiler import compile_program

    t0 = time.perf_counter()
    program = assemble_file(str(PROGRAM), {"DEPTH": depth, "BATCH": batch, "CHAIN_ID": CHAIN_ID})
    circuit = compile_program(program, 2)
    return circuit, time.perf_counter() - t0


def depth_row(depth: int) -> dict[str, Any]:
    one, secs = compile_rollup(depth, 1)
    two, _ = compile_rollup(depth, 2)
    c1, c2 = len(one.r1cs.constraints), len(two.r1cs.constraints)
    return {"depth": depth, "batch1": c1, "slot": c2 - c1, "fixed": 2 * c1 - c2, "compile_s": secs,
            **breakdown(one, PROGRAM)}


def print_depths_head() -> None:
    print("Constraints per transaction slot by tree depth (compiled with -D DEPTH=d -D BATCH=1 and 2, O2, no setup)")
    print("slot = batch 2 - batch 1 (every kind costs the same); breakdown of the batch-1 circuit from the "
          "per-line profile (zkvmc info --profile)")
    cats = " ".join(f"{CATEGORY_TITLES[c]:>13}" for c in CATEGORIES)
    print(f"{'depth':>5} {'batch 1':>8} {'slot':>7} {cats} {'compile s':>9}", flush=True)


def print_depth(r: dict[str, Any]) -> None:
    cats = " ".join(f"{r[c]:>6} {100 * r[c] / r['batch1']:>5.1f}%" for c in CATEGORIES)
    print(f"{r['depth']:>5} {r['batch1']:>8} {r['slot']:>7} {cats} {r['compile_s']:>9.1f}", flush=True)


# ---------------------------------------------------------------- main


def parse_configs(text: str) -> list[tuple[int, int]]:
    out = []
    for item in filter(None, (s.strip() for s in text.split(","))):
        d, b = item.lower().split("x")
        out.append((int(d), int(b)))
    return out


def main(argv: list[str]) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--configs", default="16x4,16x8", help="DEPTHxBATCH,... for table 1 ('' to skip)")
    ap.add_argument("--batches", type=int, default=2, help="batches proven per configuration (>= 1)")
    ap.add_argument("--depths", default="4,8,16,24,32", help="depths for table 2 ('' to skip)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes for setup and proving "
                    "(default: all cores for setup, 1 for proving, as the CLI)")
    ap.add_argument("--keep", default=None, help="keep the rollup folders under this directory")
    ap.add_argument("--json", default=None, help="also write the measurements to this JSON file")
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--phase", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--folder", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phase:
        d, b = parse_configs(args.one)[0]
        folder = Path(args.folder)
        res = run_init(folder, d, b, args.jobs) if args.phase == "init" else run_batches(folder, b, args.batches, args.jobs)
        print(json.dumps(res))
        return {}

    from zkvmc.backend import get_backend
    from zkvmc.curve.fq import HAVE_GMPY2

    backend = get_backend(None).name + (" backend, gmpy2" if HAVE_GMPY2 else " backend, plain ints")
    print(f"zkvmc rollup benchmark ({backend}, chain id {CHAIN_ID})\n", flush=True)
    results: dict[str, Any] = {"configs": [], "depths": []}
    configs = parse_configs(args.configs)
    if configs:
        print("Rollup batches (programs/rollup/rollup.asm): init_rollup, then BatchProcessor.process_batch in a fresh process")
        print("wall-clock seconds, prove's CPU seconds in parentheses (they differ when the machine is busy); "
              "witness = VM run + witness solve;\ntx/s = batch size / prove time; batch 1 = deposits, then transfers; "
              "peak MB = the batches' process")
        print(CONFIG_HEAD, flush=True)
        for d, b in configs:
            results["configs"].append(run_config(d, b, max(1, args.batches), args.jobs, args.keep))
            print_config(results["configs"][-1])
        print_config_notes(results["configs"])
        print()
    depths = [int(d) for d in args.depths.split(",") if d.strip()]
    if depths:
        print_depths_head()
        for d in depths:
            results["depths"].append(depth_row(d))
            print_depth(results["depths"][-1])
        print(f"  fixed part of a batch (batch 1 - slot): {results['depths'][0]['fixed']} constraints "
              "(the batch number's range check, outputs)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
