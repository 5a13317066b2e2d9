"""The node's pipeline in process, against the fake bridge: batches sealed at N transactions and
after max-wait (never empty), several batches proving at once and committed in order locally and
on L1, L1 deposits taken into batches in queue order, and recovery from the database after a stop
(sealed batches sealed again and proven, a stored proof reused, pending transactions kept)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from rollup_support import ALICE, BOB, CAROL, pay, pub
from node_support import DelayedProver, config, funded_rollup, idle, prover_pool, wait_for  # noqa: F401
from zkvmc.errors import InputError
from zkvmc.errors import L1Mismatch
from zkvmc.node.fake_l1 import FakeBridge
from zkvmc.node.node import Node
from zkvmc.node.prover import ProverPool
from zkvmc.rollup.state import StateManager


def health(node: Node) -> dict[str, Any]:
    return node.health().result()


def batch(node: Node, n: int) -> dict[str, Any]:
    view = node.batch(n).result()
    assert view is not None
    return view


def test_batches_seal_at_n_and_after_max_wait_never_empty(funded_template: Path, prover_pool: ProverPool,
                                                          tmp_path: Path) -> None:
    folder, bridge = funded_rollup(funded_template, tmp_path / "r")
    held = DelayedProver(prover_pool, {n: None for n in range(2, 10)})  # sealing only: no proofs needed
    with Node(folder, bridge, config(max_wait=1.0), prover=held) as node:
        t0 = time.monotonic()
        node.submit(pay(ALICE, 1, 2, 1, 0)).result()
        wait_for(lambda: health(node)["last_sealed"] == 2, 10, message="a max-wait seal")
        assert time.monotonic() - t0 >= 0.9
        assert batch(node, 2)["txs"] == 1
        node.submit(pay(ALICE, 1, 2, 1, 1)).result()
        node.submit(pay(BOB, 2, 1, 1, 0)).result()
        wait_for(lambda: health(node)["last_sealed"] == 3, 10, message="a full batch")
        assert batch(node, 3)["txs"] == 2
        time.sleep(1.5)  # idle for longer than max-wait: no empty batch
        h = health(node)
        assert h["last_sealed"] == 3 and h["mempool_depth"] == 0 and h["batches_proving"] == 2
    assert held.submitted == [2, 3] and bridge.accepted() == []


def test_batches_in_flight_commit_in_order(funded_template: Path, prover_pool: ProverPool, tmp_path: Path) -> None:
    folder, bridge = funded_rollup(funded_template, tmp_path / "r")
    prover = DelayedProver(prover_pool, {2: 2.5}, after={2: 3})  # batch 2's proof: 2.5 s after batch 3's
    with Node(folder, bridge, config(batch=1, max_wait=3600), prover=prover) as node:
        for nonce in range(2):
            node.submit(pay(ALICE, 1, 2, 1, nonce)).result()
        wait_for(lambda: (b := node.batches(None, 10).result()["batches"]) and b[0]["status"] == "proven"
                 and b[0]["batch"] == 3, 120, message="batch 3 proven first")
        h = health(node)
        assert h["last_committed"] == 1 and h["last_l1_committed"] == 1  # 3 waits for 2
        wait_for(lambda: idle(health(node), 3), 60, message="both on L1")
        b2, b3 = batch(node, 2), batch(node, 3)
    assert b3["proven_at"] < b2["proven_at"] and b2["sealed_at"] < b3["sealed_at"] < b2["proven_at"]
    assert b2["new_root"] == b3["old_root"]
    assert bridge.accepted() == [2, 3]
    with StateManager.open(folder / "state.db") as state:
        assert [b for b, _ in state.history()] == [0, 1, 2, 3] and state.root() == bridge.state_root()


def test_l1_deposits_enter_batches_in_queue_order(funded_template: Path, prover_pool: ProverPool,
                                                  tmp_path: Path) -> None:
    folder, bridge = funded_rollup(funded_template, tmp_path / "r")
    with Node(folder, bridge, config(max_wait=0.5), prover=prover_pool) as node:
        node.submit(pay(ALICE, 1, 2, 1, 0)).result()
        deposits = [bridge.deposit(*pub(CAROL), 7), bridge.deposit(*pub(ALICE), 3), bridge.deposit(*pub(CAROL), 1)]
        assert [d.account for d in deposits] == [3, 1, 3]
        wait_for(lambda: idle(health(node), 2) and bridge.consumed() == 3, 90, message="the deposits on L1")
        last = health(node)["last_committed"]
        carried = [t for n in range(2, last + 1) for t in batch(node, n)["transactions"] if t["kind"] == "deposit"]
        acc3 = node.account(3, False).result()
    assert [(int(t["to"]), int(t["amount"])) for t in carried] == [(3, 7), (1, 3), (3, 1)]
    assert acc3["balance"] == "8" and acc3["ax"] == str(pub(CAROL)[0])
    assert bridge.accepted() == list(range(2, last + 1))


def test_restart_reseals_reproves_and_keeps_pending(funded_template: Path, prover_pool: ProverPool,
                                                    tmp_path: Path) -> None:
    folder, bridge = funded_rollup(funded_template, tmp_path / "r")
    stalled = DelayedProver(prover_pool, {2: None})  # batch 2 never proven; batch 3 proven, not committable
    with Node(folder, bridge, config(batch=1, max_wait=3600), prover=stalled) as node:
        acks = [node.submit(pay(ALICE, 1, 2, 1, nonce)).result() for nonce in range(2)]
        wait_for(lambda: batch_status(node, 3) == "proven", 30, message="batch 3's proof")
        sealed2 = batch(node, 2)
        assert sealed2["status"] == "sealed" and health(node)["last_committed"] == 1
    again = DelayedProver(prover_pool, {})
    with Node(folder, bridge, config(batch=2, max_wait=3600), prover=again) as node:
        assert again.submitted == [2]  # batch 3's stored proof is reused
        wait_for(lambda: idle(health(node), 3), 60, message="batches 2 and 3 on L1")
        assert batch(node, 2)["new_root"] == sealed2["new_root"]
        ack = node.submit(pay(ALICE, 1, 2, 1, 2)).result()  # pending: the threshold is now 2
        assert node.tx(ack.hash).result()["status"] == "pending"
        assert all(node.tx(a.hash).result()["status"] == "committed" for a in acks)
    with Node(folder, bridge, config(batch=2, max_wait=3600), prover=again) as node:
        assert node.tx(ack.hash).result()["status"] == "pending" and health(node)["mempool_depth"] == 1
        assert node.account(1, False).result()["pending"]["nonce"] == "3"
        assert node.submit(pay(ALICE, 1, 2, 1, 2)).exception().code == "nonce-replayed"
    assert again.submitted == [2] and bridge.accepted() == [2, 3]


def batch_status(node: Node, n: int) -> str | None:
    view = node.batch(n).result()
    return None if view is None else view["status"]


def test_a_bridge_of_another_rollup_or_a_bad_config_is_refused(funded_template: Path, prover_pool: ProverPool,
                                                               tmp_path: Path) -> None:
    folder, bridge = funded_rollup(funded_template, tmp_path / "r")
    for other in (FakeBridge(bridge.state_root() + 1, 1), FakeBridge(bridge.state_root(), 2)):
        with pytest.raises(L1Mismatch):
            Node(folder, other, config(), prover=prover_pool).start()
    with pytest.raises(InputError, match="--batch 3 is more than the rollup's batch size 2"):
        Node(folder, bridge, config(batch=3), prover=prover_pool)
    with pytest.raises(InputError, match="ZKVMC_NODE_CRASH"):
        config(crash_at="sometime")


class DyingProver:
    """A prover whose every job ends with its worker dead (as a batch that crashes mcl would)."""

    def __init__(self) -> None:
        self.submitted: list[int] = []
        self.restarts = 0

    def submit(self, folder: str, sealed: Any) -> Any:
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        self.submitted.append(sealed.number)
        out: Future[Any] = Future()
        out.set_exception(BrokenProcessPool("a worker died"))
        return out

    def restart(self) -> None:
        self.restarts += 1


def test_a_batch_that_keeps_killing_its_worker_stops_the_pipeline(funded_template: Path, tmp_path: Path) -> None:
    from zkvmc.node.pipeline import MAX_WORKER_DEATHS

    folder, bridge = funded_rollup(funded_template, tmp_path / "r")
    prover = DyingProver()
    with Node(folder, bridge, config(batch=1, max_wait=3600), prover=prover) as node:
        node.submit(pay(ALICE, 1, 2, 1, 0)).result()
        wait_for(lambda: health(node)["status"] == "error", 20, message="the pipeline giving up")
        assert "died" in str(health(node))
    assert prover.submitted == [2] * MAX_WORKER_DEATHS and prover.restarts == MAX_WORKER_DEATHS
