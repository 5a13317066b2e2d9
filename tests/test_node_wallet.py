"""`zkvmc wallet send | withdraw | status` against a node served by uvicorn: the key's account and
pending nonce looked up on the node, signed locally with the node's chain id; exit 1 with the
code and reason when the node refuses, 2 for bad usage or an unreachable node."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from rollup_support import ALICE, CAROL
from node_support import DelayedProver, Served, config, funded_rollup, serve, shared_pool, unserve
from tests.cli_support import CliResult, run_in
from zkvmc.node.node import Node

ADDRESS = "0x00112233445566778899aabbccddeeff00112233"


@pytest.fixture(scope="module")
def served(funded_template: Path, rollup_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A node (nothing proven: the wallet only needs the mempool) on a real HTTP port."""
    folder, bridge = funded_rollup(funded_template, tmp_path_factory.mktemp("wallet") / "r")
    held = DelayedProver(shared_pool(rollup_template), {n: None for n in range(2, 30)})
    s = serve(Node(folder, bridge, config(max_wait=3600), prover=held))
    yield s
    unserve(s)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with alice.key (account 1) and carol.key (no account)."""
    d = tmp_path_factory.mktemp("keys")
    for name, prv in (("alice", ALICE), ("carol", CAROL)):
        assert wallet(d, "new", "--from-hex", prv.hex(), "-o", f"{name}.key").returncode == 0
    return d


def wallet(cwd: Path, *args: str) -> CliResult:
    res = run_in(cwd, "wallet", *args)
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr, res.stderr
    return res


def test_send_withdraw_and_status(served: Served, keys: Path) -> None:
    res = wallet(keys, "send", "--node", served.url, "--key", "alice.key", "--to", "2", "--amount", "5")
    assert res.returncode == 0, res.stderr
    tx_hash = res.stdout.strip()
    assert tx_hash.startswith("0x") and len(tx_hash) == 66 and "nonce 0" in res.stderr
    status = wallet(keys, "status", "--node", served.url, tx_hash)
    assert status.returncode == 0 and "status: pending" in status.stdout
    res = wallet(keys, "withdraw", "--node", served.url, "--key", "alice.key", "--amount", "3", "--to", ADDRESS,
                 "--json")
    assert res.returncode == 0, res.stderr
    ack = json.loads(res.stdout)
    assert ack["status"] == "pending" and "nonce 1" in res.stderr
    view = json.loads(wallet(keys, "status", "--node", served.url, ack["hash"], "--json").stdout)
    assert view["tx"]["kind"] == "withdrawal" and view["tx"]["d1"] == str(int(ADDRESS, 16))


@pytest.mark.parametrize("args, code, text", [
    (("send", "--key", "alice.key", "--to", "2", "--amount", "1000"), 1, "overdraft"),
    (("send", "--key", "alice.key", "--to", "12", "--amount", "1"), 1, "receiver-empty"),
    (("send", "--key", "carol.key", "--to", "1", "--amount", "1"), 1, "no account"),
    (("status", "0x" + "ab" * 32), 1, "not-found"),
    (("send", "--key", "alice.key", "--to", "x", "--amount", "1"), 2, "--to"),
    (("send", "--key", "alice.key", "--to", "2", "--amount", str(2**64)), 2, "--amount"),
    (("withdraw", "--key", "alice.key", "--amount", "1", "--to", "0x1234"), 2, "--to"),
    (("send", "--key", "missing.key", "--to", "2", "--amount", "1"), 2, "missing.key"),
    (("status", "0x12"), 2, "hash"),
])
def test_refusals_and_bad_usage(served: Served, keys: Path, args: tuple[str, ...], code: int, text: str) -> None:
    res = wallet(keys, args[0], "--node", served.url, *args[1:])
    assert res.returncode == code and text in res.stderr, (res.returncode, res.stderr)


def test_an_unreachable_node_is_bad_usage(keys: Path) -> None:
    res = wallet(keys, "send", "--node", "http://127.0.0.1:9", "--key", "alice.key", "--to", "2", "--amount", "1")
    assert res.returncode == 2 and "cannot reach the node" in res.stderr
    res = wallet(keys, "status", "--node", "ftp://example", "0x" + "ab" * 32)
    assert res.returncode == 2 and "--node" in res.stderr
