"""CLI: `zkvmc l1 devnet | deploy | status` -- a rollup's bridge on an L1 chain (zkvmc.l1).

`devnet` starts anvil on 127.0.0.1, deploys the rollup's verifier and bridge from anvil's first
well-known key, writes l1.json (with the devnet's keys) and runs until Ctrl-C or SIGTERM. `deploy`
does the deployment on any chain from one's own key. `status` reads the bridge. docs/l1.md,
"The rollup bridge". Data to stdout, messages to stderr; an L1 revert is exit 1 with its reason,
bad input exit 2.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from typing import TYPE_CHECKING, Any

import click

from zkvmc.cli.console import err, out
from zkvmc.errors import InputError, NegativeResult

if TYPE_CHECKING:
    from zkvmc.l1.config import L1Info

DEV_WARNING = ("warning: the devnet's accounts are anvil's well-known keys, written to l1.json: "
               "anyone can spend them. For local development only.")


def _dir_option(fn: Any) -> Any:
    return click.option("-d", "--dir", "folder", required=True, type=click.Path(file_okay=False),
                        help="The rollup's folder (zkvmc rollup init).")(fn)


def _force_delay_option(fn: Any) -> Any:
    from zkvmc.l1.deploy import DEFAULT_FORCE_DELAY

    return click.option("--force-delay", type=int, default=DEFAULT_FORCE_DELAY, show_default=True,
                        help="Blocks a deposit may wait before batches must be deposits only.")(fn)


def _print_info(info: L1Info) -> None:
    """The deployment's addresses on stdout."""
    out(f"rpc: {info.rpc}")
    out(f"chain_id: {info.chain_id}")
    out(f"bridge: {info.bridge}")
    out(f"verifier: {info.verifier}")
    out(f"deploy_block: {info.deploy_block}")


@click.group("l1")
def l1_group() -> None:
    """The rollup's bridge on an L1 chain: a local devnet, deployment, status."""


@l1_group.command("devnet")
@_dir_option
@click.option("-o", "--output", default="l1.json", show_default=True, type=click.Path(dir_okay=False),
              help="l1.json to write.")
@click.option("--port", type=click.IntRange(1, 65535), default=8545, show_default=True,
              help="anvil's port on 127.0.0.1.")
@click.option("--block-time", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Mine a block every N seconds instead of one per transaction.")
@_force_delay_option
def devnet_cmd(folder: str, output: str, port: int, block_time: float | None, force_delay: int) -> None:
    """Start anvil, deploy the rollup's contracts, write l1.json; run until Ctrl-C."""
    from zkvmc.l1.config import write_info
    from zkvmc.l1.deploy import check_fresh_state, deploy, rollup_sources
    from zkvmc.l1.devnet import DEV_KEYS, rpc_url, start_anvil, stop
    from zkvmc.l1.solc import find_solcjs

    rollup_sources(folder)  # a bad folder, a used rollup or no solcjs: exit 2 before anvil starts
    check_fresh_state(folder)
    find_solcjs()
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM stops it as Ctrl-C does
    try:
        proc = start_anvil(port, block_time=block_time)
        try:
            info = deploy(folder, rpc_url(port), DEV_KEYS[0], force_delay=force_delay, dev_keys=DEV_KEYS)
            err(DEV_WARNING)
            _print_info(info)
            _print_dev_accounts(info)
            sys.stdout.flush()
            write_info(output, info)  # last: whoever waits for l1.json finds everything printed
            err(f"l1.json -> {output}; anvil on {info.rpc} (Ctrl-C to stop)")
            _wait_for_stop(proc)
        except KeyboardInterrupt:
            pass  # Ctrl-C or SIGTERM at any moment is a request to stop, not an error
        finally:
            stop(proc)
    finally:
        signal.signal(signal.SIGTERM, previous)
    err("anvil stopped")


def _print_dev_accounts(info: L1Info) -> None:
    """The devnet's funded accounts and their (well-known) keys."""
    from eth_account import Account

    roles = {0: " (sequencer)", 1: " (default depositor)"}
    for i, key in enumerate(info.dev_keys):
        out(f"account[{i}]: {Account.from_key(key).address} key {key}{roles.get(i, '')}")


def _wait_for_stop(proc: Any) -> None:
    """Block until Ctrl-C or SIGTERM (a KeyboardInterrupt here); anvil exiting on its own is an error."""
    try:
        while proc.poll() is None:
            time.sleep(0.2)
    except KeyboardInterrupt:
        return
    raise NegativeResult(f"anvil exited unexpectedly (exit {proc.returncode})")


@l1_group.command("deploy")
@_dir_option
@click.option("--rpc", required=True, help="The chain's JSON-RPC URL (http:// or https://).")
@click.option("--key", required=True, metavar="KEYFILE_OR_HEX",
              help="The deployer's private key, or a file holding it.")
@click.option("-o", "--output", default="l1.json", show_default=True, type=click.Path(dir_okay=False),
              help="l1.json to write.")
@_force_delay_option
def deploy_cmd(folder: str, rpc: str, key: str, output: str, force_delay: int) -> None:
    """Deploy the rollup's verifier and bridge to a chain and write l1.json."""
    from zkvmc.l1.chain import load_key
    from zkvmc.l1.config import write_info
    from zkvmc.l1.deploy import deploy

    if not rpc.startswith(("http://", "https://")):
        raise InputError(f"--rpc: {rpc!r} is not an http:// or https:// URL")
    info = deploy(folder, rpc, load_key(key), force_delay=force_delay)
    write_info(output, info)
    _print_info(info)
    err(f"l1.json -> {output}")


@l1_group.command("export")
@_dir_option
@click.option("-o", "--output", "out_dir", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write Verifier.sol and RollupBridge.sol in.")
def export_cmd(folder: str, out_dir: str) -> None:
    """Write the rollup's Solidity sources (to deploy with other tools, or to audit)."""
    from pathlib import Path

    from zkvmc.artifacts.io import write_atomic
    from zkvmc.l1.deploy import rollup_sources

    _, sources = rollup_sources(folder)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for name, text in sources.items():
        write_atomic(str(Path(out_dir) / name), text.encode("utf-8"))
        err(f"{name} -> {Path(out_dir) / name}")


@l1_group.command("status")
@click.option("--l1", "l1_path", default="l1.json", show_default=True, type=click.Path(dir_okay=False),
              help="The deployment's l1.json.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def status_cmd(l1_path: str, as_json: bool) -> None:
    """The bridge's state root, last batch, and deposits queued and consumed."""
    from zkvmc.l1.bridge import BridgeClient
    from zkvmc.l1.config import read_info

    client = BridgeClient(read_info(l1_path))
    status = {"bridge": client.info.bridge, "chain_id": client.info.chain_id, "state_root": str(client.state_root()),
              "last_batch": client.last_batch(), "deposits_queued": client.deposit_count(),
              "deposits_consumed": client.deposits_consumed(), "balance_wei": str(client.balance(client.info.bridge))}
    if as_json:
        out(json.dumps(status))
    else:
        for name, value in status.items():
            out(f"{name}: {value}")


def register(group: click.Group) -> None:
    """Add the l1 group to the zkvmc group."""
    group.add_command(l1_group)
