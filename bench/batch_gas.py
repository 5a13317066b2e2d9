"""Batch verification, measured: L1 gas per rollup batch of RollupBridge.commitBatches (k batches,
one ecPairing call over k + 3 pairs) against k separate commitBatch calls, and the CPU time of
zkvmc.groth16.batch.verify_batch against n individual verifies.

Gas (anvil, the contracts `zkvmc l1 deploy` deploys): per configuration DEPTHxBATCH, a fresh
rollup is set up, its bridge deployed, batch 1 (deposits for Alice and Bob) committed, then 8
batches of transfers proven. From that state (an anvil snapshot, reverted after each
measurement) the 8 are committed one by one (commitBatch), and for k = 1, 2, 4, 8 the first k
in one commitBatches; gas of the whole transactions (21,000 + calldata + execution), per batch.

CPU (the backend `auto` picks, mcl where installed): n proofs of x * y = z (2 public signals),
verify each vs verify_batch once, median of --repeat runs, milliseconds; both validate every
input first (a pure-Python G2 subgroup check of each B dominates), so the last columns time the
pairing products alone: n products of 4 pairs against one of n + 3 (its scalar work included).

    .venv/bin/python bench/batch_gas.py                    # 4x2 and 4x4, and the CPU table
    .venv/bin/python bench/batch_gas.py --configs 4x8 --no-cpu
    .venv/bin/python bench/batch_gas.py --configs 4x2 --json out.json
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tests"))

KS = (1, 2, 4, 8)
"""Batches per commitBatches call."""


def _snapshot(w3: Any) -> str:
    return str(w3.provider.make_request("evm_snapshot", [])["result"])


def _revert(w3: Any, snap: str) -> None:
    assert w3.provider.make_request("evm_revert", [snap])["result"] is True


def _gas(client: Any, tx: str) -> int:
    return int(client.w3.eth.get_transaction_receipt(tx)["gasUsed"])


def _prepare(depth: int, batch: int, work: Path, rpc: str) -> tuple[Any, list[Any]]:
    """A deployed rollup at batch 1 and the (proof, public) of 8 proven batches of transfers."""
    from l1_support import l2_deposits, new_rollup
    from rollup_support import ALICE, BOB, CHAIN_ID, pay, pub
    from zkvmc.rollup.config import init_rollup

    template = work / f"template-{depth}x{batch}"
    t0 = time.perf_counter()
    init_rollup(template, depth, batch, CHAIN_ID, random.Random(1), insecure=True)
    r = new_rollup(template, work / f"rollup-{depth}x{batch}", rpc)
    seq, depositor = r.client(0), r.client(1)
    for prv in (ALICE, BOB):
        depositor.deposit(*pub(prv), 10**18)
    seq.commit_batch(*_pair(r.seal_and_prove(l2_deposits(seq.deposits()))))
    batches, nonce = [], 0
    for _ in range(max(KS)):
        txs = [pay(ALICE, 1, 2, 1, nonce + i) for i in range(batch)]
        nonce += batch
        batches.append(_pair(r.seal_and_prove(txs)))
    print(f"  {depth}x{batch}: set up and proved 9 batches in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return seq, batches


def _pair(record: Any) -> tuple[dict[str, Any], list[int]]:
    return record.proof, list(record.public)


def measure_gas(depth: int, batch: int, work: Path, rpc: str) -> list[dict[str, Any]]:
    """Rows {k, separate, together} of gas per batch for one configuration."""
    seq, batches = _prepare(depth, batch, work, rpc)
    snap = _snapshot(seq.w3)
    single = [_gas(seq, seq.commit_batch(*b).tx_hash) for b in batches]
    _revert(seq.w3, snap)
    rows = []
    for k in KS:
        snap = _snapshot(seq.w3)
        commits = seq.commit_batches(batches[:k])
        assert [c.batch for c in commits] == list(range(2, k + 2))
        together = _gas(seq, commits[0].tx_hash)
        _revert(seq.w3, snap)
        rows.append({"config": f"{depth}x{batch}", "k": k, "separate_total": sum(single[:k]),
                     "together_total": together, "separate_per_batch": sum(single[:k]) // k,
                     "together_per_batch": together // k})
    return rows


def measure_cpu(ns: tuple[int, ...], repeat: int) -> list[dict[str, Any]]:
    """Rows {n, individual_ms, batch_ms} on x * y = z proofs (setup once, n proofs)."""
    from zkvmc.backend import get_backend
    from zkvmc.field import R
    from zkvmc.groth16 import prove, setup, verify
    from zkvmc.groth16.batch import batch_pairs, batch_scalars, verify_batch
    from zkvmc.r1cs.system import R1CS, Constraint

    mul = R1CS(4, 1, 1, (Constraint(((2, 1),), ((3, 1),), ((1, 1),)),))
    rng = random.Random(3)
    pk, vk = setup(mul, rng)
    be = get_backend()
    ws = [[1, x * y % R, x, y] for x, y in ((rng.randrange(R), rng.randrange(R)) for _ in range(max(ns)))]
    proofs, publics = [prove(pk, mul, w, rng) for w in ws], [w[1:3] for w in ws]
    rows = []
    for n in ns:
        ind = _median(lambda: all(verify(vk, x, p, be) for x, p in zip(publics[:n], proofs[:n])), repeat)
        bat = _median(lambda: verify_batch(vk, publics[:n], proofs[:n], backend=be), repeat)
        four = [_pairs4(vk, x, p, be) for x, p in zip(publics[:n], proofs[:n])]
        ind_pairing = _median(lambda: all(be.pairing_product_is_one(q) for q in four), repeat)
        bat_pairing = _median(lambda: be.pairing_product_is_one(
            batch_pairs(vk, publics[:n], proofs[:n], batch_scalars(n), be)), repeat)
        rows.append({"backend": be.name, "n": n, "individual_ms": ind, "batch_ms": bat,
                     "individual_pairing_ms": ind_pairing, "batch_pairing_ms": bat_pairing})
    return rows


def _pairs4(vk: Any, public: list[int], proof: Any, be: Any) -> list[tuple[Any, Any]]:
    """verify's 4 pairs for one proof (its public combination precomputed)."""
    from zkvmc.curve.adapter import FIELD_MODULUS

    vk_x = be.g1_msm(list(vk.gamma_abc_g1), [1, *public])
    neg_a = (proof.a[0], -proof.a[1] % FIELD_MODULUS)
    return [(neg_a, proof.b), (vk.alpha_g1, vk.beta_g2), (vk_x, vk.gamma_g2), (proof.c, vk.delta_g2)]


