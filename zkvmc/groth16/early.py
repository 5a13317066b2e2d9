"""MSMs of the proving key's queries started while the key is still being read.

Takes a backend, the witness, and each query table as the key's reader finishes checking it
(zkvmc.artifacts.groth16_files: the reader's on_table hook); gives the prover (zkvmc.groth16.prove)
sum_i w_i Q_i for the queries over the wires (A, B in G1 and G2, and the private wires' L),
the parts of A, B and C of Groth 2016 (eprint 2016/260) 3.2 that need no blinding factor.
Issue 15: reading and checking a 2^18 key is seconds of one core's Python work; a backend whose
MSMs release the GIL (mcl) runs these MSMs on the other core meanwhile. A result is used only
for the very table object and the exact scalars it was started for, and one not yet begun when
the prover asks is cancelled and computed by the prover itself, so the proof is the same with or
without this (tests/test_prove_pipe.py compares them).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Sequence

from zkvmc.backend import Backend
from zkvmc.curve.table import ScalarList
from zkvmc.field import R

MISSING = object()
"""take()'s answer when it has no result for that table and those scalars."""

OVER_WIRES = ("b_g2_query", "a_query", "b_g1_query", "l_query")
"""The queries whose MSMs take the witness (l_query: its private part), in the order to start them."""


class EarlyMsms:
    """Query MSMs run in one background thread as the tables arrive (a context manager: leaving
    it cancels what has not started and waits for the one running)."""

    def __init__(self, backend: Backend) -> None:
        self._be = backend
        self._w: list[int] | None = None
        live = bool(getattr(backend, "gil_free_msm", False))
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="zkvmc-early-msm") if live else None
        self._started: dict[int, tuple[Sequence[Any], list[int], Future[Any]]] = {}

    def use_witness(self, witness: Sequence[int]) -> None:
        """The wire values the MSMs take (reduced mod r, as the prover reduces them)."""
        self._w = ScalarList(x % R for x in witness)  # one Fr array for the MSMs over all wires

    def add(self, name: str, table: Sequence[Any]) -> None:
        """The reader's hook: start sum_i w_i table_i if table is a query over the wires."""
        w = self._w
        if self._pool is None or w is None or name not in OVER_WIRES or len(table) > len(w):
            return
        scalars = w if len(table) == len(w) else w[len(w) - len(table):]  # l_query: the private (last) wires
        msm = self._be.g2_msm if name == "b_g2_query" else self._be.g1_msm
        self._started[id(table)] = (table, scalars, self._pool.submit(msm, table, scalars))

    def take(self, table: Any, scalars: list[int]) -> Any:
        """sum_i scalars_i table_i if started here for this table and these scalars (waiting for
        it if it runs), else MISSING (one not yet begun is cancelled: the caller computes it)."""
        entry = self._started.pop(id(table), None)
        if entry is None or entry[0] is not table:
            return MISSING
        _, mine, future = entry
        if future.cancel() or mine != scalars:
            future.cancel()
            return MISSING
        return future.result()

    def close(self) -> None:
        """Cancel what has not started, wait for what runs."""
        self._started.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> EarlyMsms:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
