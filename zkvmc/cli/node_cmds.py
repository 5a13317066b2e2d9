"""CLI: `zkvmc node` -- the rollup's sequencer node: HTTP API, batcher, prover pool, L1 submitter
and deposit watcher (zkvmc.node; docs/node.md).

Messages and the log go to stderr. Exit codes as everywhere: 2 for bad usage, a folder or l1.json
that cannot be used, or a bridge that does not follow this rollup.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import TYPE_CHECKING, Any

import click

from zkvmc.cli.console import err
from zkvmc.errors import InputError
from zkvmc.node.config import NodeConfig

if TYPE_CHECKING:
    from zkvmc.node.bridge import Bridge


def _bridge(l1_path: str | None, l1_key: str | None, circuit_digest: str) -> tuple[Bridge, int | None, str]:
    """The bridge client, the L1 chain id and the bridge's address: from l1.json, or from the
    test-only fake the environment names."""
    from zkvmc.node.config import FAKE_L1_ENV

    fake = os.environ.get(FAKE_L1_ENV)
    if fake:
        from zkvmc.node.fake_l1 import FakeBridge

        if not os.path.isfile(fake):
            raise InputError(f"{FAKE_L1_ENV}={fake}: no such file (a FakeBridge's JSON file)")
        err(f"warning: {FAKE_L1_ENV}={fake}: using a fake bridge (tests only, no chain)")
        return FakeBridge.open(fake), None, FakeBridge.contract
    if l1_path is None:
        raise InputError("--l1: required (the l1.json that `zkvmc l1 deploy` wrote)")
    from zkvmc.l1.bridge import BridgeClient
    from zkvmc.l1.config import read_info

    info = read_info(l1_path)
    if info.rollup_digest != circuit_digest:
        raise InputError(f"{l1_path}: rollup_digest {info.rollup_digest[:16]}… is not this rollup's circuit "
                         f"({circuit_digest[:16]}…)")
    key = l1_key if l1_key is not None else (info.dev_keys[0] if info.dev_keys else None)
    if key is None:
        raise InputError(f"--l1-key: required ({l1_path} has no dev_keys)")
    return BridgeClient(info, key), int(info.chain_id), info.bridge


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, before the node starts (InputError if the address is taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    return sock


def _logging(level: str) -> None:
    """The node's log on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("zkvmc")
    root.addHandler(handler)
    root.setLevel(level.upper())


@click.command("node")
@click.option("-d", "--dir", "folder", required=True, type=click.Path(file_okay=False, exists=True),
              help="The rollup's folder (zkvmc rollup init).")
@click.option("--l1", "l1_path", type=click.Path(dir_okay=False), default=None,
              help="The bridge's l1.json (chain RPC, addresses, keys).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--batch", type=int, default=None, help="Transactions that trigger sealing [default: the batch size].")
@click.option("--max-wait", type=float, default=NodeConfig.max_wait, show_default=True,
              help="Seconds before a partial batch is sealed.")
@click.option("--provers", type=int, default=NodeConfig.provers, show_default=True, help="Prover worker processes.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT|local",
              help="Prove on Dask (the cluster extra): a scheduler's workers, or 'local' for a LocalCluster "
                   "of --provers workers [default: local worker processes].")
@click.option("--l1-key", default=None, metavar="HEX",
              help="L1 account key for commits [default: l1.json dev_keys[0]].")
@click.option("--l1-batches", type=int, default=NodeConfig.l1_max_batches, show_default=True,
              help="Most waiting batches committed in one L1 transaction (one pairing check); 1: one each.")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]), default="info",
              show_default=True)
def node_cmd(folder: str, l1_path: str | None, host: str, port: int, batch: int | None, max_wait: float,
             provers: int, scheduler: str | None, l1_key: str | None, l1_batches: int, log_level: str) -> None:
    """Run the rollup's node: sequencer, prover pool, L1 submitter, explorer at http://HOST:PORT/."""
    import uvicorn

    from zkvmc.node.app import create_app
    from zkvmc.node.config import CRASH_ENV
    from zkvmc.node.node import Node
    from zkvmc.rollup.config import read_config

    crash = os.environ.get(CRASH_ENV) or None
    config = NodeConfig(batch=batch, max_wait=max_wait, provers=provers, crash_at=crash, scheduler=scheduler,
                        l1_max_batches=l1_batches)
    if crash:
        err(f"warning: {CRASH_ENV}={crash}: this node will kill itself (a crash-test hook)")
    bridge, l1_chain_id, bridge_address = _bridge(l1_path, l1_key, read_config(folder)[0].circuit_digest)
    _logging(log_level)
    node = Node(folder, bridge, config, l1_chain_id=l1_chain_id, bridge_address=bridge_address)
    sock = _listen(host, port)
    node.start()
    port = sock.getsockname()[1]
    err(f"node for {folder} on http://{host}:{port}/ (batches of {node.threshold}, max wait {max_wait:g} s, "
        f"{provers} prover(s){' on Dask ' + scheduler if scheduler else ''})")
    server = uvicorn.Server(uvicorn.Config(create_app(node), log_level="warning", lifespan="on"))
    try:
        server.run(sockets=[sock])
    finally:
        node.stop()
        sock.close()


def register(group: Any) -> None:
    """Add `node` to the command group."""
    group.add_command(node_cmd)
