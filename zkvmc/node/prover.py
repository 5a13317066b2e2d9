"""The prover pool: worker processes that load a rollup's circuit and proving key once and prove
sealed batches (BatchProcessor.prove: witness, Groth16 proof, verification against the key).

Workers are spawned (no fork of a threaded node), die with the node (Linux: PR_SET_PDEATHSIG),
and keep one loaded processor per circuit digest, so one pool can serve several folders of the
same rollup (the tests share one). A worker that dies breaks the pool; `restart` makes a new one.
DaskProver (`zkvmc node --scheduler`) runs the same job on Dask distributed workers instead.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol

from zkvmc.rollup.batch import BatchProcessor, SealedBatch

_LOADED: dict[str, BatchProcessor] = {}
"""In a worker: the loaded processor of each circuit digest."""


class Prover(Protocol):
    """What the pipeline needs from a prover: a future of (proof JSON, seconds) per sealed batch."""

    def submit(self, folder: str, sealed: SealedBatch) -> Future[tuple[dict[str, Any], float]]:
        """Prove a sealed batch of the rollup in folder."""

    def restart(self) -> None:
        """Replace a broken pool."""


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when the node dies (elsewhere: nothing)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _processor(folder: str) -> BatchProcessor:
    """The worker's loaded processor for the folder's circuit (loading circuit and keys once)."""
    from zkvmc.rollup.config import read_config

    digest = read_config(folder)[0].circuit_digest
    if digest not in _LOADED:
        p = BatchProcessor(folder)
        p.close()  # proving reads the circuit and keys only
        p.circuit, p.keys, p.program  # noqa: B018 - load now, once
        _LOADED[digest] = p
    return _LOADED[digest]


def init_worker(folder: str | None) -> None:
    """Worker initialiser: die with the parent, ignore Ctrl-C (the node stops workers), preload."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if folder is not None:
        _processor(folder)


def prove_job(folder: str, sealed: SealedBatch) -> tuple[dict[str, Any], float]:
    """In a worker: the batch's proof as snarkjs JSON, and the seconds it took."""
    from zkvmc.artifacts.groth16_files import proof_to_json

    p = _processor(folder)
    t0 = time.perf_counter()
    proof = p.prove(sealed)
    return proof_to_json(proof), time.perf_counter() - t0


def _ping() -> int:
    """A job that only makes the pool start a worker (which runs init_worker)."""
    return os.getpid()


class ProverPool:
    """A ProcessPoolExecutor of `workers` spawned provers, started at once and preloaded with
    `folder`'s circuit, so the first batch does not wait for them."""

    def __init__(self, workers: int, folder: str | None = None) -> None:
        self._workers = workers
        self._folder = folder
        self._pool = self._make()

    def _make(self) -> ProcessPoolExecutor:
        """A pool with every worker starting now."""
        pool = ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_worker, initargs=(self._folder,))
        for _ in range(self._workers):
            pool.submit(_ping)  # spawned workers start one per job waiting
        return pool

    def submit(self, folder: str, sealed: SealedBatch) -> Future[tuple[dict[str, Any], float]]:
        """Prove a sealed batch of the rollup in folder."""
        return self._pool.submit(prove_job, folder, sealed)

    def restart(self) -> None:
        """Replace the pool (after a worker died), ending the old one's workers."""
        old, self._pool = self._pool, self._make()
        self._kill(old)

    def close(self) -> None:
        """Cancel queued jobs and end the workers, without waiting for proofs in progress."""
        self._kill(self._pool)

    @staticmethod
    def _kill(pool: ProcessPoolExecutor) -> None:
        """Shut a pool down and kill its workers, waiting for them to exit."""
        # The executor has no public way (before Python 3.14's kill_workers) to end busy workers.
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            if proc.is_alive():
                proc.kill()
        for proc in processes:
            proc.join(timeout=5)


def _warm(folder: str) -> int:
    """A task that loads the folder's circuit and keys on the worker running it."""
    _processor(folder)
    return os.getpid()


class DaskProver:
    """The prover pool on Dask distributed (the `cluster` extra, zkvmc.cluster.session): batches go
    to the workers of a scheduler (tcp://host:port) or of a LocalCluster of `workers` processes
    ("local"). Workers keep one loaded processor per circuit digest, as ProverPool's do, so the
    rollup folder must be at the same path on every worker. Dask gives the batch of a worker that
    died to another worker, so restart() has nothing to replace."""

    def __init__(self, scheduler: str, workers: int, folder: str | None = None) -> None:
        from zkvmc.cluster.session import ClusterSession

        self._session = ClusterSession(scheduler, workers)
        self._live: set[Any] = set()
        """Dask futures not yet settled (a dropped Dask future cancels its task)."""
        self._lock = threading.Lock()
        if folder is not None:
            for addr in self._session.client.scheduler_info(n_workers=-1).get("workers", {}):
                self._keep(self._session.client.submit(_warm, folder, workers=[addr], pure=False))

    def describe(self) -> str:
        """Where the batches go, for the node's start-up message."""
        return self._session.describe()

    def _keep(self, fut: Any) -> Any:
        """Hold a Dask future until it is done (its callbacks run in Dask's callback thread)."""
        with self._lock:
            self._live.add(fut)
        fut.add_done_callback(self._forget)
        return fut

    def _forget(self, fut: Any) -> None:
        with self._lock:
            self._live.discard(fut)

    def submit(self, folder: str, sealed: SealedBatch) -> Future[tuple[dict[str, Any], float]]:
        """Prove a sealed batch of the rollup in folder on the cluster."""
        out: Future[tuple[dict[str, Any], float]] = Future()
        out.set_running_or_notify_cancel()  # the cluster's task, not this future, can be cancelled
        key = f"zkvmc-batch-{sealed.number}-{os.urandom(4).hex()}"
        fut = self._keep(self._session.client.submit(prove_job, folder, sealed, key=key, pure=False, retries=1))
        fut.add_done_callback(lambda f: _settle(f, out))
        return out

    def restart(self) -> None:
        """Nothing to do: Dask replaces dead workers and reschedules their tasks itself."""

    def close(self) -> None:
        """Release the tasks and close the client (and the LocalCluster, if it made one)."""
        with self._lock:
            live, self._live = list(self._live), set()
        for fut in live:
            fut.cancel()
        self._session.close()


def _settle(src: Any, dst: Future[Any]) -> None:
    """Copy a finished Dask future's result or error into a concurrent.futures.Future."""
    try:
        dst.set_result(src.result())
    except BaseException as e:  # noqa: BLE001 - handed to the pipeline, which counts and retries
        dst.set_exception(e)


def make_prover(scheduler: str | None, workers: int, folder: str | None) -> ProverPool | DaskProver:
    """The node's prover: local processes (scheduler None), or Dask ("local" or tcp://host:port)."""
    if scheduler is None:
        return ProverPool(workers, folder)
    return DaskProver(scheduler, workers, folder)
