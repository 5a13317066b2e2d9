"""The explorer page in a real browser: Debian's headless Chromium, driven by Playwright (its Python
package only: no browser download, the system's Chromium is launched with executable_path), loads
the page from a running node (uvicorn on 127.0.0.1, the fake bridge of the node tests) once a
batch is committed, and the test checks what a person sees: the node's health line, the batches
with their L1 status, a batch's transactions, a transaction and an account looked up; then new
transactions are submitted and the next batch, and the account's new balance, appear without a
reload (the page refreshes itself every 3 s). A screenshot is taken (to the path in
ZKVMC_EXPLORER_PNG if set: docs/explorer.png comes from `ZKVMC_EXPLORER_PNG=docs/explorer.png`).

Skipped only when Chromium is missing (CI installs Debian's `chromium`, .ci/run)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rollup_support import ALICE, BOB, pay
from node_support import Served, config, funded_rollup, serve, shared_pool, unserve, wait_for
from zkvmc.node.node import Node
from zkvmc.rollup.transactions import to_json

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
"""Flags for headless Chromium as root in a container, with no traffic beyond loopback."""

pytestmark = pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="chromium missing (apt-get install chromium)")

SEEN = 30_000
"""Milliseconds the page may take to show something (a refresh is every 3 s; a batch proves in ~2 s)."""


@pytest.fixture
def served(funded_template: Path, rollup_template: Path, tmp_path: Path) -> Iterator[Served]:
    """A node with batch 1 (Alice = 1 with 100, Bob = 2 with 5) on L1, batches of 2."""
    folder, bridge = funded_rollup(funded_template, tmp_path / "r")
    s = serve(Node(folder, bridge, config(max_wait=3600), prover=shared_pool(rollup_template)))
    yield s
    unserve(s)


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    """A page of a fresh headless Chromium (its own profile), closed after the test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 860})
            yield context.new_page()
        finally:
            browser.close()


def submit_pair(s: Served, nonce: int) -> list[str]:
    """Alice pays Bob 5, Bob pays Alice 1 (a full batch of 2); their hashes."""
    hashes = []
    with s.client() as http:
        for tx in (pay(ALICE, 1, 2, 5, nonce), pay(BOB, 2, 1, 1, nonce)):
            r = http.post("/txs", json=to_json(tx))
            assert r.status_code == 200, r.text
            hashes.append(r.json()["hash"])
    return hashes


def on_l1(s: Served, batch: int) -> None:
    """Wait until the node has batch `batch` committed on the (fake) L1."""
    with s.client() as http:
        wait_for(lambda: http.get("/health").json()["last_l1_committed"] >= batch, 60, 0.1,
                 f"batch {batch} on L1")


def row(page: Any, batch: int) -> Any:
    """The batches table's row of a batch."""
    return page.locator("#batches tbody tr").filter(has=page.locator("td:first-child", has_text=f"{batch}"))


def test_the_explorer_shows_batches_transactions_accounts_and_refreshes(served: Served, page: Any,
                                                                        tmp_path: Path) -> None:
    from playwright.sync_api import expect

    first = submit_pair(served, 0)
    on_l1(served, 2)
    page.goto(served.url + "/")
    expect(page).to_have_title("zkvmc rollup explorer")

    # the health line and the batches with their L1 status
    expect(page.locator("#health")).to_contain_text("on L1 2", timeout=SEEN)
    expect(page.locator("#health")).to_contain_text("ok · chain 7")
    expect(page.locator("#batches tbody tr")).to_have_count(2)
    b2 = row(page, 2)
    expect(b2.locator("td").nth(1)).to_have_text("committed")
    expect(b2.locator("td").nth(1)).to_have_css("color", "rgb(23, 128, 61)")  # .status-committed: green
    expect(b2.locator("td").nth(2)).to_have_text("2")
    expect(b2.locator("td").nth(4)).to_contain_text(" s")  # its proving time
    expect(b2.locator("td").nth(6)).to_contain_text("0x")  # its L1 transaction
    expect(row(page, 1).locator("td").nth(1)).to_have_text("committed")

    # a batch's transactions, then one of them
    b2.click()
    expect(page.locator("#batch-title")).to_have_text("Batch 2 — committed")
    expect(page.locator("#batch-facts")).to_contain_text("groth16")
    txs = page.locator("#batch-txs tbody tr")
    expect(txs).to_have_count(2)
    shown_hash = first[0][:12] + "…" + first[0][-4:]  # explorer.js short(hash, 12)
    expect(txs.nth(0).locator("td")).to_have_text([shown_hash, "transfer", "1", "2", "5", "0"])
    txs.nth(0).click()
    expect(page.locator("#tx-hash")).to_have_value(first[0])
    facts = page.locator("#tx-facts")
    expect(facts).to_contain_text("status")
    expect(facts.locator("dd").nth(0)).to_have_text("committed")
    expect(facts.locator("dd").nth(5)).to_have_text("2")  # in batch 2

    # an account looked up by index
    page.fill("#account-index", "1")
    page.click("#account-form button")
    account = page.locator("#account-facts dd")
    expect(account.nth(0)).to_have_text("yes")
    expect(account.nth(1)).to_have_text(str(100 - 5 + 1))
    expect(account.nth(2)).to_have_text("1")

    # new transactions: batch 3 and Alice's new balance appear by themselves, with no reload
    page.evaluate("window.__same_page = true")
    submit_pair(served, 1)
    expect(row(page, 3).locator("td").nth(1)).to_have_text("committed", timeout=SEEN)
    expect(page.locator("#batches tbody tr")).to_have_count(3)
    expect(page.locator("#health")).to_contain_text("on L1 3")
    expect(account.nth(1)).to_have_text(str(100 - 5 + 1 - 5 + 1), timeout=SEEN)
    assert page.evaluate("window.__same_page") is True, "the page was reloaded"

    shot = tmp_path / "explorer.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("ZKVMC_EXPLORER_PNG"):
        shutil.copyfile(shot, os.environ["ZKVMC_EXPLORER_PNG"])
