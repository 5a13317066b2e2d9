"""Load benchmark of the rollup node: signed transfers at a set rate, over loopback, against a real
anvil and a real `zkvmc node` process, for a bounded time; docs/node.md, "Measured".

For each configuration DEPTHxBATCH (default 16x4 and 16x8):

1. a rollup folder: `zkvmc rollup init --insecure-seed 1` (a benchmark: reproducible, worthless
   keys) into a template under --work, made once and reused by later runs, copied for each run;
2. anvil on a free port of 127.0.0.1 (zkvmc.l1.devnet), the rollup's verifier and bridge
   deployed (zkvmc.l1.deploy), and `python -m zkvmc node --l1 l1.json` on a free port;
3. funded accounts: --accounts deposits on L1 (anvil's dev key 1 pays), then a wait until the
   node has committed them on L1 (not measured);
4. the load: --rate signed transfers per second for --seconds (signed beforehand; account i pays
   account i + 1, so consecutive transactions of one account are --accounts / --rate seconds
   apart and arrive in nonce order), each POSTed at its scheduled time whatever the earlier ones
   are doing (an open loop: a slow node does not slow the offered load);
5. a wait until every acknowledged transaction is committed on L1 (bounded by --drain), then the
   node's own records (GET /txs/{hash}, /batches/{n}) give each one's batch, proving time and
   L1 commit time;
6. a burst: --burst more transfers sent as fast as the node answers, one sender per account (each
   posts its next transaction when the last is acknowledged), to see how fast the sequencer
   acknowledges; they are not waited for on L1. Everything is stopped (SIGTERM, then SIGKILL)
   whatever happens.

Columns: offered rate; transactions accepted (acknowledged) per second over the load's window;
refused submissions; p50/p99 of the acknowledgement latency (POST /txs to its 200, as the client
sees it); p50/p99 of the time from submission to the L1 commit of its batch (the node records the
commit's time); batches per minute (the load's batches, from the first submission to the last L1
commit); the median proving time of a batch; the prover's share of the time: the median over
transactions of (its batch's proving time / its submission-to-L1 time), and the provers' busy
fraction (proving seconds / (provers x the window)); then the burst's acknowledgements per
second and their latency.

    .venv/bin/python bench/load.py                        # 16x4 and 16x8, 0.5 tx/s for 120 s (~15 min)
    .venv/bin/python bench/load.py --configs 4x2 --rate 1 --seconds 20 --burst 40   # a quick look
    .venv/bin/python bench/load.py --work /tmp/zkload --json load.json

Loopback only (127.0.0.1); the request loop is bounded in count (rate x seconds) and time.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rollup import parse_configs  # noqa: E402 - bench/rollup.py's DEPTHxBATCH parser (bench/ is sys.path[0])

GWEI = 10**9
DEPOSIT_GWEI = 10**6
"""Each funded account's deposit (gwei): far more than the load spends."""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of values."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))] if s else float("nan")


def template(work: Path, depth: int, batch: int) -> Path:
    """The rollup DEPTHxBATCH initialised once under work (reused while it exists)."""
    folder = work / f"template-{depth}x{batch}"
    if (folder / "rollup.json").exists() and (folder / "state.db").exists():
        return folder
    tmp = work / f"template-{depth}x{batch}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"[{depth}x{batch}] zkvmc rollup init (once; depth 16 with batch 8 takes ~4 min on 2 cores)")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "zkvmc", "rollup", "init", "--depth", str(depth), "--batch", str(batch),
                    "--chain-id", "1", "-d", str(tmp), "--insecure-seed", "1"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tmp.rename(folder)
    log(f"[{depth}x{batch}] initialised in {time.perf_counter() - t0:.0f} s")
    return folder


