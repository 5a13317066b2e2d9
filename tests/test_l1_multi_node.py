"""The node's L1 submitter with several batches waiting (the fake L1 down while they were proven):
up to l1_max_batches of them go in one commit transaction (commitBatches), 1 falls back to one
commitBatch each; every batch records its transaction. The fake bridge's send_commits is all or
nothing, like the contract."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cli_support import run_in as zkvmc
from rollup_support import ALICE, pay
from node_support import config, funded_rollup, idle, prover_pool, wait_for  # noqa: F401
from zkvmc.errors import InputError
from zkvmc.node.config import NodeConfig
from zkvmc.node.fake_l1 import FakeBridge, FakeRevert, FakeUnavailable
from zkvmc.node.node import Node
from zkvmc.node.prover import ProverPool
from zkvmc.rollup.state import StateManager


def health(node: Node) -> dict[str, Any]:
    return node.health().result()


@pytest.mark.parametrize("k, sent", [(2, [[2, 3], [4]]), (1, [[2], [3], [4]])])
def test_batches_waiting_for_l1_go_in_one_transaction(funded_template: Path, prover_pool: ProverPool,
                                                      tmp_path: Path, k: int, sent: list[list[int]]) -> None:
    folder, bridge = funded_rollup(funded_template, tmp_path / "r")
    bridge.down = True
    with Node(folder, bridge, config(batch=1, max_wait=3600, l1_max_batches=k), prover=prover_pool) as node:
        for nonce in range(3):
            node.submit(pay(ALICE, 1, 2, 1, nonce)).result()
        wait_for(lambda: health(node)["last_committed"] == 4, 120, message="three batches committed locally")
        h = health(node)
        assert h["last_l1_committed"] == 1 and "FakeUnavailable" in h["errors"]["l1_submitter"]
        bridge.down = False
        node.submitter.wake()
        wait_for(lambda: idle(health(node), 4), 60, message="the batches on L1")
        txs = [node.batch(n).result()["l1"]["tx"] for n in range(2, 5)]
    assert bridge.commit_transactions() == sent and bridge.accepted() == [2, 3, 4]
    assert len(set(txs)) == len(sent) and (k == 1 or txs[0] == txs[1] != txs[2])
    with StateManager.open(folder / "state.db") as state:
        assert state.root() == bridge.state_root()


def test_the_fake_commits_several_batches_all_or_nothing(funded_template: Path, tmp_path: Path) -> None:
    _, bridge = funded_rollup(funded_template, tmp_path / "r")
    root = bridge.state_root()
    ok = [({}, [11, 0, 0, 0, 0, 0, 0, root, 2]), ({}, [12, 0, 0, 0, 0, 0, 0, 11, 3])]
    broken = [ok[0], ({}, [12, 0, 0, 0, 0, 0, 0, 99, 3])]  # batch 3 not on batch 2's root
    tx = bridge.send_commits(broken)
    with pytest.raises(FakeRevert, match="stale old root"):
        bridge.wait_commits(tx)
    assert (bridge.last_batch(), bridge.state_root(), bridge.accepted()) == (1, root, [])
    with pytest.raises(FakeRevert, match="no batches"):
        bridge.wait_commits(bridge.send_commits([]))
    commits = bridge.wait_commits(bridge.send_commits(ok))
    assert [(c.batch, c.new_root) for c in commits] == [(2, 11), (3, 12)] and bridge.last_batch() == 3
    assert bridge.commit_transactions() == [[2, 3], [], [2, 3]] and bridge.find_commit(2) == commits[0]
    bridge.down = True
    with pytest.raises(FakeUnavailable):
        bridge.send_commit({}, [13, 0, 0, 0, 0, 0, 0, 12, 4])


@pytest.mark.parametrize("k", [0, 33])
def test_l1_max_batches_is_bounded(k: int, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--l1-batches"):
        NodeConfig(l1_max_batches=k)
    res = zkvmc(tmp_path, "node", "-d", str(tmp_path), "--l1-batches", str(k))
    assert res.returncode == 2 and f"--l1-batches must be 1 .. 32, not {k}" in res.stderr
    assert NodeConfig().l1_max_batches == 4 and NodeConfig(l1_max_batches=32).l1_max_batches == 32
