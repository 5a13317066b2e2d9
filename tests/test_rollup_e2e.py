"""End to end, everything real, on loopback: anvil (zkvmc.l1.devnet) with the rollup's verifier and
bridge deployed, a `python -m zkvmc node` process committing to it, and the wallet commands:
deposits for two keys on L1, transfers and a withdrawal over HTTP, three batches committed on L1.
At the end the bridge, the node and the State Manager agree on the root, every deposit is
consumed, the balances and nonces are what the transactions make them, and the withdrawal's L1
address holds exactly the amount withdrawn (gwei x 10^9 wei).

Every process is stopped by fixture finalisers, also when the test fails. Skipped only when
anvil or solcjs (node_modules, `make node`) is missing.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli_support import CliResult, run_in
from l1_support import GWEI, REPO, anvil_devnet
from rollup_support import ALICE, BOB, fresh
from node_support import NodeProcess


def _tool_missing() -> str | None:
    """Why the devnet cannot run here (anvil or solcjs missing), or None."""
    from zkvmc.errors import InputError
    from zkvmc.l1.devnet import find_anvil
    from zkvmc.l1.solc import find_solcjs

    try:
        find_anvil()
        find_solcjs()
    except InputError as e:
        return str(e).splitlines()[0]
    return None


pytestmark = [pytest.mark.node, pytest.mark.slow,
              pytest.mark.skipif(_tool_missing() is not None, reason=f"{_tool_missing()} (run `make node`)")]

TIMEOUT = 120.0
"""Seconds any one wait may take before the test fails (the whole test takes ~35 s)."""


@pytest.fixture(scope="module")
def rpc() -> Iterator[str]:
    """A fresh anvil on a free port of 127.0.0.1, stopped (with its process group) after the module."""
    yield from anvil_devnet()


def ok_json(node: NodeProcess, path: str) -> Any:
    """GET path from the node, which must answer 200; its JSON."""
    r = node.get(path)
    assert r.status_code == 200, (path, r.status_code, r.text)
    return r.json()


def wait_until(what: Any, node: NodeProcess, message: str, timeout: float = TIMEOUT) -> Any:
    """what()'s first truthy value; fails with the node's log if the node dies or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        got = what()
        if got:
            return got
        if node.proc.poll() is not None:
            pytest.fail(f"the node exited ({node.proc.returncode}) while waiting for {message}:\n"
                        f"{node.log.read_text()[-4000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {message}:\n{node.log.read_text()[-4000:]}")
        time.sleep(0.2)


@pytest.fixture
def node_factory(tmp_path: Path) -> Iterator[Any]:
    """Starts node processes; every one is stopped after the test, passed or failed."""
    from zkvmc.l1.devnet import free_port

    started: list[NodeProcess] = []

    def start(folder: Path, l1_json: Path, *args: str) -> NodeProcess:
        port = free_port()
        log = tmp_path / f"node-{len(started)}.log"
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        for hook in ("ZKVMC_NODE_FAKE_L1", "ZKVMC_NODE_CRASH"):
            env.pop(hook, None)
        with open(log, "wb") as sink:
            proc = subprocess.Popen([sys.executable, "-m", "zkvmc", "node", "-d", str(folder), "--l1", str(l1_json),
                                     "--port", str(port), *args], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                                    stdout=sink, stderr=subprocess.STDOUT)
        node = NodeProcess(proc, f"http://127.0.0.1:{port}", log)
        started.append(node)
        wait_until(node.health, node, "the node to answer", 60)
        return node

    yield start
    for node in started:
        node.stop()


def wallet(cwd: Path, *args: str) -> CliResult:
    """`zkvmc wallet ARGS` (in-process); it must succeed."""
    res = run_in(cwd, "wallet", *args)
    assert res.returncode == 0 and "Traceback" not in res.stderr, (args, res.returncode, res.stderr)
    return res


