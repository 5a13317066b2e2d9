"""SnarkPack aggregation benchmark: aggregate, its size and its verification against verifying the
n proofs one by one and as one batch (zkvmc.groth16.batch), for n = 8, 64, 256, 1024 by default.

The proofs are of one tiny circuit (x * y = z, one public input and one output), made with the
default backend (mcl when installed); everything is timed in-process, single-threaded (jobs=1),
wall clock and CPU. The aggregate's size is given as its JSON file and as raw uncompressed group
elements (GT 384 B, G1 64 B, G2 128 B); n proofs are 256 B each raw. Verify times include
validating the inputs (subgroup checks), as the CLI does; "batch pairing" is the batch check's
n + 3 pairing product alone (zkvmc.groth16.batch.batch_pairs, inputs already validated).

    .venv/bin/python bench/aggregate.py                 # 8 64 256 1024
    .venv/bin/python bench/aggregate.py 8 64 --json out.json --chart docs/aggregation.png
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any, Callable

from zkvmc.field import R
from zkvmc.r1cs.system import R1CS, Constraint

MUL = R1CS(4, 1, 1, (Constraint(((2, 1),), ((3, 1),), ((1, 1),)),))
"""x * y = z: z the public output (wire 1), x a public input (wire 2), y private (wire 3)."""

PAPER = {"n": 8192, "aggregate_s": 8.7, "verify_s": 0.163, "size_bytes": 41_000,
         "setting": "bellperson, BLS12-381, 32-core machine (eprint 2021/529 abstract; size ~38x below "
                    "8192 proofs, per the authors' blog post)"}
"""The paper's headline figures (its own machine and curve: beside ours, not comparable one to one)."""


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, wall s, CPU s)."""
    w, c = time.perf_counter(), time.process_time()
    res = fn()
    return res, time.perf_counter() - w, time.process_time() - c


def make_proofs(n: int, be: Any) -> tuple[Any, list[Any], list[list[int]]]:
    """A key and n proofs of MUL for random x, y."""
    from zkvmc.groth16 import prove, public_signals, setup

    rng = random.Random(2021)
    pk, vk = setup(MUL, rng, backend=be)
    proofs, publics = [], []
    for _ in range(n):
        x, y = rng.randrange(R), rng.randrange(R)
        w = [1, x * y % R, x, y]
        proofs.append(prove(pk, MUL, w, rng, backend=be))
        publics.append(public_signals(MUL, w))
    return vk, proofs, publics


def run_size(n: int, vk: Any, proofs: list[Any], publics: list[list[int]], srs: Any, be: Any) -> dict[str, Any]:
    """One row: every figure for the first n proofs."""
    from zkvmc.aggregate import aggregate_proofs, verify_aggregate
    from zkvmc.aggregate.files import aggregate_to_json, compact_size
    from zkvmc.artifacts.io import json_bytes
    from zkvmc.groth16 import verify
    from zkvmc.groth16.batch import batch_pairs, batch_scalars, verify_batch

    ps, xs = proofs[:n], publics[:n]
    agg, agg_w, agg_c = timed(lambda: aggregate_proofs(vk, xs, ps, srs, be))
    ok, ver_w, ver_c = timed(lambda: verify_aggregate(vk, xs, agg, srs, be))
    each, ind_w, ind_c = timed(lambda: all(verify(vk, x, p, be) for x, p in zip(xs, ps)))
    bat, bat_w, bat_c = timed(lambda: verify_batch(vk, xs, ps, backend=be))
    rs = batch_scalars(n)
    pair, pair_w, pair_c = timed(lambda: be.pairing_product_is_one(batch_pairs(vk, xs, ps, rs, be)))
    assert ok and each and bat and pair, "a valid aggregate / proof was rejected"
    return {"n": n, "padded": agg.padded, "aggregate_s": agg_w, "aggregate_cpu_s": agg_c,
            "json_bytes": len(json_bytes(aggregate_to_json(agg))), "raw_bytes": compact_size(agg),
            "proofs_raw_bytes": 256 * n, "verify_aggregate_s": ver_w, "verify_aggregate_cpu_s": ver_c,
            "verify_each_s": ind_w, "verify_each_cpu_s": ind_c, "verify_batch_s": bat_w, "verify_batch_cpu_s": bat_c,
            "batch_pairing_s": pair_w, "batch_pairing_cpu_s": pair_c}


def print_table(rows: list[dict[str, Any]], backend: str) -> None:
    print(f"SnarkPack on BN254, zkvmc ({backend} backend, one thread); proofs of x*y=z (1 public input)")
    print("wall-clock seconds (CPU seconds in parentheses; they differ when the machine is busy)")
    print(f"{'n':>5} {'aggregate s':>16} {'agg KiB json/raw':>17} {'n proofs KiB':>12} {'verify-agg s':>16} "
          f"{'n verifies s':>16} {'batch verify s':>16} {'batch pairing s':>16}")
    for r in rows:
        t = lambda k: f"{r[k + '_s']:>7.3f} ({r[k + '_cpu_s']:>6.3f})"  # noqa: E731
        print(f"{r['n']:>5} {t('aggregate')} {r['json_bytes'] / 1024:>8.1f}/{r['raw_bytes'] / 1024:<7.1f} "
              f"{r['proofs_raw_bytes'] / 1024:>12.1f} {t('verify_aggregate')} {t('verify_each')} {t('verify_batch')} {t('batch_pairing')}")
    p = PAPER
    print(f"paper: n={p['n']}: aggregate {p['aggregate_s']} s, verify {p['verify_s']} s, ~{p['size_bytes'] // 1000} kB "
          f"({p['setting']})")


def chart(rows: list[dict[str, Any]], path: str) -> None:
    """Log-log: CPU times against n (wall time is inflated on a busy machine), sizes against n, the paper's point beside ours."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns = [r["n"] for r in rows]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for key, label, style in (("aggregate", "aggregate (prover)", "o-"), ("verify_aggregate", "verify aggregate", "s-"),
                              ("verify_each", "n single verifies", "^-"), ("verify_batch", "one batch verify", "v-"),
                              ("batch_pairing", "batch: pairing product only", "x--")):
        ax1.loglog(ns, [r[key + "_cpu_s"] for r in rows], style, label=label)
    ax1.loglog([PAPER["n"]], [PAPER["aggregate_s"]], "o", mfc="none", color="C0", label="paper: aggregate (32 cores)")
    ax1.loglog([PAPER["n"]], [PAPER["verify_s"]], "s", mfc="none", color="C1", label="paper: verify")
    ax1.set(xlabel="proofs n", ylabel="CPU seconds (one thread)", title="time")
    ax2.loglog(ns, [r["raw_bytes"] for r in rows], "o-", label="aggregate, raw elements")
    ax2.loglog(ns, [r["json_bytes"] for r in rows], "s-", label="aggregate.json")
    ax2.loglog(ns, [r["proofs_raw_bytes"] for r in rows], "^-", label="the n proofs, raw")
    ax2.loglog([PAPER["n"]], [PAPER["size_bytes"]], "o", mfc="none", color="C0", label="paper (BLS12-381)")
    ax2.set(xlabel="proofs n", ylabel="bytes", title="size")
    for ax in (ax1, ax2):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[8, 64, 256, 1024])
    ap.add_argument("--json", dest="json_out", default=None, help="Also write the rows as JSON here.")
    ap.add_argument("--chart", default=None, help="Write the log-log chart (PNG, needs matplotlib) here.")
    args = ap.parse_args()
    from zkvmc.aggregate import insecure_setup, padded_size
    from zkvmc.backend import get_backend

    be, top = get_backend(None), max(args.sizes)
    vk, proofs, publics = make_proofs(top, be)
    srs = insecure_setup(padded_size(top), random.Random(1), be)
    rows = [run_size(n, vk, proofs, publics, srs, be) for n in sorted(args.sizes)]
    print_table(rows, be.name)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"rows": rows, "paper": PAPER}, f, indent=1)
    if args.chart:
        chart(rows, args.chart)


if __name__ == "__main__":
    main()
