"""The node's HTTP API in process (FastAPI's TestClient, and a real uvicorn for the flood): a
transaction's way from POST /txs to L1, every bad input refused with its 4xx while the node stays
healthy, nonce ordering against the pending state, account and batch views, metrics, OpenAPI,
the explorer page, and a flood of invalid transactions that does not delay a valid one."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from rollup_support import ALICE, BOB, CAROL, CHAIN_ID, dep, out, pay, pub
from node_support import (DelayedProver, config, funded_rollup, prover_pool, serve,  # noqa: F401
                               shared_pool, unserve, wait_for)
from zkvmc.node.app import create_app
from zkvmc.node.fake_l1 import FakeBridge
from zkvmc.node.node import Node
from zkvmc.rollup.transactions import noop, signed, to_json, transfer, withdrawal
from zkvmc.rollup.tree import MerkleProof, verify_proof

DAVE = bytes(range(3, 35))
L1_ADDRESS = 0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED


@pytest.fixture(scope="module")
def api(funded_template: Path, rollup_template: Path,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, FakeBridge]]:
    """One node for the module: batches of 2, no max-wait sealing, only batch 2 proven."""
    folder, bridge = funded_rollup(funded_template, tmp_path_factory.mktemp("api") / "r")
    prover = DelayedProver(shared_pool(rollup_template), {n: None for n in range(3, 30)})  # prove batch 2 only
    node = Node(folder, bridge, config(max_wait=3600), prover=prover)
    with TestClient(create_app(node)) as client:
        yield client, bridge


def pending_nonce(client: TestClient, idx: int) -> int:
    return int(client.get(f"/accounts/{idx}").json()["pending"]["nonce"])


def post(client: TestClient, tx: Any) -> httpx.Response:
    return client.post("/txs", json=to_json(tx))


def test_a_transfer_goes_from_pending_to_committed_on_l1(api: tuple[TestClient, FakeBridge]) -> None:
    client, bridge = api
    t1 = pay(ALICE, 1, 2, 5, pending_nonce(client, 1))
    r = post(client, t1)
    assert r.status_code == 200, r.text
    ack = r.json()
    assert ack["status"] == "pending" and ack["position"] >= 1 and ack["hash"] == to_json(t1)["hash"]
    assert client.get(f"/txs/{ack['hash']}").json()["status"] in ("pending", "sealed")
    assert post(client, pay(BOB, 2, 1, 1, pending_nonce(client, 2))).status_code == 200
    view = wait_for(lambda: (v := client.get(f"/txs/{ack['hash']}").json())["status"] == "committed" and v, 60,
                    message="the transfer to reach L1")
    assert view["l1"]["tx"] and view["l1"]["block"] >= 1 and view["source"] == "user"
    n = view["batch"]
    batch = client.get(f"/batches/{n}").json()
    assert batch["status"] == "committed" and batch["applied"] and batch["l1"]["tx"] == view["l1"]["tx"]
    assert ack["hash"] in [t["hash"] for t in batch["transactions"]] and batch["proof"]["protocol"] == "groth16"
    assert batch["public"][-1] == str(n) and batch["public"][0] == batch["new_root"]
    assert bridge.find_commit(n) is not None and bridge.find_commit(n).new_root == int(batch["new_root"])
    page = client.get("/batches?limit=1").json()
    assert len(page["batches"]) == 1 and page["next"] is not None
    assert client.get(f"/batches?before={page['next']}&limit=100").json()["batches"][0]["batch"] == page["next"] - 1


def test_an_account_with_its_proof_and_pending_state(api: tuple[TestClient, FakeBridge]) -> None:
    client, _ = api
    acc = client.get("/accounts/1?proof=1").json()
    ax, ay = pub(ALICE)
    assert (acc["ax"], acc["ay"], acc["exists"]) == (str(ax), str(ay), True)
    proof = MerkleProof(1, int(acc["proof"]["leaf"]), tuple(int(s) for s in acc["proof"]["siblings"]),
                        int(acc["proof"]["root"]))
    assert verify_proof(proof) and acc["proof"]["root"] == acc["root"]
    assert "proof" not in client.get("/accounts/1").json()
    empty = client.get("/accounts/9").json()
    assert not empty["exists"] and not empty["pending"]["exists"] and empty["balance"] == "0"
    assert client.get("/accounts", params={"ax": str(ax), "ay": str(ay)}).json() == {"index": 1}


def test_a_pending_deposit_makes_an_account_usable_before_its_batch(api: tuple[TestClient, FakeBridge]) -> None:
    client, bridge = api
    ax, ay = pub(CAROL)
    d = bridge.deposit(ax, ay, 50)
    found = wait_for(lambda: client.get("/accounts", params={"ax": str(ax), "ay": str(ay)}).json().get("index"),
                     10, message="the deposit to be taken in")
    assert found == d.account == 3
    assert client.get("/accounts/3").json()["pending"] == {"exists": True, "balance": "50", "nonce": "0"}
    # nonce ordering: the nonce must be the pending nonce
    assert post(client, pay(CAROL, 3, 1, 1, 0)).status_code == 200
    r = post(client, pay(CAROL, 3, 1, 1, 2))
    assert r.status_code == 422 and r.json()["code"] == "nonce-future"
    assert post(client, pay(CAROL, 3, 1, 1, 1)).status_code == 200
    for nonce in (1, 0):
        r = post(client, pay(CAROL, 3, 1, 1, nonce))
        assert r.status_code == 422 and r.json()["code"] == "nonce-replayed", r.text
    assert client.get("/accounts/3").json()["pending"]["nonce"] == "2"
    assert post(client, out(CAROL, 3, L1_ADDRESS, 48, 2)).status_code == 200
    r = post(client, pay(CAROL, 3, 1, 1, 3))
    assert r.status_code == 422 and r.json()["code"] == "overdraft"


def _tx_json(**changes: Any) -> dict[str, Any]:
    obj = to_json(pay(ALICE, 1, 2, 1, 0))
    obj.pop("hash")
    obj.update(changes)
    return obj


BAD_BODIES = [
    (b"{not json", 400, "malformed"),
    (b"[1, 2, 3]", 400, "malformed"),
    (b"", 400, "malformed"),
    (b"[" * 5000 + b"]" * 5000, 400, "malformed"),
    (json.dumps(_tx_json(amount=5)).encode(), 400, "malformed"),
    (json.dumps(_tx_json(amount="-5")).encode(), 400, "malformed"),
    (json.dumps(_tx_json(amount="1" * 80)).encode(), 400, "malformed"),
    (json.dumps(_tx_json(extra="1")).encode(), 400, "malformed"),
    (json.dumps({k: v for k, v in _tx_json().items() if k != "nonce"}).encode(), 400, "malformed"),
    (json.dumps(_tx_json(hash="0x" + "0" * 64)).encode(), 400, "malformed"),
    (json.dumps(_tx_json(kind="mint")).encode(), 400, "malformed"),
    (json.dumps(_tx_json(format="zkvmc-rollup-tz")).encode(), 400, "malformed"),
    (json.dumps(_tx_json(signature={"R8": ["1", "2"], "S": "3", "x": "4"})).encode(), 400, "malformed"),
    (b'{"format": "zkvmc-rollup-tx", "pad": "' + b"x" * 17_000 + b'"}', 413, "too-large"),
    (json.dumps(to_json(dep(5, DAVE, 10))).encode(), 422, "kind-not-allowed"),
    (json.dumps(to_json(noop())).encode(), 422, "kind-not-allowed"),
]


@pytest.mark.parametrize("body, status, code", BAD_BODIES)
def test_bad_bodies_are_refused_and_counted(api: tuple[TestClient, FakeBridge], body: bytes, status: int,
                                            code: str) -> None:
    client, _ = api
    r = client.post("/txs", content=body, headers={"content-type": "application/json"})
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert r.json()["reason"]
    assert client.get("/health").json()["status"] == "ok"


def test_transactions_the_rules_refuse_get_422_with_code_and_reason(api: tuple[TestClient, FakeBridge]) -> None:
    client, _ = api
    n = pending_nonce(client, 1)
    cases = [
        (signed(transfer(1, 2, 1, n), BOB, CHAIN_ID), "bad-signature"),
        (signed(transfer(1, 2, 1, n), ALICE, CHAIN_ID + 1), "bad-signature"),
        (transfer(1, 2, 1, n), "bad-signature"),
        (pay(ALICE, 1, 2, 1, n + 5), "nonce-future"),
        (pay(ALICE, 1, 2, 10**6, n), "overdraft"),
        (pay(ALICE, 1, 2, 2**64, n), "amount-range"),
        (pay(ALICE, 1, 12, 1, n), "receiver-empty"),
        (pay(ALICE, 1, 99, 1, n), "index-range"),
        (pay(DAVE, 11, 1, 1, 0), "sender-empty"),
        (signed(withdrawal(1, 2**160, 1, n), ALICE, CHAIN_ID), "l1-address-range"),
    ]
    for tx, code in cases:
        r = post(client, tx)
        assert r.status_code == 422 and r.json()["code"] == code, (code, r.text)
    assert pending_nonce(client, 1) == n
    metrics = client.get("/metrics").text
    assert 'zkvmc_node_txs_rejected_total{code="bad-signature"}' in metrics


@pytest.mark.parametrize("path, status", [
    ("/txs/0x1234", 400), ("/txs/" + "0x" + "ab" * 32, 404), ("/accounts/99", 400), ("/accounts/-1", 400),
    ("/accounts/abc", 400), ("/accounts?ax=1", 400), ("/accounts?ax=1&ay=x", 400), ("/accounts?ax=1&ay=2", 404),
    ("/batches?limit=0", 400), ("/batches?limit=101", 400), ("/batches?before=x", 400), ("/batches/999", 404),
    ("/batches/x", 400), ("/nowhere", 404),
])
def test_bad_reads_are_refused(api: tuple[TestClient, FakeBridge], path: str, status: int) -> None:
    client, _ = api
    r = client.get(path)
    assert r.status_code == status and r.json()["code"] and r.json()["reason"], r.text


def test_health_metrics_openapi_and_explorer(api: tuple[TestClient, FakeBridge]) -> None:
    client, _ = api
    h = client.get("/health").json()
    assert h["status"] == "ok" and h["chain_id"] == CHAIN_ID and h["batch_threshold"] == 2
    assert {"last_sealed", "last_proven", "last_committed", "last_l1_committed", "mempool_depth",
            "batches_proving"} <= set(h)
    metrics = client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    for name in ("zkvmc_node_txs_accepted_total", "zkvmc_node_txs_rejected_total", "zkvmc_node_batches_sealed_total",
                 "zkvmc_node_batches_proven_total", "zkvmc_node_mempool_depth", "zkvmc_node_proving_in_flight",
                 "zkvmc_node_prove_seconds_bucket", "zkvmc_node_ack_latency_seconds_bucket"):
        assert name in metrics.text
    spec = client.get("/openapi.json").json()
    assert {"/txs", "/txs/{tx_hash}", "/accounts/{index}", "/accounts", "/batches", "/batches/{n}", "/health",
            "/metrics"} <= set(spec["paths"])
    body = spec["paths"]["/txs"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["kind"]["enum"] == ["transfer", "withdrawal"]
    assert {"400", "413", "422"} <= set(spec["paths"]["/txs"]["post"]["responses"])
    page = client.get("/")
    assert page.status_code == 200 and "explorer.js" in page.text and "cdn" not in page.text.lower()
    js = client.get("/static/explorer.js")
    assert js.status_code == 200 and "setInterval" in js.text and "innerHTML" not in js.text


def test_a_flood_of_invalid_transactions_does_not_block_a_valid_one(
        funded_template: Path, prover_pool: Any, tmp_path: Path) -> None:
    folder, bridge = funded_rollup(funded_template, tmp_path / "r")
    held = DelayedProver(prover_pool, {n: None for n in range(2, 20)})  # no proving: the CPU is the flood's
    served = serve(Node(folder, bridge, config(max_wait=3600), prover=held))
    stop, counts = threading.Event(), [0] * 4
    garbage = [b"{", json.dumps(to_json(signed(transfer(1, 2, 1, 0), BOB, CHAIN_ID))).encode(),
               json.dumps(to_json(pay(ALICE, 1, 2, 1, 1000))).encode(), b"x" * 20_000,
               json.dumps(to_json(dep(4, DAVE, 1))).encode()]

    def flood(k: int) -> None:
        with httpx.Client(base_url=served.url, timeout=30) as c:
            while not stop.is_set():
                r = c.post("/txs", content=garbage[counts[k] % len(garbage)])
                assert r.status_code in (400, 413, 422)
                counts[k] += 1

    threads = [threading.Thread(target=flood, args=(k,), daemon=True) for k in range(4)]
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while sum(counts) < 40 and time.monotonic() < deadline:  # the flood is under way before the valid txs
            time.sleep(0.05)
        latencies = []
        with served.client() as c:
            for nonce in range(5):
                t0 = time.perf_counter()
                r = c.post("/txs", json=to_json(pay(ALICE, 1, 2, 1, nonce)))
                latencies.append(time.perf_counter() - t0)
                assert r.status_code == 200, r.text
                time.sleep(0.1)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        assert sum(counts) > 40, counts
        # Latency under load is measured by bench/load.py, not asserted here: a timed assert flakes on a busy machine.
        print(f"flood: {sum(counts)} invalid requests; valid acks in {[round(x, 3) for x in latencies]} s")
        with served.client() as c:
            h = c.get("/health").json()
        assert h["status"] == "ok"
    finally:
        stop.set()
        unserve(served)
