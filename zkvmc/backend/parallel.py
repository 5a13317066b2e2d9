"""Run independent pieces of work in forked worker processes (both cores, --jobs N).

Takes zero-argument callables and a job count and gives their results in order. Workers are
forked, so the callables (closures over proving keys and witnesses) are inherited rather than
pickled; only the results (affine points, int lists) travel back. jobs <= 1, a single task or
a platform without fork runs everything in this process, with the same results.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Sequence

_TASKS: Sequence[Callable[[], Any]] = ()
"""The tasks of the current run_all, inherited by the forked workers."""


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _indexed(i: int) -> tuple[int, Any]:
    return i, _TASKS[i]()


def run_all(tasks: Sequence[Callable[[], Any]], jobs: int,
            on_done: Callable[[int], None] | None = None) -> list[Any]:
    """[t() for t in tasks], spread over up to `jobs` forked processes; on_done(i), when given,
    is called in this process as soon as task i has finished (in completion order). (A backend
    whose MSMs release the GIL is run in threads by the prover itself: zkvmc.groth16.prove.)"""
    global _TASKS
    import multiprocessing as mp  # here: importing it is ~10 ms of every command's start-up

    if jobs <= 1 or len(tasks) <= 1 or "fork" not in mp.get_all_start_methods():
        return [_done(t(), i, on_done) for i, t in enumerate(tasks)]
    _TASKS = tasks
    out: list[Any] = [None] * len(tasks)
    try:
        with mp.get_context("fork").Pool(min(jobs, len(tasks))) as pool:
            for i, result in pool.imap_unordered(_indexed, range(len(tasks)), chunksize=1):
                out[i] = _done(result, i, on_done)
        return out
    finally:
        _TASKS = ()


def _done(result: Any, i: int, on_done: Callable[[int], None] | None) -> Any:
    if on_done is not None:
        on_done(i)
    return result


def chunks(n: int, parts: int) -> list[range]:
    """`parts` contiguous, nearly equal index ranges covering range(n) (empty ones dropped)."""
    parts = max(1, min(parts, n))
    bounds = [n * k // parts for k in range(parts + 1)]
    return [range(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]
