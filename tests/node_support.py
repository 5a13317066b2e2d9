"""Helpers for the node tests (tests/test_node_*.py): a funded rollup folder with a fake bridge
that agrees with it, one prover pool shared by the in-process nodes, a real uvicorn server on a
free port, a `python -m zkvmc node` subprocess, and waiting for a node to reach a state.

(Named test_node_* to stay within the node's files; it holds fixtures and helpers, no tests.)
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from rollup_support import ALICE, BOB, fresh, pub
from zkvmc.node.app import create_app
from zkvmc.node.config import NodeConfig
from zkvmc.node.fake_l1 import FakeBridge
from zkvmc.node.node import Node
from zkvmc.node.prover import ProverPool
from zkvmc.rollup.batch import SealedBatch
from zkvmc.rollup.state import StateManager

ROOT = Path(__file__).resolve().parents[1]


_POOL: list[ProverPool] = []


def shared_pool(rollup_template: Path) -> ProverPool:
    """Two prover workers, preloaded with the test rollup's circuit, shared by every in-process
    node of the run (a singleton rather than a session fixture: a fixture imported into several
    modules would make one pool per module); closed when the interpreter exits."""
    if not _POOL:
        _POOL.append(ProverPool(2, str(rollup_template)))
        atexit.register(_POOL[0].close)
    return _POOL[0]


@pytest.fixture
def prover_pool(rollup_template: Path) -> ProverPool:
    """The shared prover pool."""
    return shared_pool(rollup_template)


def funded_rollup(funded_template: Path, dest: Path, file_bridge: bool = False) -> tuple[Path, FakeBridge]:
    """A copy of the funded rollup (batch 1: Alice = account 1 with 100, Bob = 2 with 5) and a fake
    bridge at its batch 1 that knows both keys (in dest/../l1.json if file_bridge)."""
    folder = fresh(funded_template, dest)
    with StateManager.open(folder / "state.db") as state:
        root, last = state.root(), state.last_batch()
    path = folder.parent / f"{folder.name}-l1.json" if file_bridge else None
    return folder, FakeBridge(root, last, {pub(ALICE): 1, pub(BOB): 2}, path=path)


def wait_for(what: Callable[[], Any], timeout: float = 30.0, step: float = 0.05, message: str = "") -> Any:
    """what()'s first truthy value, polling; fails the test after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        got = what()
        if got:
            return got
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {message or what}")
        time.sleep(step)


def idle(health: dict[str, Any], last: int) -> bool:
    """Whether a node has brought everything up to batch `last` onto L1 and holds nothing pending."""
    return (health["last_l1_committed"] >= last and health["last_committed"] == health["last_l1_committed"]
            and health["mempool_depth"] == 0 and health["batches_proving"] == 0)


class DelayedProver:
    """A prover that holds chosen batches' proofs back: `hold[n]` seconds (None: for ever); with
    `after[n] = m`, those seconds count from when batch m's proof is out (an order, whatever the
    machine's load)."""

    def __init__(self, pool: ProverPool, hold: dict[int, float | None], after: dict[int, int] | None = None) -> None:
        self._pool = pool
        self._hold = hold
        self._after = after or {}
        self._out: dict[int, threading.Event] = {}
        self.submitted: list[int] = []

    def _released(self, n: int) -> threading.Event:
        return self._out.setdefault(n, threading.Event())

    def submit(self, folder: str, sealed: SealedBatch) -> Future[tuple[dict[str, Any], float]]:
        n = sealed.number
        self.submitted.append(n)
        out: Future[tuple[dict[str, Any], float]] = Future()
        out.add_done_callback(lambda _: self._released(n).set())
        if n in self._hold and self._hold[n] is None:
            return out
        inner = self._pool.submit(folder, sealed)
        delay = self._hold.get(n) or 0.0
        wait = self._released(self._after[n]) if n in self._after else None

        def deliver(f: Future[tuple[dict[str, Any], float]]) -> None:
            if wait is not None:
                wait.wait()
            time.sleep(delay)
            _copy(f, out)

        inner.add_done_callback(lambda f: threading.Thread(target=deliver, args=(f,), daemon=True).start())
        return out

    def restart(self) -> None:
        self._pool.restart()


def _copy(src: Future[Any], dst: Future[Any]) -> None:
    if src.exception() is not None:
        dst.set_exception(src.exception())
    else:
        dst.set_result(src.result())


@dataclass
class Served:
    """A node behind a real uvicorn server on 127.0.0.1."""

    url: str
    node: Node
    server: uvicorn.Server
    thread: threading.Thread

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)


def free_socket() -> socket.socket:
    """A listening-ready socket bound to a free port of 127.0.0.1."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def serve(node: Node) -> Served:
    """Start uvicorn (in a thread) serving the node; stop with `unserve`."""
    sock = free_socket()
    config = uvicorn.Config(create_app(node), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    wait_for(lambda: server.started, 30, message="uvicorn to start")
    return Served(f"http://127.0.0.1:{sock.getsockname()[1]}", node, server, thread)


def unserve(served: Served) -> None:
    """Stop the server (and so the node)."""
    served.server.should_exit = True
    served.thread.join(timeout=30)


# ---- a node in its own process ---------------------------------------------------------------------


@dataclass
class NodeProcess:
    """`python -m zkvmc node` on a free port, with a file-backed fake bridge."""

    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.url + path, timeout=10)

    def post(self, path: str, body: Any) -> httpx.Response:
        return httpx.post(self.url + path, json=body, timeout=10)

    def health(self) -> dict[str, Any] | None:
        try:
            return self.get("/health").json()
        except httpx.HTTPError:
            return None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_node(folder: Path, l1_file: Path, crash: str | None, *args: str) -> NodeProcess:
    """A node subprocess (crash: a ZKVMC_NODE_CRASH point), answering /health when returned."""
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    env = {**os.environ, "ZKVMC_NODE_FAKE_L1": str(l1_file), "PYTHONPATH": str(ROOT)}
    env.pop("ZKVMC_NODE_CRASH", None)
    if crash:
        env["ZKVMC_NODE_CRASH"] = crash
    log = folder.parent / f"node-{time.monotonic_ns()}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "zkvmc", "node", "-d", str(folder), "--port", str(port),
                                 *args], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    node = NodeProcess(proc, f"http://127.0.0.1:{port}", log)
    wait_for(lambda: node.health() is not None or node.proc.poll() is not None, 60, 0.1, "the node to answer")
    assert node.proc.poll() is None, log.read_text()
    return node


def config(**kw: Any) -> NodeConfig:
    """A NodeConfig for tests: fast polling."""
    return NodeConfig(**{"deposit_poll": 0.1, "l1_poll": 0.1, "l1_retry": 0.2, **kw})
