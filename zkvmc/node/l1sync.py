"""The node's two L1 roles, each a thread: the submitter and the deposit watcher.

The submitter sends locally committed batches to the bridge strictly in order: send_commit,
record the transaction hash (status l1-sent), wait_commit, record the block (status committed).
When several batches wait (L1 was slow or down, proofs came in together), up to
NodeConfig.l1_max_batches of them go in one transaction (send_commits: the bridge's
commitBatches, one pairing check for all their proofs); every one of them records that hash.
Before sending batch n it asks the bridge whether n is committed already (a commit sent by a
node that died before recording it): then it only records it, so no batch is committed twice.
A failed call is retried with a growing delay, from the same check.

The watcher polls the bridge's deposit queue from the next index the sequencer expects and
submits each deposit, in queue order, as the L2 transaction deposit(to=account, ax, ay, amount).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from zkvmc.node import store
from zkvmc.node.bridge import Bridge, Commit, deposit_amount
from zkvmc.node.config import NodeConfig, maybe_crash
from zkvmc.node.metrics import NodeMetrics
from zkvmc.node.sequencer import Sequencer
from zkvmc.rollup.state import StateManager
from zkvmc.rollup.transactions import deposit

log = logging.getLogger("zkvmc.node.l1")

Waiting = tuple[int, dict[str, Any], list[int]]
"""A locally committed batch waiting for L1: (number, proof.json object, public signals)."""

MAX_RETRY = 60.0
"""Longest delay between two attempts of a failing L1 call, in seconds."""


class _Loop:
    """A thread that runs `_step` until stopped, waiting between steps unless woken."""

    name = "zkvmc-loop"

    def __init__(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._cond = threading.Condition()
        self._dirty = False
        self._stopping = False
        self.error: str | None = None
        """The last failure, until a step succeeds."""

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the current step (a blocking L1 call is not interrupted)."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def wake(self) -> None:
        """Step now."""
        with self._cond:
            self._dirty = True
            self._cond.notify()

    def _wait(self, seconds: float) -> None:
        """Wait up to `seconds` unless woken or stopping."""
        with self._cond:
            if not self._dirty and not self._stopping:
                self._cond.wait(seconds)
            self._dirty = False

    def _run(self) -> None:
        """Subclasses run their loop here."""
        raise NotImplementedError


class L1Submitter(_Loop):
    """Commits locally committed batches to the bridge, in order."""

    name = "zkvmc-l1-submitter"

    def __init__(self, state_path: Path, bridge: Bridge, config: NodeConfig, metrics: NodeMetrics,
                 l1_last: int) -> None:
        super().__init__()
        self._path = state_path
        self._bridge = bridge
        self._config = config
        self._metrics = metrics
        self.last_l1 = l1_last
        """The last batch known committed on L1."""
        self._caught_up = False

    def _run(self) -> None:
        """Submit until stopped, retrying failures with a growing delay."""
        state = StateManager.open(self._path)
        delay = self._config.l1_retry
        try:
            while not self._stopping:
                try:
                    progressed = self._step(state)
                    self.error, delay = None, self._config.l1_retry
                except Exception as e:  # noqa: BLE001 - an L1 failure is retried, never fatal
                    self.error = f"batch {self.last_l1 + 1}: {type(e).__name__}: {e}"
                    self._metrics.l1_errors.inc()
                    log.warning("L1 commit of batch %d failed (retry in %.0f s): %s", self.last_l1 + 1, delay, e)
                    self._wait(delay)
                    delay = min(2 * delay, MAX_RETRY)
                    continue
                if not progressed:
                    self._wait(self._config.l1_poll)
        finally:
            state.close()

    def _catch_up(self, state: StateManager) -> None:
        """Record the batches L1 had at start-up that our rows do not show committed (a commit
        sent by a node that died before recording it)."""
        for row in store.batch_rows(state.connection, before=self.last_l1 + 1):
            if row.status != "committed":
                self._done(state, row.batch, self._bridge.find_commit(row.batch))
        self._caught_up = True

    def _step(self, state: StateManager) -> bool:
        """Bring batch last_l1 + 1 onto L1 if it is committed locally; whether there was one."""
        if not self._caught_up:
            self._catch_up(state)
        n = self.last_l1 + 1
        if n > state.last_batch():
            return False
        conn = state.connection
        if self._bridge.last_batch() >= n:
            self._done(state, n, self._bridge.find_commit(n))
            return True
        row = store.batch_row(conn, n)
        if row is not None and row.status == "l1-sent" and row.l1_tx:
            try:
                self._landed(state, row.l1_tx)
                return True
            except Exception as e:  # noqa: BLE001 - reverted or lost: send again below
                if _not_mined_yet(e):
                    raise
                log.warning("the commit sent for batch %d did not land (%s): sending it again", n, e)
        waiting = self._waiting(state, n)
        tx = self._send(waiting)
        maybe_crash("after-l1-send", self._config.crash_at)
        for b, _, _ in waiting:
            store.record_l1_sent(conn, b, tx)
        log.info("sent batch%s %s to L1: %s", "es" if len(waiting) > 1 else "",
                 "-".join(str(b) for b in sorted({n, waiting[-1][0]})), tx)
        self._landed(state, tx)
        return True

    def _waiting(self, state: StateManager, n: int) -> list[Waiting]:
        """(batch, proof, public signals) of batch n and the locally committed batches after it, at
        most l1_max_batches."""
        last = min(state.last_batch(), n + self._config.l1_max_batches - 1)
        found = []
        for b in range(n, last + 1):
            record = store.committed_record(state.connection, b)
            if record is None:
                if b == n:
                    raise RuntimeError(f"batch {n} has no committed record in state.db")
                break
            found.append((b, record[1], record[2]))
        return found

    def _send(self, waiting: list[Waiting]) -> str:
        """One commit transaction for the waiting batches: commitBatch for one, commitBatches for more."""
        if len(waiting) == 1:
            return self._bridge.send_commit(waiting[0][1], waiting[0][2])
        return self._bridge.send_commits([(proof, public) for _, proof, public in waiting])

    def _landed(self, state: StateManager, tx: str) -> None:
        """Wait for a sent commit transaction; record every batch it committed."""
        for commit in self._bridge.wait_commits(tx):
            self._done(state, commit.batch, commit)

    def _done(self, state: StateManager, n: int, commit: Commit | None) -> None:
        """Record batch n as committed on L1 (with its transaction and block when known)."""
        if commit is not None and commit.new_root != state.root_at(n):
            raise RuntimeError(f"L1 committed batch {n} with root {commit.new_root}, not ours {state.root_at(n)}")
        store.record_l1_committed(state.connection, n, commit.tx_hash if commit else None,
                                  commit.block if commit else None)
        self.last_l1 = max(self.last_l1, n)
        self._metrics.committed.labels("l1").inc()
        log.info("batch %d committed on L1%s", n, f" in block {commit.block}" if commit else "")


def _not_mined_yet(e: Exception) -> bool:
    """Whether waiting for a sent commit failed only for want of time (wait again, do not resend)."""
    if isinstance(e, TimeoutError):
        return True
    try:
        from zkvmc.errors import L1Unavailable
    except ImportError:
        return False
    return isinstance(e, L1Unavailable)


class DepositWatcher(_Loop):
    """Turns the bridge's queued deposits into mempool entries, in queue order."""

    name = "zkvmc-deposit-watcher"

    def __init__(self, bridge: Bridge, sequencer: Sequencer, config: NodeConfig, metrics: NodeMetrics) -> None:
        super().__init__()
        self._bridge = bridge
        self._sequencer = sequencer
        self._config = config
        self._metrics = metrics

    def _run(self) -> None:
        """Poll the deposit queue until stopped."""
        delay = self._config.deposit_poll
        while not self._stopping:
            try:
                self._poll()
                self.error, delay = None, self._config.deposit_poll
            except Exception as e:  # noqa: BLE001 - retried; shown by /health
                self.error = f"deposit {self._sequencer.next_l1_index}: {type(e).__name__}: {e}"
                self._metrics.l1_errors.inc()
                log.warning("taking in deposits failed (retry in %.0f s): %s", delay, e)
                delay = min(2 * delay, MAX_RETRY)
            self._wait(delay)

    def _poll(self) -> None:
        """Submit every new deposit in order; raise on a gap in the queue or a refused deposit."""
        expected = self._sequencer.next_l1_index
        futures = []
        for d in sorted(self._bridge.deposits(expected), key=lambda d: d.queue_index):
            if d.queue_index < expected:
                continue
            if d.queue_index != expected:
                raise RuntimeError(f"the bridge's queue jumps from {expected} to {d.queue_index}")
            tx = deposit(d.account, d.ax, d.ay, deposit_amount(d))
            futures.append(self._sequencer.submit(tx, "l1", d.queue_index))
            expected += 1
        for fut in futures:
            fut.result()
            self._metrics.accepted.labels("l1").inc()
        if futures:
            log.info("took in %d deposit(s), up to queue index %d", len(futures), expected - 1)
