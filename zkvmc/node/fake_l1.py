"""A stand-in for the L1 bridge, for tests and chain-less demos: in memory, or in a JSON file that
survives the node process (so a test can kill a node and restart it against the same "chain").

It keeps what the node relies on: account indices assigned to new keys at deposit time, a deposit
queue that batches must consume strictly in order, commits accepted only for the next batch
number on the current root, mined at once (like anvil's automine), with a revert reason
otherwise; several consecutive batches in one transaction (send_commits, the bridge's
commitBatches: all or none). It does not verify the Groth16 proof (the node verifies every
proof it makes). `commit_transactions()` lists the batches of each commit transaction and `down`
makes sends fail as an unreachable RPC would (tests of batches piling up for L1).
The file form takes an exclusive lock (fcntl) around every call, so a test process and the node
process can both use it. docs/node.md ("Testing hooks").
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from zkvmc.artifacts.io import write_json
from zkvmc.l1.bridge import L1Commit, L1Deposit

_MASK32 = (1 << 32) - 1


class FakeRevert(RuntimeError):
    """A commit the fake bridge refused (what a reverted transaction is to the real client)."""


class FakeUnavailable(RuntimeError):
    """The fake bridge is `down`: what an unreachable RPC is to the real client (retried)."""


def _fresh(root: int, last_batch: int, keys: dict[tuple[int, int], int]) -> dict[str, Any]:
    """A new chain's state: the bridge at (root, last_batch), these keys already registered."""
    return {"root": str(root), "last_batch": last_batch, "block": 1, "consumed": 0, "deposits": [],
            "commits": {}, "txs": {}, "keys": {f"{ax},{ay}": i for (ax, ay), i in keys.items()},
            "next_index": max(keys.values(), default=0) + 1, "accepted": [], "sent": []}