@dataclass
class Node:
    """A `zkvmc node` process."""

    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def get(self, path: str) -> Any:
        import httpx

        r = httpx.get(self.url + path, timeout=30)
        r.raise_for_status()
        return r.json()

    def health(self) -> dict[str, Any] | None:
        import httpx

        try:
            return self.get("/health")
        except httpx.HTTPError:
            return None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait(what: Callable[[], Any], node: Node, timeout: float, message: str) -> Any:
    """what()'s first truthy value; RuntimeError (with the node's log) if it dies or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        got = what()
        if got:
            return got
        if node.proc.poll() is not None or time.monotonic() > deadline:
            tail = node.log.read_text(errors="replace")[-3000:]
            why = f"the node exited ({node.proc.returncode})" if node.proc.poll() is not None else "timed out"
            raise RuntimeError(f"{why} waiting for {message}; node log:\n{tail}")
        time.sleep(0.25)


def settled(node: Node) -> bool:
    """Everything acknowledged is committed on L1 and nothing is pending or proving."""
    h = node.health()
    return bool(h) and h["mempool_depth"] == 0 and h["batches_proving"] == 0 and \
        h["last_sealed"] == h["last_committed"] == h["last_l1_committed"]


@dataclass
class Sent:
    """One submission as the client saw it."""

    at: float
    """Wall-clock time of the POST (time.time(), comparable with the node's records)."""
    ack: float
    """Seconds to the answer."""
    status: int
    hash: str | None = None
    batch: int | None = None
    l1_at: float | None = None


@dataclass
class Result:
    config: str
    rate: float
    seconds: float
    provers: int
    max_wait: float
    offered: int
    accepted: int
    refused: dict[str, int] = field(default_factory=dict)
    ack_p50_ms: float = 0.0
    ack_p99_ms: float = 0.0
    l1_p50_s: float = 0.0
    l1_p99_s: float = 0.0
    batches: int = 0
    batches_per_min: float = 0.0
    prove_median_s: float = 0.0
    prover_share: float = 0.0
    prover_busy: float = 0.0
    accepted_per_s: float = 0.0
    txs_per_batch: float = 0.0
    burst: int = 0
    burst_per_s: float = 0.0
    burst_p50_ms: float = 0.0
    burst_p99_ms: float = 0.0
    load_avg: list[float] = field(default_factory=list)
    """The machine's 1-minute load average sampled during the paced load and its drain (the
    node's own provers make ~provers; more means other work shared the cores)."""


async def drive(url: str, bodies: list[dict[str, Any]], rate: float) -> list[Sent]:
    """POST each body at t0 + i / rate (open loop); what each got."""
    import httpx

    async def one(client: httpx.AsyncClient, i: int, body: dict[str, Any], start: float) -> Sent:
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        at, t0 = time.time(), time.perf_counter()
        try:
            r = await client.post("/txs", json=body)
        except httpx.HTTPError as e:
            return Sent(at, time.perf_counter() - t0, 0, f"{type(e).__name__}")
        ack = time.perf_counter() - t0
        got = r.json()
        return Sent(at, ack, r.status_code, got.get("hash") if r.status_code == 200 else got.get("code"))

    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        start = time.perf_counter() + 0.2
        return list(await asyncio.gather(*(one(client, i, b, start) for i, b in enumerate(bodies))))


async def burst(url: str, queues: list[list[dict[str, Any]]]) -> tuple[list[Sent], float]:
    """Each queue POSTed in order by its own sender, all senders at once (a closed loop: a sender
    posts its next transaction when the last is answered); what each got and the seconds taken."""
    import httpx

    async def sender(client: httpx.AsyncClient, bodies: list[dict[str, Any]]) -> list[Sent]:
        got = []
        for body in bodies:
            at, t0 = time.time(), time.perf_counter()
            r = await client.post("/txs", json=body)
            code = r.json().get("hash" if r.status_code == 200 else "code")
            got.append(Sent(at, time.perf_counter() - t0, r.status_code, code))
        return got

    limits = httpx.Limits(max_connections=len(queues), max_keepalive_connections=len(queues))
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        t0 = time.perf_counter()
        results = await asyncio.gather(*(sender(client, q) for q in queues))
        return [s for r in results for s in r], time.perf_counter() - t0


def run_config(depth: int, batch: int, args: argparse.Namespace, work: Path) -> Result:
    """One configuration, end to end; everything started here is stopped before returning."""
    from zkvmc.crypto.eddsa import prv2pub
    from zkvmc.l1.bridge import BridgeClient
    from zkvmc.l1.config import write_info
    from zkvmc.l1.deploy import deploy
    from zkvmc.l1.devnet import DEV_KEYS, free_port, rpc_url, start_anvil, stop
    from zkvmc.rollup.transactions import signed, to_json, transfer

    name = f"{depth}x{batch}"
    folder = work / f"run-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(template(work, depth, batch), folder)
    anvil = start_anvil(free_port())
    node: Node | None = None
    try:
        port = int(anvil.args[anvil.args.index("--port") + 1])
        info = deploy(folder, rpc_url(port), DEV_KEYS[0], dev_keys=DEV_KEYS)
        l1_json = work / f"l1-{name}.json"
        write_info(l1_json, info)
        node_port = free_port()
        node_log = work / f"node-{name}.log"
        with open(node_log, "wb") as sink:
            proc = subprocess.Popen([sys.executable, "-m", "zkvmc", "node", "-d", str(folder), "--l1", str(l1_json),
                                     "--port", str(node_port), "--provers", str(args.provers), "--max-wait",
                                     str(args.max_wait), "--log-level", "info"], cwd=ROOT, stdin=subprocess.DEVNULL,
                                    stdout=sink, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        node = Node(proc, f"http://127.0.0.1:{node_port}", node_log)
        wait(node.health, node, 120, "the node to answer")
        chain_id = int(node.get("/health")["chain_id"])

        # funded accounts: deposits on L1, committed before the load starts
        prvs = [hashlib.sha256(f"zkvmc-load-{i}".encode()).digest() for i in range(args.accounts)]
        depositor = BridgeClient(info, DEV_KEYS[1])
        index = [depositor.deposit(*prv2pub(prv), DEPOSIT_GWEI * GWEI)[1].account for prv in prvs]
        log(f"[{name}] {len(prvs)} deposits queued on L1; waiting for the node to commit them")
        wait(lambda: node.get("/health")["next_deposit"] == len(prvs) and settled(node), node, args.drain,
             "the deposits on L1")
        before = node.get("/health")["last_l1_committed"]

        # the load: transfers i -> i + 1, signed beforehand
        n = int(args.rate * args.seconds)
        nonces = [0] * len(prvs)
        bodies = []
        for j in range(n):
            a = j % len(prvs)
            tx = transfer(index[a], index[(a + 1) % len(prvs)], 1, nonces[a])
            nonces[a] += 1
            bodies.append(to_json(signed(tx, prvs[a], chain_id)))
        log(f"[{name}] {n} transfers signed; sending {args.rate:g}/s for {args.seconds:g} s")
        load_avg = [os.getloadavg()[0]]
        sent = asyncio.run(drive(node.url, bodies, args.rate))
        load_avg.append(os.getloadavg()[0])
        ok = [s for s in sent if s.status == 200]
        log(f"[{name}] {len(ok)} acknowledged; waiting for them on L1 (at most {args.drain:.0f} s)")
        wait(lambda: settled(node), node, args.drain, "every acknowledged transaction on L1")
        load_avg.append(os.getloadavg()[0])

        # the node's records
        for s in ok:
            view = node.get(f"/txs/{s.hash}")
            s.batch, s.l1_at = view["batch"], (view["l1"] or {}).get("committed_at")
        batches = {n: node.get(f"/batches/{n}") for n in sorted({s.batch for s in ok if s.batch is not None})}
        assert all(b["status"] == "committed" for b in batches.values()) and all(s.l1_at for s in ok)
        assert min(batches, default=before + 1) > before
        start = min(s.at for s in sent)
        end = max(b["l1"]["committed_at"] for b in batches.values()) if batches else start
        window = max(s.at for s in sent) - start + 1 / args.rate
        prove = {n: b["prove_seconds"] for n, b in batches.items()}
        refused: dict[str, int] = {}
        for s in sent:
            if s.status != 200:
                refused[f"{s.status} {s.hash}"] = refused.get(f"{s.status} {s.hash}", 0) + 1
        # a burst, once the paced load is on L1: how fast the sequencer acknowledges (not proven here)
        burst_ok: list[Sent] = []
        burst_seconds = 0.0
        if args.burst:
            per = max(1, args.burst // len(prvs))
            queues = []
            for a in range(len(prvs)):
                queues.append([])
                for _ in range(per):
                    tx = transfer(index[a], index[(a + 1) % len(prvs)], 1, nonces[a])
                    nonces[a] += 1
                    queues[-1].append(to_json(signed(tx, prvs[a], chain_id)))
            log(f"[{name}] burst: {per * len(prvs)} transfers, {len(prvs)} senders at once")
            burst_sent, burst_seconds = asyncio.run(burst(node.url, queues))
            burst_ok = [s for s in burst_sent if s.status == 200]
            for s in burst_sent:
                if s.status != 200:
                    refused[f"burst {s.status} {s.hash}"] = refused.get(f"burst {s.status} {s.hash}", 0) + 1
        return Result(
            burst=len(burst_ok), burst_per_s=len(burst_ok) / burst_seconds if burst_seconds else 0.0,
            burst_p50_ms=1000 * pct([s.ack for s in burst_ok], 0.5),
            burst_p99_ms=1000 * pct([s.ack for s in burst_ok], 0.99),
            load_avg=[round(x, 2) for x in load_avg], config=name, rate=args.rate, seconds=args.seconds,
            provers=args.provers, max_wait=args.max_wait,
            offered=n, accepted=len(ok), refused=refused,
            ack_p50_ms=1000 * pct([s.ack for s in ok], 0.5), ack_p99_ms=1000 * pct([s.ack for s in ok], 0.99),
            l1_p50_s=pct([s.l1_at - s.at for s in ok], 0.5), l1_p99_s=pct([s.l1_at - s.at for s in ok], 0.99),
            batches=len(batches), batches_per_min=60 * len(batches) / (end - start) if end > start else 0.0,
            prove_median_s=statistics.median(prove.values()) if prove else 0.0,
            prover_share=statistics.median(prove[s.batch] / (s.l1_at - s.at) for s in ok) if ok else 0.0,
            prover_busy=sum(prove.values()) / (args.provers * (end - start)) if end > start else 0.0,
            accepted_per_s=len(ok) / window, txs_per_batch=len(ok) / len(batches) if batches else 0.0)
    finally:
        if node is not None:
            node.stop()
        stop(anvil)


HEAD = ("| config | offered | accepted/s | refused | ack p50 / p99 | submit→L1 p50 / p99 | batches/min "
        "| txs/batch | prove/batch | prover share | provers busy | burst accepted/s | burst ack p50 / p99 |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def row(r: Result) -> str:
    refused = sum(r.refused.values())
    return (f"| {r.config} | {r.rate:g}/s × {r.seconds:g} s | {r.accepted_per_s:.2f} | {refused} | "
            f"{r.ack_p50_ms:.1f} / {r.ack_p99_ms:.1f} ms | {r.l1_p50_s:.1f} / {r.l1_p99_s:.1f} s | "
            f"{r.batches_per_min:.1f} | {r.txs_per_batch:.1f} | {r.prove_median_s:.1f} s | "
            f"{100 * r.prover_share:.0f} % | {100 * r.prover_busy:.0f} % | "
            + (f"{r.burst_per_s:.1f} ({r.burst} txs) | {r.burst_p50_ms:.1f} / {r.burst_p99_ms:.1f} ms |"
               if r.burst else "– | – |"))


def main(argv: list[str]) -> list[Result]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--configs", default="16x4,16x8", help="DEPTHxBATCH,... (default 16x4,16x8)")
    ap.add_argument("--rate", type=float, default=0.5, help="transfers offered per second (default 0.5)")
    ap.add_argument("--seconds", type=float, default=120.0, help="how long the load is offered (default 120)")
    ap.add_argument("--accounts", type=int, default=16, help="funded accounts sending (default 16)")
    ap.add_argument("--provers", type=int, default=2, help="the node's prover processes (default 2)")
    ap.add_argument("--max-wait", type=float, default=20.0,
                    help="the node's --max-wait (default 20 s: at these rates batches fill first)")
    ap.add_argument("--drain", type=float, default=1200.0, help="longest wait for L1 commits, seconds")
    ap.add_argument("--work", default=None, help="folder for rollup templates (kept, reused) and runs "
                    "(default: a temporary folder, removed)")
    ap.add_argument("--burst", type=int, default=320, help="transfers sent as fast as possible after the paced "
                    "load, one sender per account (0: none)")
    ap.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = ap.parse_args(argv)
    if args.rate <= 0 or args.seconds <= 0 or args.accounts < 2:
        ap.error("--rate and --seconds must be positive, --accounts at least 2")
    if args.rate * args.seconds > 100_000:
        ap.error("at most 100,000 transactions per run")
    from zkvmc.backend import get_backend

    tmp = None if args.work else tempfile.TemporaryDirectory(prefix="zkvmc-load-")
    work = Path(args.work or tmp.name)  # type: ignore[union-attr]
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for depth, batch in parse_configs(args.configs):
            results.append(run_config(depth, batch, args, work))
            log(row(results[-1]))
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(f"zkvmc node under load ({get_backend(None).name} backend, {os.cpu_count()} cores; node --provers "
          f"{args.provers} --max-wait {args.max_wait:g}; {args.accounts} accounts; anvil automining)")
    print(HEAD)
    for r in results:
        print(row(r))
    for r in results:
        print(f"{r.config}: {r.offered} offered, {r.accepted} acknowledged in {r.batches} batches; 1-min load average "
              f"at the load's start, end and drain: {', '.join(f'{x:.2f}' for x in r.load_avg)}"
              + (f"; refused: {r.refused}" if r.refused else ""))
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ for r in results], indent=1))
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
