"""The node's own tables, kept in the rollup's state.db beside the State Manager's (one file, one
WAL, so a batch's local commit and its status change land in one transaction):

    node_mempool(seq, hash, tx, source, l1_index, received, batch)
        every acknowledged transaction, in the order it was acknowledged; batch NULL while
        pending, set when a batch is sealed with it. source is "user" or "l1" (a deposit, with
        the bridge's queue index).
    node_batches(batch, status, n_txs, old_root, new_root, public, proof, sealed_at, proven_at,
                 prove_seconds, l1_tx, l1_sent_at, l1_block, l1_at)
        the node's view of each batch: sealed -> proven -> l1-sent -> committed (on L1).

The batch's transactions, proof and public signals, once committed locally, are in the batch
processor's `batches` table (zkvmc.rollup.batch), read here by column name.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from zkvmc.rollup.batch import SealedBatch
from zkvmc.rollup.state import StateManager, transaction
from zkvmc.rollup.transactions import Kind, Tx, to_json, tx_from_json, tx_hash

T = TypeVar("T")

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS node_mempool(seq INTEGER PRIMARY KEY, hash TEXT NOT NULL,"
    " tx TEXT NOT NULL, source TEXT NOT NULL CHECK(source IN ('user', 'l1')), l1_index INTEGER UNIQUE,"
    " received REAL NOT NULL, batch INTEGER)",
    "CREATE INDEX IF NOT EXISTS node_mempool_hash ON node_mempool(hash)",
    "CREATE INDEX IF NOT EXISTS node_mempool_batch ON node_mempool(batch)",
    "CREATE TABLE IF NOT EXISTS node_batches(batch INTEGER PRIMARY KEY, status TEXT NOT NULL,"
    " n_txs INTEGER NOT NULL, old_root TEXT NOT NULL, new_root TEXT NOT NULL, public TEXT NOT NULL,"
    " proof TEXT, sealed_at REAL, proven_at REAL, prove_seconds REAL, l1_tx TEXT, l1_sent_at REAL,"
    " l1_block INTEGER, l1_at REAL)",
    "CREATE INDEX IF NOT EXISTS node_accounts_key ON accounts(ax, ay)",
)
"""The node's tables (and an index on the accounts' keys, for GET /accounts?ax=..&ay=..)."""

STATUSES = ("sealed", "proven", "l1-sent", "committed")
"""A batch's statuses, in order: committed means committed on L1."""


@dataclass(frozen=True)
class Entry:
    """One mempool row."""

    seq: int
    """Acknowledgement order (1, 2, ...)."""
    tx: Tx
    """The transaction."""
    source: str
    """"user" or "l1"."""
    l1_index: int | None
    """The bridge's deposit queue index (source "l1")."""
    received: float
    """Unix time of the acknowledgement."""
    batch: int | None
    """The batch it was sealed in, or None while pending."""

    @property
    def hash(self) -> str:
        """The transaction's hash."""
        return tx_hash(self.tx)


@dataclass(frozen=True)
class BatchRow:
    """One node_batches row."""

    batch: int
    status: str
    n_txs: int
    old_root: int
    new_root: int
    public: tuple[int, ...]
    proof: dict[str, Any] | None
    sealed_at: float | None
    proven_at: float | None
    prove_seconds: float | None
    l1_tx: str | None
    l1_sent_at: float | None
    l1_block: int | None
    l1_at: float | None


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """A read transaction: every statement inside sees the same committed state (WAL)."""
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the node's tables if missing."""
    with transaction(conn):
        for statement in SCHEMA:
            conn.execute(statement)


# ---- the mempool -----------------------------------------------------------------------------------

_ENTRY = "SELECT seq, tx, source, l1_index, received, batch FROM node_mempool"


def _entry(row: tuple[Any, ...]) -> Entry:
    """An Entry from its row."""
    seq, tx, source, l1_index, received, batch = row
    return Entry(seq, tx_from_json(json.loads(tx), f"node_mempool[{seq}]"), source, l1_index, received, batch)


def insert_entries(conn: sqlite3.Connection, items: Sequence[tuple[Tx, str, int | None]]) -> list[int]:
    """Append (tx, source, l1_index) rows in one transaction; gives their seqs, in order."""
    now = time.time()
    seqs = []
    with transaction(conn):
        for tx, source, l1_index in items:
            cur = conn.execute(
                "INSERT INTO node_mempool(hash, tx, source, l1_index, received) VALUES(?, ?, ?, ?, ?)",
                (tx_hash(tx), json.dumps(to_json(tx)), source, l1_index, now))
            seqs.append(int(cur.lastrowid or 0))
    return seqs


