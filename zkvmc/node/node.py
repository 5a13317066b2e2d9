"""Node: the sequencer, the batch pipeline, the prover pool and the two L1 roles of one rollup.

Threads and what each owns (sqlite3 connections stay in the thread that opened them):

    sequencer       the pending overlay; writes mempool rows              (zkvmc.node.sequencer)
    pipeline        the sealing overlay; seals, collects proofs, commits  (zkvmc.node.pipeline)
    prover pool     worker processes: witness, proof, verification       (zkvmc.node.prover)
    L1 submitter    sends committed batches to the bridge, in order       (zkvmc.node.l1sync)
    deposit watcher turns the bridge's deposits into mempool entries      (zkvmc.node.l1sync)
    reader          answers the HTTP API's queries                        (zkvmc.node.queries)

Start-up checks that the bridge follows this folder's rollup (its last batch is one we have, with
the same root), then recovers (zkvmc.node.pipeline) and rebuilds the pending state.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from zkvmc.node import queries, store
from zkvmc.node.bridge import Bridge
from zkvmc.node.config import NodeConfig
from zkvmc.errors import L1Mismatch
from zkvmc.node.l1sync import DepositWatcher, L1Submitter
from zkvmc.node.metrics import NodeMetrics
from zkvmc.node.pipeline import Pipeline
from zkvmc.node.prover import Prover, make_prover
from zkvmc.node.sequencer import Ack, Sequencer
from zkvmc.rollup.batch import BatchProcessor
from zkvmc.rollup.config import read_config
from zkvmc.rollup.state import StateManager
from zkvmc.rollup.transactions import Tx

log = logging.getLogger("zkvmc.node")


def check_l1(state: StateManager, bridge: Bridge) -> int:
    """The bridge's last batch, after checking that it is ours (L1Mismatch otherwise)."""
    l1_last, local_last = bridge.last_batch(), state.last_batch()
    if l1_last > local_last:
        raise L1Mismatch(f"the bridge has batch {l1_last} but {state.path} ends at batch {local_last}: "
                         "this is not the folder the bridge follows, or it lost committed batches")
    l1_root, ours = bridge.state_root(), state.root_at(l1_last)
    if l1_root != ours:
        raise L1Mismatch(f"the bridge's root {l1_root} is not the root of our batch {l1_last} ({ours}): "
                         "the bridge belongs to another rollup")
    return l1_last


