"""The batch pipeline: sealing, proving, local commits, strictly in order, and its recovery.

One thread owns a BatchProcessor (and so a connection) and a second long-lived overlay, the
sealing overlay: the committed state plus every sealed, uncommitted batch. It

- seals pending transactions into batch n + 1 when there are `threshold` of them, or when the
  oldest has waited `max_wait` seconds (never an empty batch), L1 deposits first
  (zkvmc.node.store.unsealed), and records the batch and its transactions' assignment in one
  database transaction;
- hands sealed batches to the prover pool, several in flight (up to NodeConfig.in_flight());
- keeps each proof in node_batches as it arrives (a proof made out of order is not lost), and
  commits batches locally in order (BatchProcessor.commit: accounts, root, batch record in one
  transaction; StateManager refuses anything out of order).

Recovery at start-up rebuilds from the database: every batch sealed after the last local commit
is sealed again from the committed state, in the same order and with the same transactions
(so with the same public signals); those already proven are committed with their stored proof,
the others are proven again. Pending transactions stay pending.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from zkvmc.errors import InternalError
from zkvmc.node import store
from zkvmc.node.config import NodeConfig, maybe_crash
from zkvmc.node.metrics import NodeMetrics
from zkvmc.node.prover import Prover
from zkvmc.rollup.batch import BatchProcessor, SealedBatch
from zkvmc.rollup.validate import apply_tx

log = logging.getLogger("zkvmc.node.pipeline")

REBUILD_AFTER = 20_000
"""Sealing-overlay writes after which it is rebuilt from the committed state."""

MAX_PROVE_ATTEMPTS = 3
MAX_WORKER_DEATHS = 5
"""A batch in flight when prover workers died this many times stops the pipeline: a death
breaks every job of the pool, so one is not held against a batch, but a batch that keeps
killing its worker (out of memory, a native crash) must not be retried for ever."""
"""Proving failures of one batch (other than a dead worker) before the pipeline stops."""


class Pipeline:
    """The sealing / proving / committing thread of one node."""

    def __init__(self, folder: Path, threshold: int, config: NodeConfig, prover: Prover, metrics: NodeMetrics,
                 on_commit: Callable[[int], None] = lambda n: None) -> None:
        self._folder = folder
        self._threshold = threshold
        self._config = config
        self._prover = prover
        self._metrics = metrics
        self._on_commit = on_commit
        self._thread = threading.Thread(target=self._run, name="zkvmc-pipeline", daemon=True)
        self._cond = threading.Condition()
        self._dirty = False
        self._stopping = False
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._p: BatchProcessor | None = None
        self._overlay: Any = None
        self._sealed: dict[int, SealedBatch] = {}
        self._jobs: dict[int, Future[tuple[dict[str, Any], float]]] = {}
        self._proofs: dict[int, dict[str, Any]] = {}
        self._attempts: dict[int, int] = {}
        self._deaths: dict[int, int] = {}
        self._next = 1
        self.error: str | None = None
        """The last step's failure (cleared by a step that succeeds), else None."""
        self.fatal: str | None = None
        """Why the pipeline stopped sealing (a batch that cannot be proven), else None."""

    # ---- the API (any thread) ----------------------------------------------------------------

    def start(self) -> None:
        """Recover, then run (raises what recovery raised)."""
        self._thread.start()
        self._ready.wait()
        if self._startup_error is not None:
            raise self._startup_error

    def stop(self) -> None:
        """Stop after the current step (batches being proven are proven again at the next start)."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join()
        for fut in self._jobs.values():
            fut.cancel()  # queued jobs only; a proof in progress runs to its end

    def wake(self) -> None:
        """Look for work now (new transactions, a finished proof)."""
        with self._cond:
            self._dirty = True
            self._cond.notify()

    @property
    def last_sealed(self) -> int:
        """The number of the last sealed batch."""
        return self._next - 1

    @property
    def proving(self) -> int:
        """Batches at the provers."""
        return len(self._jobs)

    # ---- the thread ----------------------------------------------------------------------------

    def _run(self) -> None:
        """Recover, report start-up, then step until stopped."""
        try:
            self._p = BatchProcessor(str(self._folder))
            self._recover()
        except BaseException as e:  # reported by start()
            self._startup_error = e
            self._ready.set()
            if self._p is not None:
                self._p.close()
            return
        self._ready.set()
        try:
            while not self._stopping:
                self._wait(self._step())
        finally:
            self._p.close()

    def _step(self) -> float | None:
        """Collect proofs, commit what is ready, seal what is due; seconds until the next deadline."""
        try:
            self._collect()
            self._commit_ready()
            wait = None if self.fatal else self._seal_due()
            self.error = None
            return wait
        except Exception as e:  # noqa: BLE001 - keep serving; retried at the next step
            log.exception("pipeline step failed")
            self.error = f"{type(e).__name__}: {e}"
            return 1.0

    def _wait(self, timeout: float | None) -> None:
        """Wait until woken, stopped, or the next deadline (at most 1 s)."""
        with self._cond:
            if not self._dirty and not self._stopping:
                self._cond.wait(1.0 if timeout is None else min(max(timeout, 0.01), 1.0))
            self._dirty = False

    def _recover(self) -> None:
        """Seal again every batch sealed after the last local commit; keep stored proofs."""
        assert self._p is not None
        conn = self._p.state.connection
        store.ensure_schema(conn)
        for n in self._p.export_missing():
            log.warning("batch %d was committed but its files were not written: exported them", n)
        last = self._p.state.last_batch()
        self._overlay = self._p.state.overlay()
        rows = store.batch_rows(conn, after=last)
        for expected, row in enumerate(rows, last + 1):
            if row.batch != expected:
                raise InternalError(f"node_batches: batch {row.batch} follows {expected - 1}")
            entries = store.batch_entries(conn, row.batch)
            sealed = self._p.seal([e.tx for e in entries], self._overlay, row.batch)
            if sealed.public != row.public:
                raise InternalError(f"batch {row.batch} sealed again gives other public signals")
            self._sealed[row.batch] = sealed
            if row.proof is not None:
                self._proofs[row.batch] = row.proof
            else:
                self._submit(row.batch)
        self._next = last + len(rows) + 1
        if rows:
            log.info("recovered batches %d..%d (%d proven)", last + 1, self._next - 1, len(self._proofs))

    def _seal_due(self) -> float | None:
        """Seal while a batch is due and fewer than in_flight() are uncommitted; seconds to wait."""
        assert self._p is not None
        while len(self._sealed) < self._config.in_flight():
            rows = store.unsealed(self._p.state.connection, self._threshold)
            if not rows:
                return None
            age = time.time() - min(r.received for r in rows)
            if len(rows) < self._threshold and age < self._config.max_wait:
                return self._config.max_wait - age
            self._seal(rows)
        return None

    def _seal(self, rows: list[store.Entry]) -> None:
        """Seal batch _next with these transactions, record it, send it to the provers."""
        assert self._p is not None
        n = self._next
        try:
            sealed = self._p.seal([r.tx for r in rows], self._overlay, n)
            store.mark_sealed(self._p.state.connection, sealed, [r.seq for r in rows])
        except Exception:
            self._rebuild_overlay()
            raise
        self._sealed[n] = sealed
        self._next = n + 1
        self._metrics.sealed.inc()
        log.info("sealed batch %d: %d transaction(s)", n, len(rows))
        self._submit(n)
        maybe_crash("while-proving", self._config.crash_at)

    def _submit(self, n: int) -> None:
        """Send sealed batch n to the provers."""
        fut = self._prover.submit(str(self._folder), self._sealed[n])
        self._jobs[n] = fut
        self._metrics.proving.set(len(self._jobs))
        fut.add_done_callback(lambda _f: self.wake())

    def _collect(self) -> None:
        """Keep the proofs that arrived; resubmit failed jobs (on a new pool if a worker died)."""
        assert self._p is not None
        broken = False
        for n in sorted(n for n, f in self._jobs.items() if f.done()):
            fut = self._jobs.pop(n)
            try:
                proof, seconds = fut.result()
            except BrokenProcessPool:
                broken = True
                self._deaths[n] = self._deaths.get(n, 0) + 1
                self._failed(n, "a prover worker died", counts=False)
                if self._deaths[n] >= MAX_WORKER_DEATHS:
                    self.fatal = f"prover workers died {self._deaths[n]} times while proving batch {n}"
                continue
            except Exception as e:  # noqa: BLE001 - counted, retried, then reported
                self._failed(n, f"{type(e).__name__}: {e}", counts=True)
                continue
            store.record_proof(self._p.state.connection, n, proof, seconds)
            self._proofs[n] = proof
            self._metrics.proven.inc()
            self._metrics.prove_seconds.observe(seconds)
            log.info("proved batch %d in %.1f s", n, seconds)
        if broken:
            self._prover.restart()
            for n in list(self._jobs):
                self._jobs.pop(n).cancel()
        for n in sorted(set(self._sealed) - set(self._jobs) - set(self._proofs)):
            if self._attempts.get(n, 0) < MAX_PROVE_ATTEMPTS and self._deaths.get(n, 0) < MAX_WORKER_DEATHS:
                self._submit(n)
        self._metrics.proving.set(len(self._jobs))

    def _failed(self, n: int, why: str, counts: bool) -> None:
        """Count a failed proving job; a batch failing MAX_PROVE_ATTEMPTS times stops the pipeline."""
        self._metrics.prove_failures.inc()
        log.error("proving batch %d failed: %s", n, why)
        if counts:
            self._attempts[n] = self._attempts.get(n, 0) + 1
            if self._attempts[n] >= MAX_PROVE_ATTEMPTS:
                self.fatal = f"proving batch {n} failed {self._attempts[n]} times: {why}"

    def _commit_ready(self) -> None:
        """Commit locally, in order, every batch whose proof and predecessors are in."""
        from zkvmc.artifacts.groth16_files import proof_from_json

        assert self._p is not None
        while (n := self._p.state.last_batch() + 1) in self._proofs:
            self._p.commit(self._sealed[n], proof_from_json(self._proofs[n], f"batch {n} proof"))
            del self._sealed[n], self._proofs[n]
            self._metrics.committed.labels("local").inc()
            log.info("committed batch %d locally", n)
            self._on_commit(n)
        if self._overlay is not None and self._overlay.mark()[0] > REBUILD_AFTER:
            self._rebuild_overlay()

    def _rebuild_overlay(self) -> None:
        """The sealing overlay anew: the committed state plus the sealed, uncommitted batches."""
        assert self._p is not None
        overlay = self._p.state.overlay()
        for n in sorted(self._sealed):
            for tx in self._sealed[n].txs:
                apply_tx(tx, overlay, self._p.config.chain_id)
        self._overlay = overlay