def pending_count(conn: sqlite3.Connection, before_seq: int | None = None) -> int:
    """Unsealed transactions (with seq below before_seq, if given)."""
    if before_seq is None:
        return int(conn.execute("SELECT COUNT(*) FROM node_mempool WHERE batch IS NULL").fetchone()[0])
    return int(conn.execute("SELECT COUNT(*) FROM node_mempool WHERE batch IS NULL AND seq < ?",
                            (before_seq,)).fetchone()[0])


_BATCH_ORDER = "ORDER BY source = 'user', seq"
"""A batch's order: L1 deposits first (in queue order), then users' transactions (in
acknowledgement order), as Hermez puts L1 transactions first, so deposits never wait behind
users' transactions (the bridge forces overdue deposits in)."""


def unsealed(conn: sqlite3.Connection, limit: int) -> list[Entry]:
    """The next batch's transactions: up to `limit` pending ones, in batch order."""
    return [_entry(r) for r in conn.execute(f"{_ENTRY} WHERE batch IS NULL {_BATCH_ORDER} LIMIT ?", (limit,))]


def uncommitted(conn: sqlite3.Connection, last_batch: int) -> list[Entry]:
    """Every transaction not yet in a locally committed batch, in acknowledgement order."""
    return [_entry(r) for r in conn.execute(
        f"{_ENTRY} WHERE batch IS NULL OR batch > ? ORDER BY seq", (last_batch,))]


def batch_entries(conn: sqlite3.Connection, batch: int) -> list[Entry]:
    """The transactions sealed in a batch, in batch order."""
    return [_entry(r) for r in conn.execute(f"{_ENTRY} WHERE batch = ? {_BATCH_ORDER}", (batch,))]


def entry_by_hash(conn: sqlite3.Connection, h: str) -> Entry | None:
    """The latest transaction with this hash (deposits of equal amounts to one account share one)."""
    row = conn.execute(f"{_ENTRY} WHERE hash = ? ORDER BY seq DESC LIMIT 1", (h,)).fetchone()
    return None if row is None else _entry(row)


def next_l1_index(conn: sqlite3.Connection) -> int:
    """The bridge queue index of the next deposit to take in."""
    row = conn.execute("SELECT MAX(l1_index) FROM node_mempool").fetchone()
    return 0 if row[0] is None else int(row[0]) + 1


# ---- batches ---------------------------------------------------------------------------------------

_BATCH = ("SELECT batch, status, n_txs, old_root, new_root, public, proof, sealed_at, proven_at,"
          " prove_seconds, l1_tx, l1_sent_at, l1_block, l1_at FROM node_batches")


def _batch_row(row: tuple[Any, ...]) -> BatchRow:
    """A BatchRow from its row."""
    b, status, n, old, new, public, proof, *rest = row
    return BatchRow(b, status, n, int(old), int(new), tuple(int(v) for v in json.loads(public)),
                    None if proof is None else json.loads(proof), *rest)


def mark_sealed(conn: sqlite3.Connection, sealed: SealedBatch, seqs: Sequence[int]) -> None:
    """Record a sealed batch and assign its transactions to it, in one transaction."""
    with transaction(conn):
        conn.execute("INSERT INTO node_batches(batch, status, n_txs, old_root, new_root, public, sealed_at)"
                     " VALUES(?, 'sealed', ?, ?, ?, ?, ?)",
                     (sealed.number, len(seqs), str(sealed.old_root), str(sealed.new_root),
                      json.dumps([str(v) for v in sealed.public]), time.time()))
        conn.executemany("UPDATE node_mempool SET batch = ? WHERE seq = ? AND batch IS NULL",
                         [(sealed.number, s) for s in seqs])


def record_proof(conn: sqlite3.Connection, batch: int, proof: dict[str, Any], seconds: float) -> None:
    """Keep a batch's proof (before its local commit, which may wait for earlier batches)."""
    with transaction(conn):
        conn.execute("UPDATE node_batches SET status = 'proven', proof = ?, proven_at = ?, prove_seconds = ?"
                     " WHERE batch = ? AND status = 'sealed'", (json.dumps(proof), time.time(), seconds, batch))


