"""The deposit queue: deposits waiting for a batch, consumed strictly in the order queued.

An offline stand-in for the bridge's L1 deposit queue (the node issue connects it to L1): a
table beside the state, `deposit_queue(id, tx, batch)`, batch NULL while pending. A deposit is
queued only if it applies after every deposit already pending (zkvmc.rollup.validate), and a
batch marks the deposits it carries in the same database transaction that commits it.
"""

from __future__ import annotations

import json
import sqlite3

from zkvmc.rollup.state import StateManager
from zkvmc.rollup.transactions import Kind, Tx, to_json, tx_from_json
from zkvmc.rollup.validate import apply_tx
from zkvmc.errors import TxRejected

_TABLE = ("CREATE TABLE IF NOT EXISTS deposit_queue(id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tx TEXT NOT NULL, batch INTEGER)")


def pending(state: StateManager) -> list[tuple[int, Tx]]:
    """(id, deposit) of every deposit not yet in a batch, oldest first."""
    state.connection.execute(_TABLE)
    rows = state.connection.execute("SELECT id, tx FROM deposit_queue WHERE batch IS NULL ORDER BY id").fetchall()
    return [(i, tx_from_json(json.loads(t), f"{state.path}: deposit {i}")) for i, t in rows]


def enqueue(state: StateManager, tx: Tx, chain_id: int) -> int:
    """Queue a deposit that applies after the pending ones (TxRejected otherwise); gives its id."""
    if tx.kind != Kind.DEPOSIT:
        raise TxRejected("bad-kind", "only deposits enter the deposit queue")
    overlay = state.overlay()
    for _, queued in pending(state):
        apply_tx(queued, overlay, chain_id)
    apply_tx(tx, overlay, chain_id)
    cur = state.connection.execute("INSERT INTO deposit_queue(tx) VALUES(?)", (json.dumps(to_json(tx)),))
    return int(cur.lastrowid or 0)


def consume(conn: sqlite3.Connection, ids: list[int], batch: int) -> None:
    """Mark deposits as carried by batch (inside the batch's commit transaction)."""
    conn.executemany("UPDATE deposit_queue SET batch = ? WHERE id = ? AND batch IS NULL",
                     [(batch, i) for i in ids])
