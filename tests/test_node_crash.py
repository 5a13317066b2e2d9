"""Crash tests: a real `python -m zkvmc node` process, with a file-backed fake bridge (the
ZKVMC_NODE_FAKE_L1 test hook), SIGKILLs itself at each ZKVMC_NODE_CRASH point in turn and is
restarted each time. No acknowledged transaction is lost, no batch is committed twice on L1,
and once idle the local state's root is the bridge's."""

from __future__ import annotations

import signal
from pathlib import Path

from rollup_support import ALICE, BOB, pay
from node_support import NodeProcess, funded_rollup, idle, start_node, wait_for
from zkvmc.node.fake_l1 import FakeBridge
from zkvmc.rollup.state import StateManager
from zkvmc.rollup.transactions import to_json

ARGS = ("--provers", "1", "--max-wait", "3600", "--log-level", "warning")
"""Batches of 2 (the rollup's size), sealed only when full."""


def killed(node: NodeProcess, timeout: float = 90) -> None:
    """Wait for the node to kill itself with SIGKILL."""
    node.proc.wait(timeout=timeout)
    assert node.proc.returncode == -signal.SIGKILL, node.log.read_text()[-3000:]


def submit(node: NodeProcess, tx: object) -> str:
    r = node.post("/txs", to_json(tx))  # type: ignore[arg-type]
    assert r.status_code == 200, r.text
    return r.json()["hash"]


def test_a_node_killed_at_every_stage_loses_nothing_and_commits_nothing_twice(
        funded_template: Path, tmp_path: Path) -> None:
    folder, _ = funded_rollup(funded_template, tmp_path / "r", file_bridge=True)
    l1_file = tmp_path / "r-l1.json"
    bridge = FakeBridge.open(l1_file)
    acked: list[str] = []
    nodes: list[NodeProcess] = []
    try:
        # after-ack: the acknowledgement reaches the client, then the node dies
        nodes.append(node := start_node(folder, l1_file, "after-ack", *ARGS))
        acked.append(submit(node, pay(ALICE, 1, 2, 1, 0)))
        killed(node)

        # while-proving: the acknowledged transaction survived; a second one fills batch 2, which is
        # sealed and sent to the prover, then the node dies
        nodes.append(node := start_node(folder, l1_file, "while-proving", *ARGS))
        assert node.get(f"/txs/{acked[0]}").json()["status"] == "pending"
        assert node.get("/accounts/1").json()["pending"]["nonce"] == "1"
        acked.append(submit(node, pay(ALICE, 1, 2, 1, 1)))
        killed(node)
        assert bridge.accepted() == []

        # after-l1-send: batch 2 is sealed again and proven, committed locally, sent to L1; the node
        # dies before recording the L1 transaction
        nodes.append(node := start_node(folder, l1_file, "after-l1-send", *ARGS))
        killed(node)
        assert bridge.accepted() == [2]

        # a normal restart finds batch 2's commit on L1 instead of sending it again, and carries on
        nodes.append(node := start_node(folder, l1_file, None, *ARGS))
        acked.append(submit(node, pay(BOB, 2, 1, 1, 0)))
        acked.append(submit(node, pay(ALICE, 1, 2, 1, 2)))
        wait_for(lambda: (h := node.health()) is not None and idle(h, 3), 90, 0.2, "batch 3 on L1")
        views = [node.get(f"/txs/{h}").json() for h in acked]
        assert [v["status"] for v in views] == ["committed"] * 4
        assert [v["batch"] for v in views] == [2, 2, 3, 3]
        assert node.get("/batches/2").json()["l1"]["tx"] == bridge.find_commit(2).tx_hash
        assert node.get("/health").json()["status"] == "ok"
    finally:
        for n in nodes:
            n.stop()
    assert bridge.accepted() == [2, 3]
    with StateManager.open(folder / "state.db") as state:
        assert state.last_batch() == bridge.last_batch() == 3
        assert state.root() == bridge.state_root() == state.recompute_root()
        account = state.account(1)
    assert (account.balance, account.nonce) == (100 - 3 + 1, 3)
