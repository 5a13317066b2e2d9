"""Helpers for the prover-cluster tests (tests/test_cluster*.py): a small circuit with keys and
four witnesses, one LocalCluster on 127.0.0.1 shared by a test module, and a worker plugin that
SIGKILLs the worker running a chosen task.

(Named test_cluster_* to stay within the cluster's files; it holds fixtures and helpers, no tests.)
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from cli_support import run_in as zkvmc

import cloudpickle  # a dependency of distributed (the cluster extra, which `make install` installs)
from distributed.diagnostics.plugin import WorkerPlugin

from zkvmc.cluster.session import ClusterSession

# The plugin below is defined here, in a module Dask's spawned workers cannot import by name:
# ship it by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

PROGRAM = """; out = Poseidon(x, y) * y: about 240 constraints, enough to take a moment to prove
.public 1
.private 1
.outputs 1
        read r1
        secret r2
        hash r3, r1, r2
        mul r3, r3, r2
        write r3
        halt
"""

OTHER = """; out = x + 1: another circuit (its witnesses and keys must be refused)
.public 1
.outputs 1
        read r1
        add r1, r1, 1
        write r1
        halt
"""


def ok(cwd: Path, *args: str) -> Any:
    res = zkvmc(cwd, *args)
    assert res.returncode == 0, res.stderr
    return res


def make_circuit(d: Path, source: str, inputs: list[tuple[int, ...]], seed: int = 1) -> Path:
    """d/ with circuit.r1cs.json, keys (--insecure-seed), and d/w/wK.json for inputs K = 1.."""
    d.mkdir(parents=True, exist_ok=True)
    (d / "prog.asm").write_text(source)
    ok(d, "compile", "prog.asm")
    ok(d, "setup", "--insecure-seed", str(seed), "--quiet")
    (d / "w").mkdir()
    for k, values in enumerate(inputs, 1):
        public, private = values[:1], values[1:]
        (d / f"in{k}.json").write_text(
            '{"public": [%s], "private": [%s]}' % (", ".join(f'"{v}"' for v in public),
                                                   ", ".join(f'"{v}"' for v in private)))
        ok(d, "witness", "-i", f"in{k}.json", "-o", f"w/w{k}.json")
    return d


@pytest.fixture(scope="module")
def circuit_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small circuit, its keys, and witnesses w/w1.json .. w/w4.json."""
    return make_circuit(tmp_path_factory.mktemp("cluster"), PROGRAM, [(k, k + 5) for k in range(1, 5)])


@pytest.fixture(scope="module")
def cluster() -> Iterator[ClusterSession]:
    """Two single-threaded worker processes on 127.0.0.1, shut down after the module."""
    with ClusterSession(None, 2) as session:
        session.client.wait_for_workers(2, timeout=60)
        yield session


class KillOnce(WorkerPlugin):
    """A Dask worker plugin: the first worker to start executing a task whose key begins with
    `prefix` records the key and its pid in `marker` (created exclusively, so once per cluster)
    and SIGKILLs itself, with the task in flight."""

    name = "zkvmc-test-kill-once"

    def __init__(self, prefix: str, marker: str) -> None:
        self.prefix = prefix
        self.marker = marker

    def setup(self, worker: Any) -> None:
        pass

    def teardown(self, worker: Any) -> None:
        pass

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing" or not str(key).startswith(self.prefix):
            return
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, f"{key}\n{os.getpid()}\n".encode())
        os.close(fd)
        os.kill(os.getpid(), signal.SIGKILL)
