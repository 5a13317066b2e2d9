"""The sequencer: admits transactions against the pending state and acknowledges them durably.

The pending state is the committed state plus every acknowledged transaction not yet committed
(sealed or not), in acknowledgement order: one long-lived StateOverlay on the sequencer's own
connection. A submission is checked against it (zkvmc.rollup.validate: so the nonce must be the
sender's pending nonce), applied to it, and acknowledged only once its mempool row is committed
to SQLite. Submissions arriving together are
written in one transaction (group commit), so a flood costs one fsync per group, and refused
ones cost no write at all.

Why the overlay stays right while batches are committed under it: every committed batch holds
transactions the overlay already applied, so any tree node the overlay did not set is unchanged
by those commits, and reading it from the newer committed state gives the same value. A rebuild
(at start-up, after a failed write, and when the overlay grows large) reads the committed state
and the uncommitted rows in one read transaction, so no commit can slip between the two.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from zkvmc.node import store
from zkvmc.errors import MempoolFull, NodeUnavailable
from zkvmc.rollup.accounts import Account
from zkvmc.rollup.state import StateManager, StateOverlay
from zkvmc.rollup.transactions import SIGNED_KINDS, Kind, Tx, tx_hash
from zkvmc.rollup.validate import apply_tx
from zkvmc.errors import TxRejected

log = logging.getLogger("zkvmc.node.sequencer")

GROUP = 64
"""Most submissions written in one database transaction."""

REBUILD_AFTER = 20_000
"""Overlay writes after which the pending overlay is rebuilt from the committed state."""


@dataclass(frozen=True)
class Ack:
    """An acknowledged transaction."""

    hash: str
    """Its hash."""
    seq: int
    """Its place in the acknowledgement order."""
    position: int
    """Its place in the queue of pending (unsealed) transactions, from 1."""


@dataclass
class _Submission:
    tx: Tx
    source: str
    l1_index: int | None
    future: Future[Ack]


class Sequencer:
    """The admission thread. `submit` from any thread; pending reads from any thread."""

    def __init__(self, state_path: Path, chain_id: int, max_mempool: int,
                 on_accept: Callable[[], None] = lambda: None) -> None:
        self._path = state_path
        self._chain_id = chain_id
        self._max_mempool = max_mempool
        self._on_accept = on_accept
        self._queue: queue.Queue[_Submission | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="zkvmc-sequencer", daemon=True)
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._state: StateManager | None = None
        self._overlay: StateOverlay | None = None
        self._pending: dict[int, Account] = {}
        self._keys: dict[tuple[int, int], int] = {}
        self._next_l1 = 0
        self._stale = False

    # ---- the API (any thread) ----------------------------------------------------------------

    def start(self) -> None:
        """Open the database, rebuild the pending state, start admitting (raises what start-up raised)."""
        self._thread.start()
        self._ready.wait()
        if self._startup_error is not None:
            raise self._startup_error

    def stop(self) -> None:
        """Finish the submissions queued so far, then close."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def submit(self, tx: Tx, source: str = "user", l1_index: int | None = None) -> Future[Ack]:
        """Queue a transaction; the future gives its Ack, or raises TxRejected, MempoolFull or
        NodeUnavailable."""
        fut: Future[Ack] = Future()
        self._queue.put(_Submission(tx, source, l1_index, fut))
        return fut

    def pending_account(self, idx: int) -> Account | None:
        """The account as the pending state has it, or None if no pending transaction touches it."""
        return self._pending.get(idx)

    def pending_index(self, ax: int, ay: int) -> int | None:
        """The index a pending deposit gives this key, if any."""
        return self._keys.get((ax, ay))

    @property
    def next_l1_index(self) -> int:
        """The bridge queue index of the next deposit the sequencer expects."""
        return self._next_l1

    # ---- the thread ----------------------------------------------------------------------------

    def _run(self) -> None:
        """Open, rebuild, report start-up, then admit groups until stopped."""
        try:
            self._state = StateManager.open(self._path)
            self._rebuild()
        except BaseException as e:  # reported by start()
            self._startup_error = e
            self._ready.set()
            return
        self._ready.set()
        try:
            while (group := self._next_group()) is not None:
                try:
                    self._process(group)
                except Exception as e:  # noqa: BLE001 - the thread must live on; the overlay is rebuilt
                    log.exception("admitting a group of submissions failed")
                    self._stale = True
                    for sub in group:
                        if not sub.future.done():
                            sub.future.set_exception(NodeUnavailable(f"the node could not take the transaction: {e}"))
        finally:
            self._state.close()

    def _next_group(self) -> list[_Submission] | None:
        """The next submissions, up to GROUP, blocking for the first; None to stop."""
        first = self._queue.get()
        if first is None:
            return None
        group = [first]
        while len(group) < GROUP:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self._queue.put(None)
                break
            group.append(item)
        return group

    def _process(self, group: list[_Submission]) -> None:
        """Check and apply each submission, write the admitted ones in one transaction, answer all."""
        assert self._state is not None and self._overlay is not None
        if self._stale:
            self._rebuild()
        room = self._max_mempool - store.pending_count(self._state.connection)
        admitted: list[_Submission] = []
        for sub in group:
            if self._stale:
                sub.future.set_exception(NodeUnavailable("the node could not take the transaction; retry"))
                continue
            try:
                if sub.source == "user" and len(admitted) >= room:
                    raise MempoolFull(f"the mempool holds {self._max_mempool} pending transactions; retry later")
                if self._admit(sub):
                    admitted.append(sub)
            except (TxRejected, MempoolFull) as e:
                sub.future.set_exception(e)
            except Exception as e:  # noqa: BLE001 - the overlay may be half-applied: rebuilt after the write
                log.exception("checking a submission failed")
                self._stale = True
                sub.future.set_exception(NodeUnavailable(f"the node could not check the transaction: {e}"))
        if admitted:
            self._write(admitted)
        if self._stale or self._overlay.mark()[0] > REBUILD_AFTER:
            self._rebuild()

    def _admit(self, sub: _Submission) -> bool:
        """Check and apply one submission (False: an L1 deposit already taken in, answered here)."""
        assert self._overlay is not None
        if sub.source == "l1":
            if sub.l1_index is not None and sub.l1_index < self._next_l1:
                sub.future.set_result(Ack(tx_hash(sub.tx), 0, 0))
                return False
            _check_deposit(sub, self._next_l1)
        else:
            _check_user_kind(sub.tx)
        apply_tx(sub.tx, self._overlay, self._chain_id)
        self._note(sub.tx)
        if sub.source == "l1":
            self._next_l1 += 1
        return True

    def _note(self, tx: Tx) -> None:
        """Copy the accounts a transaction changed into the pending view other threads read."""
        assert self._overlay is not None
        for idx in {tx.sender, tx.receiver}:
            self._pending[idx] = self._overlay.account(idx)
        if tx.kind == Kind.DEPOSIT:
            self._keys.setdefault((tx.d1, tx.d2), tx.receiver)

    def _write(self, admitted: list[_Submission]) -> None:
        """One transaction for the admitted group, then the acknowledgements."""
        assert self._state is not None
        conn = self._state.connection
        try:
            seqs = store.insert_entries(conn, [(s.tx, s.source, s.l1_index) for s in admitted])
        except Exception as e:  # noqa: BLE001 - nothing was acknowledged; the overlay is rebuilt
            log.exception("writing the mempool failed")
            self._stale = True
            for sub in admitted:
                sub.future.set_exception(NodeUnavailable(f"the node could not record the transaction: {e}"))
            return
        ahead = store.pending_count(conn, seqs[0])
        for k, (sub, seq) in enumerate(zip(admitted, seqs)):
            sub.future.set_result(Ack(tx_hash(sub.tx), seq, ahead + k + 1))
        self._on_accept()

    def _rebuild(self) -> None:
        """The pending overlay anew: the committed state plus the uncommitted rows, read in one snapshot."""
        assert self._state is not None
        pending: dict[int, Account] = {}
        keys: dict[tuple[int, int], int] = {}
        with store.snapshot(self._state.connection):
            overlay = self._state.overlay()
            rows = store.uncommitted(self._state.connection, self._state.last_batch())
            for entry in rows:
                apply_tx(entry.tx, overlay, self._chain_id)
                for idx in {entry.tx.sender, entry.tx.receiver}:
                    pending[idx] = overlay.account(idx)
                if entry.tx.kind == Kind.DEPOSIT:
                    keys.setdefault((entry.tx.d1, entry.tx.d2), entry.tx.receiver)
            self._next_l1 = store.next_l1_index(self._state.connection)
        self._overlay, self._pending, self._keys, self._stale = overlay, pending, keys, False
        log.info("pending state rebuilt: %d uncommitted transaction(s)", len(rows))


def _check_user_kind(tx: Tx) -> None:
    """Users submit transfers and withdrawals; deposits come from L1 only."""
    if tx.kind not in SIGNED_KINDS:
        raise TxRejected("kind-not-allowed", "users submit transfers and withdrawals; deposits come from the "
                                             "L1 bridge and no-ops are padding")


def _check_deposit(sub: _Submission, expected: int) -> None:
    """An L1 submission is a deposit with the next queue index."""
    if sub.tx.kind != Kind.DEPOSIT:
        raise TxRejected("bad-kind", "only deposits come from L1")
    if sub.l1_index != expected:
        raise TxRejected("l1-order", f"deposit {sub.l1_index} out of order: the next is {expected}")
