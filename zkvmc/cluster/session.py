"""A connection to a Dask distributed cluster (the `cluster` extra): a scheduler's address, or a
LocalCluster on loopback when none is given.

Takes `--scheduler` (None or "local": a LocalCluster of `workers` single-threaded worker
processes on 127.0.0.1; "tcp://host:port": an existing scheduler, e.g. from `dask scheduler` and
`dask worker` on other machines) and gives a distributed.Client, closed with its LocalCluster.
Dask itself moves a task whose worker died to another worker (its scheduler's
`distributed.scheduler.allowed-failures`, 3 by default, bounds how often), and `retries` re-runs
a task that raised. Dask: https://distributed.dask.org (Client, LocalCluster, Futures).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from zkvmc.errors import InputError

LOCAL = "local"
"""The --scheduler value asking for a LocalCluster (the same as giving none, for prove-many)."""

_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):([0-9]{1,5})$")

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a scheduler before giving up (exit 2)."""


def check_scheduler(address: str | None) -> str | None:
    """The scheduler option, validated: None, "local" or tcp://host:port (InputError otherwise)."""
    if address is None or address == LOCAL:
        return address
    m = _ADDRESS.match(address)
    if m is None or not 0 < int(m.group(3)) < 65536:
        raise InputError(f"--scheduler {address!r}: expected tcp://HOST:PORT (a Dask scheduler) or {LOCAL!r}")
    return address


def require_distributed() -> Any:
    """The distributed module, or an InputError saying how to install the cluster extra."""
    try:
        import distributed
    except ImportError:
        raise InputError("the prover cluster needs Dask distributed, which is not installed\n"
                         "hint: pip install 'zkvmc[cluster]'") from None
    return distributed


class ClusterSession:
    """A Client on a scheduler, or on a LocalCluster it started (and stops in close())."""

    def __init__(self, scheduler: str | None, workers: int = 2) -> None:
        if workers < 1:
            raise InputError(f"--workers must be at least 1, not {workers}")
        self.address = check_scheduler(scheduler)
        self.workers = workers
        self.cluster: Any = None
        """The LocalCluster this session started, or None (an external scheduler)."""
        self.client: Any = self._connect()
        """The distributed.Client."""

    def _connect(self) -> Any:
        dist = require_distributed()
        if self.address in (None, LOCAL):
            # Processes, one thread each: the prover is CPU-bound Python (the GIL), and a process
            # that dies takes one task with it, which the scheduler then gives to another worker.
            self.cluster = dist.LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                             host="127.0.0.1", scheduler_port=0, dashboard_address=None,
                                             silence_logs=logging.ERROR)
            return dist.Client(self.cluster)
        try:
            return dist.Client(self.address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as e:
            raise InputError(f"--scheduler {self.address}: cannot connect ({e})") from None

    def describe(self) -> str:
        """For messages: where the work goes."""
        n = len(self.client.scheduler_info(n_workers=-1).get("workers", {}))
        where = f"a local cluster on {self.cluster.scheduler_address}" if self.cluster else self.address
        return f"{where} ({n} worker(s))"

    def close(self) -> None:
        """Close the client and, if this session started it, the local cluster."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def __enter__(self) -> ClusterSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
