"""The State Manager: the accounts tree persisted in SQLite, with its root history.

One database file (WAL journal, synchronous=FULL, foreign keys on) holds four tables:

    meta(key, value)                          format, schema_version, depth
    accounts(idx, ax, ay, balance, nonce)     non-empty accounts only, numbers as decimal strings
    nodes(level, idx, hash)                   tree nodes that differ from their level's default
    roots(batch, root)                        the root after each batch; batch 0 = genesis (empty)

A batch is simulated in a `StateOverlay` (in memory, over the committed state) and written by
`StateManager.commit` in one BEGIN IMMEDIATE ... COMMIT: the changed accounts and nodes, the new
(batch, root) row and whatever the caller's `extra(conn)` writes all land, or none does. Later
code may add its own tables to the same file through `StateManager.connection`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from zkvmc.errors import ApiMisuse, ArtifactError, InvalidValue
from zkvmc.rollup.accounts import EMPTY, Account
from zkvmc.rollup.tree import (
    MerkleProof,
    NodeKey,
    check_depth,
    check_index,
    default_hashes,
    node_hash,
    sibling_keys,
    sparse_root,
)

FORMAT = "zkvmc-rollup-state"
"""meta.format of a state database."""

SCHEMA_VERSION = 1
"""meta.schema_version this code reads and writes."""

_SCHEMA = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE accounts(idx INTEGER PRIMARY KEY, ax TEXT NOT NULL, ay TEXT NOT NULL,"
    " balance TEXT NOT NULL, nonce TEXT NOT NULL)",
    "CREATE TABLE nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL, hash TEXT NOT NULL,"
    " PRIMARY KEY(level, idx)) WITHOUT ROWID",
    "CREATE TABLE roots(batch INTEGER PRIMARY KEY, root TEXT NOT NULL)",
)

_UPSERT_ACCOUNT = (
    "INSERT INTO accounts(idx, ax, ay, balance, nonce) VALUES(?, ?, ?, ?, ?) ON CONFLICT(idx) DO UPDATE"
    " SET ax = excluded.ax, ay = excluded.ay, balance = excluded.balance, nonce = excluded.nonce"
)
_UPSERT_NODE = (
    "INSERT INTO nodes(level, idx, hash) VALUES(?, ?, ?) ON CONFLICT(level, idx) DO UPDATE SET hash = excluded.hash"
)


@dataclass(frozen=True)
class StateChanges:
    """What an overlay changed relative to the state it was built on."""

    base_root: int
    """The root of the state the overlay was built on."""
    root: int
    """The overlay's root."""
    accounts: Mapping[int, Account]
    """Changed accounts by index (EMPTY: the account is removed)."""
    nodes: Mapping[NodeKey, int]
    """Changed nodes by (level, idx) (the level's default hash: the node is no longer stored)."""


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (the connection is in autocommit)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _connect(path: Path) -> sqlite3.Connection:
    """Open an existing file (never creating it) in autocommit mode with WAL, FULL sync and foreign keys."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=rw", uri=True, isolation_level=None)
    except sqlite3.Error as e:
        raise ArtifactError(str(path), "", f"cannot open ({e})") from None
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise ArtifactError(str(path), "", "cannot switch the database to WAL mode")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as e:
        conn.close()
        raise ArtifactError(str(path), "", f"not a zkvmc rollup state database ({e})") from None
    except BaseException:
        conn.close()
        raise
    return conn


def _read_meta(conn: sqlite3.Connection, path: str) -> dict[str, str]:
    """The meta table as a dict; ArtifactError if the file is not a state database."""
    try:
        rows = conn.execute("SELECT key, value FROM meta").fetchall()
    except sqlite3.DatabaseError as e:
        raise ArtifactError(path, "", f"not a zkvmc rollup state database ({e})") from None
    return {str(k): str(v) for k, v in rows}


def _check_meta(meta: Mapping[str, str], path: str) -> int:
    """The depth recorded in meta, after checking the format and schema version."""
    if meta.get("format") != FORMAT:
        raise ArtifactError(path, "format", f"expected {FORMAT!r}, found {meta.get('format')!r}")
    if meta.get("schema_version") != str(SCHEMA_VERSION):
        found = meta.get("schema_version")
        raise ArtifactError(path, "schema_version", f"is {found!r}, this zkvmc reads {SCHEMA_VERSION}")
    try:
        return check_depth(int(meta.get("depth", "")))
    except ValueError as e:
        raise ArtifactError(path, "depth", str(e)) from None


def _fetch_nodes(conn: sqlite3.Connection, keys: list[NodeKey]) -> dict[NodeKey, int]:
    """The stored nodes among keys (absent ones are at their default), in one statement."""
    if not keys:
        return {}
    where = " OR ".join(["(level = ? AND idx = ?)"] * len(keys))
    params = [x for key in keys for x in key]
    rows = conn.execute(f"SELECT level, idx, hash FROM nodes WHERE {where}", params).fetchall()
    return {(level, idx): int(h) for level, idx, h in rows}


def _write_genesis(conn: sqlite3.Connection, depth: int) -> None:
    """Create the tables and write meta and batch 0 (the empty tree), in one transaction."""
    with transaction(conn):
        for statement in _SCHEMA:
            conn.execute(statement)
        meta = {"format": FORMAT, "schema_version": str(SCHEMA_VERSION), "depth": str(depth)}
        conn.executemany("INSERT INTO meta(key, value) VALUES(?, ?)", meta.items())
        conn.execute("INSERT INTO roots(batch, root) VALUES(0, ?)", (str(default_hashes(depth)[depth]),))


class StateManager:
    """The committed rollup state in one SQLite file. Use `create` or `open`, then `close`
    (or a with-block)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, depth: int) -> None:
        """Wrap an open, checked connection; callers use `create` or `open`."""
        self._conn = conn
        self._path = path
        self._depth = depth
        self._z = default_hashes(depth)

    @classmethod
    def create(cls, path: str | os.PathLike[str], depth: int) -> StateManager:
        """Create a new state database holding the empty tree (batch 0); error if path exists."""
        check_depth(depth)
        p = Path(path)
        try:
            os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            raise ArtifactError(str(p), "", "already exists (StateManager.open opens it)") from None
        except OSError as e:
            raise ArtifactError(str(p), "", f"cannot create ({e.strerror or e})") from None
        try:
            conn = _connect(p)
        except BaseException:
            p.unlink(missing_ok=True)
            raise
        try:
            _write_genesis(conn, depth)
        except BaseException:
            conn.close()
            for leftover in (p, Path(f"{p}-wal"), Path(f"{p}-shm")):
                leftover.unlink(missing_ok=True)
            raise
        return cls(conn, p, depth)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> StateManager:
        """Open an existing state database; ArtifactError if it is missing, not ours, or of
        another schema version."""
        p = Path(path)
        if not p.is_file():
            raise ArtifactError(str(p), "", "no such state database")
        conn = _connect(p)
        try:
            depth = _check_meta(_read_meta(conn, str(p)), str(p))
        except BaseException:
            conn.close()
            raise
        return cls(conn, p, depth)

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    @property
    def depth(self) -> int:
        """The tree depth: accounts are at indices 0 .. 2^depth - 1."""
        return self._depth

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection (autocommit mode: write with BEGIN IMMEDIATE ... COMMIT, or in `commit`'s
        `extra`), for tables of other roles kept in the same file."""
        return self._conn

    def close(self) -> None:
        """Close the database."""
        self._conn.close()

    def __enter__(self) -> StateManager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def root(self) -> int:
        """The committed tree's root (the root node as stored)."""
        return self._node(self._depth, 0)

    def account(self, idx: int) -> Account:
        """The committed account at idx (EMPTY if none)."""
        check_index(idx, self._depth)
        row = self._conn.execute("SELECT idx, ax, ay, balance, nonce FROM accounts WHERE idx = ?", (idx,)).fetchone()
        return EMPTY if row is None else self._row_account(row)

    def accounts(self) -> list[tuple[int, Account]]:
        """Every non-empty committed account, by index."""
        rows = self._conn.execute("SELECT idx, ax, ay, balance, nonce FROM accounts ORDER BY idx").fetchall()
        return [(row[0], self._row_account(row)) for row in rows]

    def proof(self, idx: int) -> MerkleProof:
        """The Merkle proof of the committed leaf at idx against the committed root."""
        check_index(idx, self._depth)
        keys = [(0, idx), *sibling_keys(idx, self._depth), (self._depth, 0)]
        got = _fetch_nodes(self._conn, keys)
        values = [got.get(key, self._z[key[0]]) for key in keys]
        return MerkleProof(idx, values[0], tuple(values[1:-1]), values[-1])

    def history(self) -> list[tuple[int, int]]:
        """(batch, root) for every committed batch, from batch 0 (genesis)."""
        rows = self._conn.execute("SELECT batch, root FROM roots ORDER BY batch").fetchall()
        return [(batch, int(root)) for batch, root in rows]

    def last_batch(self) -> int:
        """The number of the last committed batch (0 before any)."""
        return int(self._conn.execute("SELECT MAX(batch) FROM roots").fetchone()[0])

    def root_at(self, batch: int) -> int:
        """The root after the given batch; ValueError if there is no such batch."""
        row = self._conn.execute("SELECT root FROM roots WHERE batch = ?", (batch,)).fetchone()
        if row is None:
            raise InvalidValue(f"no batch {batch} in {self._path} (last is {self.last_batch()})")
        return int(row[0])

    def recompute_root(self) -> int:
        """The root rebuilt from the stored accounts alone (ignores the nodes table)."""
        return sparse_root({idx: acc.leaf() for idx, acc in self.accounts()}, self._depth)

    def overlay(self) -> StateOverlay:
        """An in-memory, writable view over the current committed state."""
        return StateOverlay(self, self.root())

    def commit(
        self, overlay: StateOverlay, batch: int, extra: Callable[[sqlite3.Connection], None] | None = None
    ) -> int:
        """Write the overlay's changes as `batch` in one transaction with `extra(conn)`; return the new root.

        ValueError if batch is not last_batch() + 1, if the committed root is no longer the one
        the overlay was built on, or if the overlay belongs to another manager or was committed
        already. `extra` must not commit or roll back; if it raises, nothing is written.
        """
        if overlay.manager is not self:
            raise ApiMisuse("the overlay was made by another StateManager")
        if overlay.committed:
            raise ApiMisuse("the overlay was committed already; make a new one")
        root = self.commit_changes(overlay.changes(), batch, extra)
        overlay._committed = True  # the manager that made the overlay marks it spent
        return root

    def commit_changes(
        self, changes: StateChanges, batch: int, extra: Callable[[sqlite3.Connection], None] | None = None
    ) -> int:
        """Write one batch's changes (StateOverlay.delta, for batches sequenced ahead of the
        committed state) like `commit`: refused unless changes.base_root is the committed root."""
        with transaction(self._conn):
            self._check_head(batch, changes.base_root)
            self._write_changes(changes)
            self._conn.execute("INSERT INTO roots(batch, root) VALUES(?, ?)", (batch, str(changes.root)))
            if extra is not None:
                extra(self._conn)
        return changes.root

    def _check_head(self, batch: int, base_root: int) -> None:
        """Inside the commit transaction: the batch number follows the last and the base is current."""
        last = self.last_batch()
        if isinstance(batch, bool) or not isinstance(batch, int) or batch != last + 1:
            raise ApiMisuse(f"batch number {batch!r} does not follow the last committed batch {last}")
        current = self.root()
        if current != base_root:
            raise ApiMisuse(f"stale overlay: built on root {base_root}, the committed root is now {current}")

    def _write_changes(self, changes: StateChanges) -> None:
        """Upsert or delete the changed accounts and nodes (inside the commit transaction)."""
        conn = self._conn
        gone = [(idx,) for idx, acc in changes.accounts.items() if acc.is_empty]
        kept = [(idx, *acc.to_json().values()) for idx, acc in changes.accounts.items() if not acc.is_empty]
        conn.executemany("DELETE FROM accounts WHERE idx = ?", gone)
        conn.executemany(_UPSERT_ACCOUNT, kept)
        defaults = [key for key, h in changes.nodes.items() if h == self._z[key[0]]]
        stored = [(*key, str(h)) for key, h in changes.nodes.items() if h != self._z[key[0]]]
        conn.executemany("DELETE FROM nodes WHERE level = ? AND idx = ?", defaults)
        conn.executemany(_UPSERT_NODE, stored)

    def _node(self, level: int, idx: int) -> int:
        """One committed node (its level's default if not stored)."""
        row = self._conn.execute("SELECT hash FROM nodes WHERE level = ? AND idx = ?", (level, idx)).fetchone()
        return self._z[level] if row is None else int(row[0])

    def _row_account(self, row: tuple[int, str, str, str, str]) -> Account:
        """An Account from an accounts row; ArtifactError naming the row if it is corrupt."""
        try:
            return Account(int(row[1]), int(row[2]), int(row[3]), int(row[4]))
        except ValueError as e:
            raise ArtifactError(str(self._path), f"accounts[{row[0]}]", str(e)) from None


