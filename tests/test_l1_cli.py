"""`zkvmc l1 devnet | deploy | status` and `zkvmc wallet deposit` on a real anvil: the devnet as
a process (l1.json written, Ctrl-C/SIGTERM stops it and its anvil), deployment from one's own key,
status, deposits with units and the devnet's default payer, bad input as exit 2, a revert or an
unreachable L1 as exit 1 with the reason."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from cli_support import run_in
from l1_support import GWEI, REPO, anvil_devnet, new_rollup, requires_anvil
from rollup_support import ALICE, BOB, fresh
from zkvmc.crypto.eddsa import prv2pub
from zkvmc.rollup.tree import default_hashes

pytestmark = requires_anvil


@pytest.fixture(scope="module")
def rpc() -> Iterator[str]:
    yield from anvil_devnet()


def ok(cwd: Path, *args: str) -> str:
    res = run_in(cwd, *args)
    assert res.returncode == 0, res.stderr
    return res.stdout


def fails(cwd: Path, code: int, *args: str) -> str:
    """stderr of a zkvmc run that must exit with `code` and no traceback."""
    res = run_in(cwd, *args)
    assert res.returncode == code, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr
    return res.stderr


def test_deploy_and_status(rollup_template: Path, tmp_path: Path, rpc: str) -> None:
    from zkvmc.l1.devnet import DEV_KEYS

    fresh(rollup_template, tmp_path / "r")
    (tmp_path / "deployer.key").write_text(DEV_KEYS[3][2:] + "\n")
    out = ok(tmp_path, "l1", "deploy", "-d", "r", "--rpc", rpc, "--key", "deployer.key", "-o", "l1.json",
             "--force-delay", "10")
    info = json.loads((tmp_path / "l1.json").read_text())
    assert info["dev_keys"] == [] and f"bridge: {info['bridge']}" in out
    status = json.loads(ok(tmp_path, "l1", "status", "--l1", "l1.json", "--json"))
    assert status == {"bridge": info["bridge"], "chain_id": 31337, "state_root": str(default_hashes(4)[4]),
                      "last_batch": 0, "deposits_queued": 0, "deposits_consumed": 0, "balance_wei": "0"}
    assert "last_batch: 0" in ok(tmp_path, "l1", "status", "--l1", "l1.json")
    ok(tmp_path, "l1", "export", "-d", "r", "-o", "sol")
    assert "contract RollupBridge" in (tmp_path / "sol" / "RollupBridge.sol").read_text()
    assert "uint256[9] calldata input" in (tmp_path / "sol" / "Verifier.sol").read_text()
    ok(tmp_path, "wallet", "new", "--from-hex", ALICE.hex(), "-o", "alice.key")
    assert "--l1-key is required" in fails(tmp_path, 2, "wallet", "deposit", "--amount", "1gwei", "--key",
                                           "alice.key")


def test_wallet_deposit(rollup_template: Path, tmp_path: Path, rpc: str) -> None:
    from zkvmc.l1.config import write_info
    from zkvmc.l1.devnet import DEV_KEYS

    r = new_rollup(rollup_template, tmp_path / "r", rpc)
    write_info(tmp_path / "l1.json", r.info)
    for name, prv in (("alice", ALICE), ("bob", BOB)):
        ok(tmp_path, "wallet", "new", "--from-hex", prv.hex(), "-o", f"{name}.key")
    first = json.loads(ok(tmp_path, "wallet", "deposit", "--l1", "l1.json", "--amount", "0.5ether", "--key",
                          "alice.key", "--json"))
    assert (first["account"], first["queue_index"], first["amount_gwei"]) == (1, 0, str(5 * 10**8))
    out = ok(tmp_path, "wallet", "deposit", "--amount", "250 gwei", "--key", "bob.key", "--l1-key", DEV_KEYS[4])
    assert "account: 2" in out and "queue_index: 1" in out
    out = ok(tmp_path, "wallet", "deposit", "--amount", "1gwei", "--key", "alice.key")
    assert "account: 1" in out and "queue_index: 2" in out
    client = r.client(0)
    assert [(d.account, d.amount) for d in client.deposits()] == [(1, 5 * 10**8), (2, 250), (1, 1)]
    for amount in ("0", "1wei", "1.5wei", "abc", "1dollar", f"{2**64}gwei"):
        assert "--amount" in fails(tmp_path, 2, "wallet", "deposit", "--amount", amount, "--key", "alice.key")
    assert "--l1-key" in fails(tmp_path, 2, "wallet", "deposit", "--amount", "1gwei", "--key", "alice.key",
                               "--l1-key", "0xnothex")
    fails(tmp_path, 2, "wallet", "deposit", "--amount", "1gwei", "--key", "missing.key")
    fails(tmp_path, 2, "wallet", "deposit", "--l1", "missing.json", "--amount", "1gwei", "--key", "alice.key")
    depositor = r.client(1)
    for i in range(3, 16):  # fill the depth-4 tree: indices 3 .. 15
        depositor.deposit(*prv2pub(bytes([i]) * 32), GWEI)
    ok(tmp_path, "wallet", "new", "--from-hex", (b"\x77" * 32).hex(), "-o", "carol.key")
    err = fails(tmp_path, 1, "wallet", "deposit", "--amount", "1gwei", "--key", "carol.key")
    assert "Bridge: account tree full" in err


def test_unreachable_l1_and_bad_l1_json(tmp_path: Path) -> None:
    from zkvmc.l1.config import L1Info, write_info
    from zkvmc.l1.devnet import free_port, rpc_url

    write_info(tmp_path / "l1.json", L1Info(rpc_url(free_port()), 31337, "0x" + "ab" * 20, "0x" + "cd" * 20, 1, "d"))
    assert "cannot reach the L1" in fails(tmp_path, 1, "l1", "status", "--l1", "l1.json")
    (tmp_path / "bad.json").write_text(json.dumps({"format": "zkvmc-l1", "version": 1}))
    assert "bad.json: rpc: missing" in fails(tmp_path, 2, "l1", "status", "--l1", "bad.json")
    fails(tmp_path, 2, "l1", "deploy", "-d", "nowhere", "--rpc", "http://127.0.0.1:1", "--key", "0x" + "11" * 32)
    assert "--rpc" in fails(tmp_path, 2, "l1", "deploy", "-d", "nowhere", "--rpc", "ftp://x", "--key", "k")


def test_status_of_a_bridge_that_is_not_there(rpc: str, tmp_path: Path) -> None:
    from zkvmc.l1.config import L1Info, write_info

    write_info(tmp_path / "l1.json", L1Info(rpc, 31337, "0x" + "ab" * 20, "0x" + "cd" * 20, 1, "d"))
    assert "no contract at" in fails(tmp_path, 1, "l1", "status", "--l1", "l1.json")
    write_info(tmp_path / "l1.json", L1Info(rpc, 5, "0x" + "ab" * 20, "0x" + "cd" * 20, 1, "d"))
    assert "not chain 5" in fails(tmp_path, 1, "l1", "status", "--l1", "l1.json")


def test_devnet_runs_until_sigterm(rollup_template: Path, tmp_path: Path) -> None:
    from zkvmc.l1.bridge import BridgeClient
    from zkvmc.errors import L1Unavailable
    from zkvmc.l1.config import read_info
    from zkvmc.l1.devnet import free_port

    fresh(rollup_template, tmp_path / "r")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "zkvmc", "l1", "devnet", "-d", "r", "-o", "l1.json", "--port",
                             str(port)], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "l1.json").exists():
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.2)
        info = read_info(tmp_path / "l1.json")
        assert info.rpc == f"http://127.0.0.1:{port}" and len(info.dev_keys) == 10
        client = BridgeClient(info)
        assert client.state_root() == default_hashes(4)[4]
    finally:
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr.decode()
    assert f"bridge: {info.bridge}" in stdout.decode() and "(sequencer)" in stdout.decode()
    assert b"anvil stopped" in stderr and b"well-known keys" in stderr
    with pytest.raises(L1Unavailable):
        BridgeClient(info)
    with pytest.raises(L1Unavailable, match="cannot reach the L1"):  # a client made before: no traceback either
        client.state_root()