class Node:
    """One rollup folder's node. `start`, use, `stop`; the HTTP app (zkvmc.node.app) wraps it."""

    def __init__(self, folder: str | Path, bridge: Bridge, config: NodeConfig | None = None,
                 prover: Prover | None = None, l1_chain_id: int | None = None,
                 bridge_address: str | None = None) -> None:
        self.rollup, self.dir = read_config(folder)
        self.config = config if config is not None else NodeConfig()
        self.threshold = self.config.threshold(self.rollup.batch)
        self.bridge = bridge
        self.l1_chain_id = l1_chain_id
        self.bridge_address = bridge_address
        self.metrics = NodeMetrics()
        self._prover = prover
        self._own_prover = prover is None
        self._started = False
        self._started_at = 0.0

    # ---- life cycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Check L1, recover, and start every role (idempotent)."""
        if self._started:
            return
        path = self.dir.state
        p = BatchProcessor(str(self.dir.root))
        try:
            store.ensure_schema(p.state.connection)
            l1_last = check_l1(p.state, self.bridge)
            store.adopt_committed(p.state.connection, l1_last)
        finally:
            p.close()
        if self._prover is None:
            self._prover = make_prover(self.config.scheduler, self.config.provers, str(self.dir.root))
        self.reader = store.DbThread(path, "zkvmc-reader")
        self.submitter = L1Submitter(path, self.bridge, self.config, self.metrics, l1_last)
        self.pipeline = Pipeline(self.dir.root, self.threshold, self.config, self._prover, self.metrics,
                                 on_commit=lambda n: self.submitter.wake())
        self.sequencer = Sequencer(path, self.rollup.chain_id, self.config.max_mempool, self.pipeline.wake)
        self.watcher = DepositWatcher(self.bridge, self.sequencer, self.config, self.metrics)
        try:
            self.pipeline.start()
            self.sequencer.start()
        except BaseException:
            self.pipeline.stop()
            self._release()
            raise
        self.submitter.start()
        self.watcher.start()
        self._started, self._started_at = True, time.time()
        log.info("node started: rollup %s, batches of %d, L1 at batch %d", self.dir.root, self.threshold, l1_last)

    def stop(self) -> None:
        """Stop every role; transactions acknowledged so far are in the database."""
        if not self._started:
            return
        self._started = False
        self.watcher.stop()
        self.sequencer.stop()
        self.pipeline.stop()
        self.submitter.stop()
        self._release()

    def _release(self) -> None:
        """Close the reader and, if the node made it, the prover pool."""
        if self._own_prover and self._prover is not None:
            self._prover.close()  # type: ignore[attr-defined] - make_prover's pools have close()
            self._prover = None
        self.reader.close()

    def __enter__(self) -> Node:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- the API ---------------------------------------------------------------------------------

    @property
    def depth(self) -> int:
        """The accounts tree depth."""
        return self.rollup.depth

    def submit(self, tx: Tx) -> Future[Ack]:
        """A user's transaction (TxRejected, MempoolFull or NodeUnavailable through the future)."""
        return self.sequencer.submit(tx)

    def tx(self, h: str) -> Future[dict[str, Any] | None]:
        """A transaction's status, or None."""
        return self.reader.call(queries.tx_view, h)

    def account(self, idx: int, with_proof: bool) -> Future[dict[str, Any]]:
        """An account, committed and pending (idx must be in range)."""
        return self.reader.call(lambda s: queries.account_view(s, idx, with_proof,
                                                               self.sequencer.pending_account(idx)))

    def find_account(self, ax: int, ay: int) -> Future[int | None]:
        """The index of a key: committed, else given by a pending deposit, else None."""
        def find(state: StateManager) -> int | None:
            """Committed first, then the pending deposits' keys."""
            found = queries.find_key(state, ax, ay)
            return found if found is not None else self.sequencer.pending_index(ax, ay)
        return self.reader.call(find)

    def batches(self, before: int | None, limit: int) -> Future[dict[str, Any]]:
        """A page of batches, newest first."""
        return self.reader.call(queries.batches_page, before, limit)

    def batch(self, n: int) -> Future[dict[str, Any] | None]:
        """One batch in full, or None."""
        return self.reader.call(queries.batch_view, n)

    def health(self) -> Future[dict[str, Any]]:
        """Status, counters and the last errors (also refreshes the gauges)."""
        return self.reader.call(self._health)

    def _health(self, state: StateManager) -> dict[str, Any]:
        """The health document (on the reader thread)."""
        counts = queries.counters(state)
        self.metrics.mempool.set(counts["mempool_depth"])
        self.metrics.proving.set(self.pipeline.proving)
        errors = {"pipeline": self.pipeline.fatal or self.pipeline.error, "l1_submitter": self.submitter.error,
                  "deposit_watcher": self.watcher.error}
        status = "error" if self.pipeline.fatal else "degraded" if any(errors.values()) else "ok"
        return {"status": status, "chain_id": self.rollup.chain_id, "l1_chain_id": self.l1_chain_id,
                "bridge": self.bridge_address, "l1_sender": self.bridge.address, "depth": self.rollup.depth,
                "batch_size": self.rollup.batch, "batch_threshold": self.threshold, "max_wait": self.config.max_wait,
                **counts, "batches_proving": self.pipeline.proving, "next_deposit": self.sequencer.next_l1_index,
                "uptime": round(time.time() - self._started_at, 3), "errors": errors}