def _median(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        assert fn() is True
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 2)


def print_gas(rows: list[dict[str, Any]]) -> None:
    print("| config (DxB) | k | k × commitBatch, gas per batch | commitBatches, gas per batch | saved |")
    print("|---|---|---|---|---|")
    for r in rows:
        saved = 1 - r["together_per_batch"] / r["separate_per_batch"]
        print(f"| {r['config']} | {r['k']} | {r['separate_per_batch']:,} | {r['together_per_batch']:,} | "
              f"{saved:.0%} |")


def print_cpu(rows: list[dict[str, Any]]) -> None:
    print("| backend | n | n × verify (ms) | verify_batch (ms) | speed-up | pairings only: 4n (ms) | n + 3 (ms) "
          "| speed-up |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['backend']} | {r['n']} | {r['individual_ms']:,} | {r['batch_ms']:,} | "
              f"{r['individual_ms'] / r['batch_ms']:.1f}× | {r['individual_pairing_ms']:,} | "
              f"{r['batch_pairing_ms']:,} | {r['individual_pairing_ms'] / r['batch_pairing_ms']:.1f}× |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--configs", default="4x2,4x4", help="DEPTHxBATCH list [default: 4x2,4x4]")
    ap.add_argument("--no-gas", action="store_true", help="Skip the L1 gas table.")
    ap.add_argument("--no-cpu", action="store_true", help="Skip the CPU table.")
    ap.add_argument("--sizes", default="1,8,64", help="n for the CPU table [default: 1,8,64]")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", default=None, help="Also write the rows here.")
    args = ap.parse_args()
    result: dict[str, Any] = {}
    if not args.no_gas:
        from zkvmc.l1.devnet import free_port, rpc_url, start_anvil, stop

        port = free_port()
        proc = start_anvil(port)
        try:
            with tempfile.TemporaryDirectory(prefix="zkvmc-batch-gas-") as work:
                result["gas"] = [row for cfg in args.configs.split(",")
                                 for row in measure_gas(*map(int, cfg.split("x")), Path(work), rpc_url(port))]
        finally:
            stop(proc)
        print_gas(result["gas"])
    if not args.no_cpu:
        result["cpu"] = measure_cpu(tuple(int(n) for n in args.sizes.split(",")), args.repeat)
        print_cpu(result["cpu"])
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