def record_l1_sent(conn: sqlite3.Connection, batch: int, l1_tx: str) -> None:
    """The L1 transaction carrying the batch was sent."""
    with transaction(conn):
        conn.execute("UPDATE node_batches SET status = 'l1-sent', l1_tx = ?, l1_sent_at = ? WHERE batch = ?",
                     (l1_tx, time.time(), batch))


def record_l1_committed(conn: sqlite3.Connection, batch: int, l1_tx: str | None, block: int | None) -> None:
    """The bridge accepted the batch (in this transaction and block, when known)."""
    with transaction(conn):
        conn.execute("UPDATE node_batches SET status = 'committed', l1_tx = COALESCE(?, l1_tx),"
                     " l1_block = COALESCE(?, l1_block), l1_at = ? WHERE batch = ?",
                     (l1_tx, block, time.time(), batch))


def batch_row(conn: sqlite3.Connection, batch: int) -> BatchRow | None:
    """One batch's row."""
    row = conn.execute(f"{_BATCH} WHERE batch = ?", (batch,)).fetchone()
    return None if row is None else _batch_row(row)


def batch_rows(conn: sqlite3.Connection, after: int = 0, before: int | None = None,
               limit: int | None = None, newest_first: bool = False) -> list[BatchRow]:
    """Rows with after < batch < before, oldest first (or newest first), at most limit."""
    sql = f"{_BATCH} WHERE batch > ? AND batch < ? ORDER BY batch {'DESC' if newest_first else 'ASC'}"
    params: list[Any] = [after, before if before is not None else 2**62]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_batch_row(r) for r in conn.execute(sql, params)]


def last_with_status(conn: sqlite3.Connection, statuses: Sequence[str]) -> int:
    """The highest batch whose status is one of statuses (0 if none)."""
    marks = ", ".join("?" * len(statuses))
    row = conn.execute(f"SELECT MAX(batch) FROM node_batches WHERE status IN ({marks})", tuple(statuses)).fetchone()
    return int(row[0] or 0)


def committed_record(conn: sqlite3.Connection, batch: int) -> tuple[list[Tx], dict[str, Any], list[int]] | None:
    """A locally committed batch's (transactions, proof, public signals) from the `batches` table."""
    row = conn.execute("SELECT txs, proof, public FROM batches WHERE batch = ?", (batch,)).fetchone()
    if row is None:
        return None
    txs = [tx_from_json(t, f"batches[{batch}]") for t in json.loads(row[0])]
    return txs, json.loads(row[1]), [int(v) for v in json.loads(row[2])]


def adopt_committed(conn: sqlite3.Connection, l1_last: int) -> None:
    """Give a node_batches row to locally committed batches that have none (made before the node
    ran, e.g. by `zkvmc rollup batch`): committed if L1 has them, else proven."""
    rows = conn.execute("SELECT batch, old_root, new_root, txs, proof, public, created FROM batches"
                        " WHERE batch NOT IN (SELECT batch FROM node_batches)").fetchall()
    with transaction(conn):
        for b, old, new, txs, proof, public, created in rows:
            n = sum(1 for t in json.loads(txs) if t.get("kind") != "noop")
            conn.execute("INSERT INTO node_batches(batch, status, n_txs, old_root, new_root, public, proof,"
                         " sealed_at, proven_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (b, "committed" if b <= l1_last else "proven", n, old, new, public, proof,
                          created, created))


def is_user_kind(tx: Tx) -> bool:
    """Whether users may submit this kind (transfers and withdrawals; deposits come from L1)."""
    return tx.kind in (Kind.TRANSFER, Kind.WITHDRAW)


# ---- one thread per connection ---------------------------------------------------------------------


class DbThread:
    """A thread owning one StateManager connection (sqlite3 connections stay in their thread):
    callables `fn(state, *args)` run there one at a time, in submission order."""

    def __init__(self, path: Path, name: str) -> None:
        self._path = path
        self._state: StateManager | None = None
        self._exec = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def call(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run fn(state, *args) on the thread."""
        return self._exec.submit(self._run, fn, args)

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        """Open the connection on first use, then call fn."""
        if self._state is None:
            self._state = StateManager.open(self._path)
        return fn(self._state, *args)

    def close(self) -> None:
        """Close the connection and end the thread."""
        self._exec.submit(self._close).result()
        self._exec.shutdown()

    def _close(self) -> None:
        """Close the connection (on the thread)."""
        if self._state is not None:
            self._state.close()
            self._state = None
