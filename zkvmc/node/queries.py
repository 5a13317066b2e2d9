"""The node's read side: transactions, accounts, batches and counters as JSON-ready dicts.

Each function takes the reader thread's StateManager and reads in one snapshot, so an answer
never mixes two committed states. Numbers that can exceed 2^53 (roots, keys, balances) are
decimal strings, as everywhere in zkvmc's JSON.
"""

from __future__ import annotations

from typing import Any

from zkvmc.node import store
from zkvmc.rollup.accounts import Account
from zkvmc.rollup.state import StateManager
from zkvmc.rollup.transactions import Kind, to_json


def _l1(row: store.BatchRow) -> dict[str, Any]:
    """A batch's L1 status."""
    return {"tx": row.l1_tx, "block": row.l1_block, "sent_at": row.l1_sent_at, "committed_at": row.l1_at}


def batch_summary(row: store.BatchRow, last_local: int) -> dict[str, Any]:
    """One batch, without its transactions and proof."""
    return {"batch": row.batch, "status": row.status, "txs": row.n_txs, "applied": row.batch <= last_local,
            "old_root": str(row.old_root), "new_root": str(row.new_root), "sealed_at": row.sealed_at,
            "proven_at": row.proven_at, "prove_seconds": row.prove_seconds, "l1": _l1(row)}


def tx_view(state: StateManager, h: str) -> dict[str, Any] | None:
    """A transaction's status (pending, sealed, proven, l1-sent, committed), or None if unknown."""
    conn = state.connection
    with store.snapshot(conn):
        entry = store.entry_by_hash(conn, h)
        if entry is None:
            return None
        row = None if entry.batch is None else store.batch_row(conn, entry.batch)
    view: dict[str, Any] = {"hash": h, "status": "pending" if row is None else row.status, "seq": entry.seq,
                            "source": entry.source, "l1_index": entry.l1_index, "received": entry.received,
                            "batch": entry.batch, "l1": None, "tx": to_json(entry.tx)}
    if row is not None and row.status in ("l1-sent", "committed"):
        view["l1"] = _l1(row)
    return view


def account_view(state: StateManager, idx: int, with_proof: bool, pending: Account | None) -> dict[str, Any]:
    """An account as of the last local commit, its pending balance and nonce, and optionally its
    Merkle proof against the committed root."""
    conn = state.connection
    with store.snapshot(conn):
        acc, root, batch = state.account(idx), state.root(), state.last_batch()
        proof = state.proof(idx) if with_proof else None
    ahead = pending if pending is not None else acc
    view: dict[str, Any] = {"index": idx, "exists": not acc.is_empty, "batch": batch, "root": str(root),
                            **acc.to_json(), "pending": {"exists": not ahead.is_empty, "balance": str(ahead.balance),
                                                         "nonce": str(ahead.nonce)}}
    if proof is not None:
        view["proof"] = {"leaf": str(proof.leaf), "siblings": [str(s) for s in proof.siblings],
                         "root": str(proof.root)}
    return view


def find_key(state: StateManager, ax: int, ay: int) -> int | None:
    """The committed account holding this key, if any."""
    row = state.connection.execute("SELECT idx FROM accounts WHERE ax = ? AND ay = ? ORDER BY idx LIMIT 1",
                                   (str(ax), str(ay))).fetchone()
    return None if row is None else int(row[0])


def batches_page(state: StateManager, before: int | None, limit: int) -> dict[str, Any]:
    """Batches below `before` (all if None), newest first, at most limit; `next` pages on."""
    conn = state.connection
    with store.snapshot(conn):
        rows = store.batch_rows(conn, before=before, limit=limit, newest_first=True)
        last = state.last_batch()
    more = len(rows) == limit and rows[-1].batch > 1
    return {"batches": [batch_summary(r, last) for r in rows], "next": rows[-1].batch if more else None}


def batch_view(state: StateManager, n: int) -> dict[str, Any] | None:
    """One batch: summary, transactions (no padding), public signals and proof (when proven)."""
    conn = state.connection
    with store.snapshot(conn):
        row = store.batch_row(conn, n)
        if row is None:
            return None
        last = state.last_batch()
        record = store.committed_record(conn, n)
        txs = record[0] if record is not None else [e.tx for e in store.batch_entries(conn, n)]
    view = batch_summary(row, last)
    view["transactions"] = [to_json(tx) for tx in txs if tx.kind != Kind.NOOP]
    view["public"] = [str(v) for v in (record[2] if record is not None else row.public)]
    view["proof"] = record[1] if record is not None else row.proof
    return view


def counters(state: StateManager) -> dict[str, int]:
    """The last sealed, proven, locally committed and L1-committed batch, and the mempool depth."""
    conn = state.connection
    with store.snapshot(conn):
        return {
            "last_sealed": store.last_with_status(conn, store.STATUSES),
            "last_proven": store.last_with_status(conn, store.STATUSES[1:]),
            "last_committed": state.last_batch(),
            "last_l1_committed": store.last_with_status(conn, ("committed",)),
            "mempool_depth": store.pending_count(conn),
        }