class StateOverlay:
    """An in-memory view of the state: the committed state it was built on plus its own `set`s.

    Valid while the committed state stays at `base_root` (commit refuses it otherwise); reads of
    parts it has not changed go to the database and are cached.
    """

    def __init__(self, manager: StateManager, base_root: int) -> None:
        """An overlay over `manager`'s state, whose root is now base_root (use StateManager.overlay)."""
        self._manager = manager
        self._base_root = base_root
        self._committed = False
        self._depth = manager.depth
        self._z = default_hashes(manager.depth)
        self._accounts: dict[int, Account] = {}
        self._nodes: dict[NodeKey, int] = {}
        self._base: dict[NodeKey, int] = {(manager.depth, 0): base_root}
        self._log: list[int] = []

    @property
    def depth(self) -> int:
        """The tree depth."""
        return self._depth

    @property
    def manager(self) -> StateManager:
        """The state manager whose committed state this overlay is built on."""
        return self._manager

    @property
    def base_root(self) -> int:
        """The committed root when the overlay was made."""
        return self._base_root

    @property
    def committed(self) -> bool:
        """Whether StateManager.commit has written this overlay (it then refuses `set`)."""
        return self._committed

    def root(self) -> int:
        """The overlay's root."""
        return self._nodes.get((self._depth, 0), self.base_root)

    def account(self, idx: int) -> Account:
        """The account at idx as the overlay sees it."""
        got = self._accounts.get(check_index(idx, self._depth))
        return self.manager.account(idx) if got is None else got

    def proof(self, idx: int) -> MerkleProof:
        """The Merkle proof of the leaf at idx against the overlay's root."""
        check_index(idx, self._depth)
        siblings = self._nodes_at(sibling_keys(idx, self._depth))
        return MerkleProof(idx, self._nodes_at([(0, idx)])[0], tuple(siblings), self.root())

    def set(self, idx: int, account: Account) -> int:
        """Put account at idx, rehash its path (depth hashes), and return the new root."""
        check_index(idx, self._depth)
        if not isinstance(account, Account):
            raise TypeError(f"expected an Account, got {type(account).__name__}")
        if self.committed:
            raise ApiMisuse("the overlay was committed already; make a new one")
        node = account.leaf()
        siblings = self._nodes_at(sibling_keys(idx, self._depth))
        self._accounts[idx] = account
        self._log.append(idx)
        self._nodes[(0, idx)] = node
        for level, sibling in enumerate(siblings):
            node = node_hash(sibling, node) if idx >> level & 1 else node_hash(node, sibling)
            self._nodes[(level + 1, idx >> (level + 1))] = node
        return node

    def changes(self) -> StateChanges:
        """The accounts and nodes set since the overlay was made (copies)."""
        return StateChanges(self.base_root, self.root(), dict(self._accounts), dict(self._nodes))

    def mark(self) -> tuple[int, int]:
        """A point in the overlay's history (for `delta`): sets so far, and the root now."""
        return len(self._log), self.root()

    def delta(self, since: tuple[int, int]) -> StateChanges:
        """The accounts set after the mark `since`, and their paths, as they are now: one
        batch's changes when taken at its end (StateManager.commit_changes writes them)."""
        start, base = since
        touched = sorted(set(self._log[start:]))
        nodes = {(lv, i >> lv): self._nodes[(lv, i >> lv)] for i in touched for lv in range(self._depth + 1)}
        return StateChanges(base, self.root(), {i: self._accounts[i] for i in touched}, nodes)

    def _nodes_at(self, keys: list[NodeKey]) -> list[int]:
        """The overlay's nodes at keys: its own, else the base's (fetched once, then cached)."""
        missing = [k for k in keys if k not in self._nodes and k not in self._base]
        if missing:
            got = _fetch_nodes(self.manager.connection, missing)
            self._base.update((k, got.get(k, self._z[k[0]])) for k in missing)
        return [self._nodes[k] if k in self._nodes else self._base[k] for k in keys]


StateView = StateManager | StateOverlay
"""Either the committed state or an overlay: both answer depth, root(), account(idx) and proof(idx)."""