def test_deposits_transfers_and_a_withdrawal_reach_l1(rollup_template: Path, tmp_path: Path, rpc: str,
                                                      node_factory: Any) -> None:
    from zkvmc.l1.bridge import BridgeClient
    from zkvmc.l1.config import read_info
    from zkvmc.rollup.state import StateManager

    t0 = time.monotonic()
    folder = fresh(rollup_template, tmp_path / "rollup")  # depth 4, batch 2
    l1_json = tmp_path / "l1.json"
    deploy = run_in(tmp_path, "l1", "deploy", "-d", "rollup", "--rpc", rpc, "--key", _dev_key(0), "-o", "l1.json")
    assert deploy.returncode == 0, deploy.stderr
    info = read_info(l1_json)
    for name, i in (("sequencer.key", 0), ("depositor.key", 1)):  # `l1 deploy` writes no dev keys
        (tmp_path / name).write_text(_dev_key(i) + "\n")
    bridge = BridgeClient(info)
    node = node_factory(folder, l1_json, "--l1-key", str(tmp_path / "sequencer.key"), "--max-wait", "1",
                        "--provers", "2", "--log-level", "info")

    for name, prv in (("alice", ALICE), ("bob", BOB)):
        wallet(tmp_path, "new", "--from-hex", prv.hex(), "-o", f"{name}.key")
    deposits = [json.loads(wallet(tmp_path, "deposit", "--l1", "l1.json", "--amount", amount, "--key", key,
                                  "--l1-key", "depositor.key", "--json").stdout)
                for key, amount in (("alice.key", "1000gwei"), ("bob.key", "0.0000005ether"))]
    assert [(d["account"], d["queue_index"], d["amount_gwei"]) for d in deposits] == [(1, 0, "1000"), (2, 1, "500")]
    wait_until(lambda: ok_json(node, "/health")["next_deposit"] == 2, node, "the node to take in both deposits")

    receiver = "0x" + secrets.token_bytes(20).hex()  # a fresh L1 address: balance 0
    assert bridge.balance(receiver) == 0
    node_url = ("--node", node.url)
    hashes = [
        wallet(tmp_path, "send", *node_url, "--key", "alice.key", "--to", "2", "--amount", "100").stdout.strip(),
        wallet(tmp_path, "send", *node_url, "--key", "bob.key", "--to", "1", "--amount", "30").stdout.strip(),
        wallet(tmp_path, "withdraw", *node_url, "--key", "alice.key", "--amount", "200", "--to", receiver)
        .stdout.strip(),
        wallet(tmp_path, "send", *node_url, "--key", "bob.key", "--to", "1", "--amount", "20").stdout.strip(),
    ]
    assert all(h.startswith("0x") and len(h) == 66 for h in hashes) and len(set(hashes)) == 4

    def settled() -> bool:
        h = ok_json(node, "/health")
        return (h["last_l1_committed"] >= 3 and h["last_sealed"] == h["last_committed"] == h["last_l1_committed"]
                and h["mempool_depth"] == 0 and h["batches_proving"] == 0)

    wait_until(settled, node, "three batches committed on L1")
    health = ok_json(node, "/health")
    assert health["status"] == "ok" and health["last_l1_committed"] >= 3, health

    # every transaction committed on L1, with the batch's L1 transaction
    for h in hashes:
        status = wallet(tmp_path, "status", *node_url, h, "--json")
        view = json.loads(status.stdout)
        assert view["status"] == "committed" and view["l1"]["tx"] and view["l1"]["block"], view
        text = wallet(tmp_path, "status", *node_url, h).stdout
        assert "status: committed" in text and f"l1_tx: {view['l1']['tx']}" in text

    # the bridge, the node and the State Manager agree
    last = bridge.last_batch()
    assert last == health["last_l1_committed"] >= 3
    batches = {n: ok_json(node, f"/batches/{n}") for n in range(1, last + 1)}
    for n, b in batches.items():
        commit = bridge.find_commit(n)
        assert commit is not None and b["status"] == "committed", b
        assert (b["l1"]["tx"], b["l1"]["block"], int(b["new_root"])) == (commit.tx_hash, commit.block, commit.new_root)
    assert batches[1]["transactions"][0]["kind"] == "deposit"
    assert sum(len(b["transactions"]) for b in batches.values()) == 6
    node_root = int(ok_json(node, "/accounts/1")["root"])
    assert bridge.state_root() == node_root == int(batches[last]["new_root"])

    # balances, nonces, deposits, the withdrawal
    alice, bob = ok_json(node, "/accounts/1"), ok_json(node, "/accounts/2")
    assert (alice["balance"], alice["nonce"]) == (str(1000 - 100 + 30 - 200 + 20), "2")
    assert (bob["balance"], bob["nonce"]) == (str(500 + 100 - 30 - 20), "2")
    assert bridge.deposit_count() == bridge.deposits_consumed() == 2
    assert bridge.balance(receiver) == 200 * GWEI and bridge.pending_withdrawal(receiver) == 0
    assert bridge.balance(info.bridge) == (1000 + 500 - 200) * GWEI

    node.stop()  # SIGTERM: uvicorn shuts down, then re-raises the signal (so -15, or 0)
    assert node.proc.returncode in (0, -signal.SIGTERM), node.log.read_text()[-3000:]
    with StateManager.open(folder / "state.db") as state:
        assert state.root() == node_root == state.recompute_root() and state.last_batch() == last
        assert state.account(1).balance == 750 and state.account(2).balance == 550
    print(f"end to end: {last} batches on L1 in {time.monotonic() - t0:.1f} s")


def _dev_key(i: int) -> str:
    from zkvmc.l1.devnet import DEV_KEYS

    return DEV_KEYS[i]
