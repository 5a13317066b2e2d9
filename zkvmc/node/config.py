"""The node's settings, its errors and the crash-test hooks.

Crash-test hooks (testing only, docs/node.md): `zkvmc node` reads ZKVMC_NODE_CRASH and passes it
as NodeConfig.crash_at; the node then SIGKILLs itself at that point of its work, so tests can
check what a restart recovers. The library never reads the environment itself.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass

from zkvmc.errors import InputError

CRASH_POINTS = ("after-ack", "while-proving", "after-l1-send")
"""Where a node may be told to kill itself: after an acknowledgement has been sent, while a batch
is being proven, after an L1 commit was sent but before its hash was recorded."""

CRASH_ENV = "ZKVMC_NODE_CRASH"
"""The environment variable `zkvmc node` reads the crash point from (tests only)."""

FAKE_L1_ENV = "ZKVMC_NODE_FAKE_L1"
"""The environment variable naming a fake bridge's JSON file to use instead of a chain (tests only)."""

MAX_L1_BATCHES = 32
"""Upper bound of NodeConfig.l1_max_batches: a commitBatches of 32 batches costs about 2.5M gas at
B = 4 (~78k a batch after the first few, docs/l1.md), well inside a 30M-gas block."""

MAX_BODY = 16 * 1024
"""Largest POST /txs body accepted (a signed transaction's JSON is about 700 bytes)."""


@dataclass(frozen=True)
class NodeConfig:
    """How a node batches, proves and talks to L1."""

    batch: int | None = None
    """Transactions that trigger sealing (1 .. the rollup's batch size; None: the batch size)."""
    max_wait: float = 10.0
    """Seconds the oldest pending transaction waits before a partial batch is sealed."""
    provers: int = 2
    """Prover worker processes."""
    max_in_flight: int = 0
    """Sealed batches not yet committed locally before sealing pauses (0: 2 x provers)."""
    max_mempool: int = 10_000
    """Pending (unsealed) transactions before submissions are refused with 503."""
    max_body: int = MAX_BODY
    """Largest POST /txs body, in bytes."""
    deposit_poll: float = 1.0
    """Seconds between two polls of the bridge's deposit queue."""
    l1_poll: float = 1.0
    """Seconds between two checks for work by the L1 submitter when idle."""
    l1_retry: float = 2.0
    """Seconds before an L1 call that failed is tried again (doubling up to 60 s)."""
    l1_max_batches: int = 4
    """Most batches sent in one L1 transaction when several wait (the bridge's commitBatches, their
    proofs checked by one pairing); 1: one commitBatch per batch."""
    crash_at: str | None = None
    """A crash-test hook (CRASH_POINTS), or None."""
    scheduler: str | None = None
    """Where batches are proven: None, local worker processes; "local", a Dask LocalCluster of
    `provers` workers; tcp://host:port, a Dask scheduler's workers (zkvmc.cluster.session)."""

    def __post_init__(self) -> None:
        if self.batch is not None and self.batch < 1:
            raise InputError(f"--batch must be at least 1, not {self.batch}")
        if self.max_wait < 0:
            raise InputError(f"--max-wait must be 0 or more seconds, not {self.max_wait}")
        if self.provers < 1:
            raise InputError(f"--provers must be at least 1, not {self.provers}")
        if not 1 <= self.l1_max_batches <= MAX_L1_BATCHES:
            raise InputError(f"--l1-batches must be 1 .. {MAX_L1_BATCHES}, not {self.l1_max_batches}")
        if self.crash_at is not None and self.crash_at not in CRASH_POINTS:
            raise InputError(f"{CRASH_ENV}={self.crash_at!r}: expected one of {', '.join(CRASH_POINTS)}")
        from zkvmc.cluster.session import check_scheduler

        check_scheduler(self.scheduler)

    def threshold(self, slots: int) -> int:
        """Transactions per sealed batch for a rollup with `slots` slots (InputError if too many)."""
        if self.batch is not None and self.batch > slots:
            raise InputError(f"--batch {self.batch} is more than the rollup's batch size {slots}")
        return slots if self.batch is None else self.batch

    def in_flight(self) -> int:
        """Sealed, not yet committed batches allowed at once."""
        return self.max_in_flight or 2 * self.provers


def maybe_crash(point: str, crash_at: str | None) -> None:
    """SIGKILL this process if crash_at names this point (the crash-test hook)."""
    if crash_at == point:
        os.kill(os.getpid(), signal.SIGKILL)