class FakeBridge:
    """The bridge interface (zkvmc.node.bridge.Bridge) over a dict, kept in `path` if given."""

    address = "0x" + "5e" * 20
    """The sequencer's L1 address."""
    contract = "0x" + "b1" * 20
    """The bridge's address."""

    def __init__(self, root: int, last_batch: int = 0, keys: dict[tuple[int, int], int] | None = None,
                 path: str | os.PathLike[str] | None = None) -> None:
        self._lock = threading.Lock()
        self.down = False
        """While True, sends raise FakeUnavailable (this object only, not the file)."""
        self._path = None if path is None else Path(path)
        self._data = _fresh(root, last_batch, keys or {})
        if self._path is not None:
            write_json(str(self._path), self._data)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> FakeBridge:
        """A fake bridge kept in an existing file."""
        bridge = cls.__new__(cls)
        bridge._lock = threading.Lock()
        bridge.down = False
        bridge._path = Path(path)
        bridge._data = {}
        with bridge._locked():
            pass
        return bridge

    @contextmanager
    def _locked(self, write: bool = False) -> Iterator[dict[str, Any]]:
        """The state, read afresh from the file (if any) under the lock, saved after a write."""
        with self._lock:
            if self._path is None:
                yield self._data
                return
            with open(f"{self._path}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                self._data = json.loads(self._path.read_text())
                yield self._data
                if write:
                    write_json(str(self._path), self._data)

    # ---- what L1 users do ---------------------------------------------------------------------

    def deposit(self, ax: int, ay: int, amount_gwei: int) -> L1Deposit:
        """Queue a deposit for this key (a new key gets the next account index)."""
        with self._locked(write=True) as d:
            key = f"{ax},{ay}"
            if key not in d["keys"]:
                d["keys"][key] = d["next_index"]
                d["next_index"] += 1
            d["block"] += 1
            q = len(d["deposits"])
            d["deposits"].append([q, d["keys"][key], ax, ay, amount_gwei, d["block"], _hash("deposit", q)])
            return _deposit(d["deposits"][-1])

    def accepted(self) -> list[int]:
        """The batch numbers of every accepted commit, in order (a batch twice would show here)."""
        with self._locked() as d:
            return list(d["accepted"])

    def commit_transactions(self) -> list[list[int]]:
        """The batch numbers each commit transaction carried (accepted or reverted), in order."""
        with self._locked() as d:
            return [list(batches) for batches in d.get("sent", [])]

    def consumed(self) -> int:
        """Deposits consumed by committed batches."""
        with self._locked() as d:
            return int(d["consumed"])

    # ---- the bridge interface ----------------------------------------------------------------

    def state_root(self) -> int:
        """The root of the last committed batch."""
        with self._locked() as d:
            return int(d["root"])

    def last_batch(self) -> int:
        """The last committed batch's number."""
        with self._locked() as d:
            return int(d["last_batch"])

    def deposits(self, start: int = 0) -> list[L1Deposit]:
        """The queued deposits from queue index start on."""
        with self._locked() as d:
            return [_deposit(row) for row in d["deposits"][start:]]

    def send_commit(self, proof_json: dict[str, Any], public: Sequence[int]) -> str:
        """Mine a commit at once (accepted, or recorded as reverted); its transaction hash."""
        return self.send_commits([(proof_json, public)])

    def send_commits(self, batches: Sequence[tuple[dict[str, Any], Sequence[int]]]) -> str:
        """Mine a commit of consecutive batches at once: all accepted, or the transaction recorded
        as reverted and nothing changed (commitBatches); its transaction hash."""
        if self.down:
            raise FakeUnavailable("the fake L1 is down")
        publics = [[int(v) for v in public] for _, public in batches]
        with self._locked(write=True) as d:
            tx = _hash("commit", len(d["txs"]), *[v for p in publics for v in p])
            d["block"] += 1
            trial = json.loads(json.dumps(d))
            reason = "no batches" if not publics else next(
                (r for r in (_apply_commit(trial, p, tx) for p in publics) if r is not None), None)
            if reason is None:
                d.update(trial)
            numbers = [p[-1] if p else 0 for p in publics]
            d.setdefault("sent", []).append(numbers)
            d["txs"][tx] = {"batch": numbers[0] if numbers else 0, "batches": numbers, "block": d["block"],
                            "reverted": reason}
            return tx

    def wait_commit(self, tx_hash: str) -> L1Commit:
        """The commit a sent transaction made; FakeRevert if it reverted or is unknown."""
        with self._locked() as d:
            sent = d["txs"].get(tx_hash)
            if sent is None:
                raise FakeRevert(f"unknown transaction {tx_hash}")
            if sent["reverted"] is not None:
                raise FakeRevert(f"commit of batch {sent['batch']} reverted: {sent['reverted']}")
            c = d["commits"][str(sent["batch"])]
            return L1Commit(sent["batch"], tx_hash, c["block"], int(c["new_root"]))

    def wait_commits(self, tx_hash: str) -> list[L1Commit]:
        """Every commit a sent transaction made, in batch order; FakeRevert as wait_commit."""
        first = self.wait_commit(tx_hash)
        with self._locked() as d:
            numbers = d["txs"][tx_hash].get("batches", [first.batch])
            found = [(n, d["commits"][str(n)]) for n in numbers]
        return [L1Commit(n, tx_hash, c["block"], int(c["new_root"])) for n, c in found]

    def find_commit(self, batch: int) -> L1Commit | None:
        """The commit of a batch, if any."""
        with self._locked() as d:
            c = d["commits"].get(str(batch))
            return None if c is None else L1Commit(batch, c["tx"], c["block"], int(c["new_root"]))


def _hash(*parts: object) -> str:
    """A made-up transaction hash."""
    return "0x" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _deposit(row: list[Any]) -> L1Deposit:
    """A L1Deposit from its stored row."""
    q, account, ax, ay, amount, block, tx = row
    return L1Deposit(int(q), int(account), int(ax), int(ay), int(amount), int(block), tx)


def _deposit_slots(public: Sequence[int]) -> int:
    """How many slots of a batch are deposits (kind 1 in the low bits of s0)."""
    return sum(1 for s in range((len(public) - 3) // 3) if int(public[1 + 3 * s]) & 3 == 1)


def _apply_commit(d: dict[str, Any], public: list[int], tx: str) -> str | None:
    """Commit one batch onto the state d; why the bridge refuses it instead (d unchanged), or None."""
    reason = _check_commit(d, public)
    if reason is None:
        batch = public[-1]
        d["root"], d["last_batch"] = str(public[0]), batch
        d["consumed"] += _deposit_slots(public)
        d["commits"][str(batch)] = {"tx": tx, "block": d["block"], "new_root": str(public[0])}
        d["accepted"].append(batch)
    return reason


def _check_commit(d: dict[str, Any], public: list[int]) -> str | None:
    """Why the bridge refuses this commit, or None: the batch number, the old root, the deposits."""
    if len(public) < 6 or (len(public) - 3) % 3:
        return f"{len(public)} public signals is no batch's shape"
    if public[-1] != d["last_batch"] + 1:
        return f"batch {public[-1]} does not follow batch {d['last_batch']}"
    if public[-2] != int(d["root"]):
        return "stale old root"
    q = d["consumed"]
    for s in range((len(public) - 3) // 3):
        s0, s1, s2 = public[1 + 3 * s: 4 + 3 * s]
        if s0 & 3 != 1:
            continue
        if q >= len(d["deposits"]):
            return f"slot {s + 1} is a deposit the queue does not hold"
        want = _deposit(d["deposits"][q])
        got = ((s0 >> 34) & _MASK32, s1, s2, s0 >> 66)
        if got != (want.account, want.ax, want.ay, want.amount):
            return f"slot {s + 1} is not queued deposit {q}"
        q += 1
    return None
