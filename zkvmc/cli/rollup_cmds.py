"""CLI: `zkvmc rollup init | deposit | batch | status | account` -- a rollup run locally.

Thin layer over zkvmc.rollup (config, queue, batch, state); docs/rollup.md. Data to stdout
(--json where a script wants it), messages to stderr. Exit codes as everywhere: 1 for a refused
transaction (TxRejected, with its code and reason) or a stale root, 2 for bad usage or files.
"""

from __future__ import annotations

import json
import random
import time
from typing import TYPE_CHECKING, Any

import click

from zkvmc.cli.console import err, out

if TYPE_CHECKING:
    from zkvmc.rollup.batch import BatchProcessor

def _rng(seed: int | None) -> random.Random:
    """secrets, or (tests only, with the warning of setup and prove) a seeded generator."""
    from zkvmc.cli.proof_cmds import _rng as rng

    return rng(seed)


def _dir_option(fn: Any) -> Any:
    return click.option("-d", "--dir", "folder", required=True, type=click.Path(file_okay=False),
                        help="The rollup's folder.")(fn)


@click.group("rollup")
def rollup_group() -> None:
    """A zk-rollup whose state-transition function is programs/rollup/rollup.asm."""


@rollup_group.command("init")
@_dir_option
@click.option("--depth", type=int, default=16, show_default=True, help="Accounts tree depth (2^depth accounts).")
@click.option("--batch", type=int, default=4, show_default=True, help="Transactions per batch.")
@click.option("--chain-id", type=int, default=1, show_default=True, help="Rollup identifier signed in every transaction.")
@click.option("--program", type=click.Path(dir_okay=False, exists=True), default=None,
              help="State-transition program [default: programs/rollup/rollup.asm].")
@click.option("--insecure-seed", type=int, default=None, help="TESTS ONLY: derive the setup's randomness from a seed.")
@click.option("--ptau", default=None, help="Keys from a phase-2 ceremony on this powers-of-tau file (docs/ceremony.md).")
@click.option("--backend", type=click.Choice(["auto", "python", "mcl"]), default="auto", show_default=True)
def init_cmd(folder: str, depth: int, batch: int, chain_id: int, program: str | None,
             insecure_seed: int | None, ptau: str | None, backend: str) -> None:
    """Compile the state-transition program, run the setup, create the empty state."""
    from pathlib import Path

    from zkvmc.backend import get_backend
    from zkvmc.cli.proof_cmds import SETUP_WARNING
    from zkvmc.rollup.config import PROGRAM, init_rollup

    be = get_backend(backend)
    if ptau is not None and insecure_seed is not None:
        from zkvmc.errors import InputError

        raise InputError("--insecure-seed and --ptau exclude each other (a ceremony draws its secrets itself)")
    err(SETUP_WARNING if ptau is None else f"phase 2 from {ptau}; add contributions to ceremony_0001.zkey.json, "
        "then `zkvmc ceremony export` the final state over the keys (docs/ceremony.md)")
    t0 = time.perf_counter()
    cfg = init_rollup(folder, depth, batch, chain_id, _rng(insecure_seed if ptau is None else None),
                      Path(program) if program else PROGRAM, be, insecure=insecure_seed is not None, ptau=ptau)
    err(f"rollup initialised in {folder} ({time.perf_counter() - t0:.1f} s): depth {cfg.depth}, "
        f"batch {cfg.batch}, chain id {cfg.chain_id}, circuit {cfg.circuit_digest[:16]}…")


def _processor(folder: str, seed: int | None = None, backend: str = "auto") -> BatchProcessor:
    from zkvmc.backend import get_backend
    from zkvmc.rollup.batch import BatchProcessor

    return BatchProcessor(folder, backend=get_backend(backend), rng=_rng(seed) if seed is not None else None)


@rollup_group.command("deposit")
@_dir_option
@click.option("--to", "to", type=int, required=True, help="Account index credited (created when empty).")
@click.option("--pubkey", required=True, help="The account's key: Ax,Ay or the packed 64-hex form.")
@click.option("--amount", type=int, required=True, help="Amount (u64).")
def deposit_cmd(folder: str, to: int, pubkey: str, amount: int) -> None:
    """Queue a deposit (offline stand-in for an L1 deposit); the next `rollup batch` carries it."""
    from zkvmc.crypto.keys import parse_public_key
    from zkvmc.errors import InputError
    from zkvmc.rollup.queue import enqueue
    from zkvmc.rollup.transactions import deposit

    try:
        ax, ay = parse_public_key(pubkey)
    except ValueError as e:
        raise InputError(f"--pubkey: {e}") from None
    p = _processor(folder)
    try:
        n = enqueue(p.state, deposit(to, ax, ay, amount), p.config.chain_id)
    finally:
        p.close()
    err(f"deposit {n} queued: {amount} to account {to}")


def _read_txs(paths: tuple[str, ...]) -> list[Any]:
    from zkvmc.artifacts.io import read_json
    from zkvmc.rollup.transactions import tx_from_json

    return [tx_from_json(read_json(p), p) for p in paths]


@rollup_group.command("batch")
@_dir_option
@click.argument("tx_files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--insecure-seed", type=int, default=None, help="TESTS ONLY: derive the proofs' blinding from a seed.")
@click.option("--backend", type=click.Choice(["auto", "python", "mcl"]), default="auto", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print each batch's summary as a JSON line.")
def batch_cmd(folder: str, tx_files: tuple[str, ...], insecure_seed: int | None, backend: str, as_json: bool) -> None:
    """Prove queued deposits, then these transactions, in as many batches as they need."""
    from zkvmc.rollup.queue import consume, pending

    txs = _read_txs(tx_files)
    p = _processor(folder, insecure_seed, backend)
    try:
        for n in p.export_missing():
            err(f"batch {n} was committed but its files were not written: exported them again")
        queued = pending(p.state)
        work = [(i, tx) for i, tx in queued] + [(None, tx) for tx in txs]
        if not work:
            err("nothing to batch: no queued deposits and no transactions")
            return
        size = p.config.batch
        for k in range(0, len(work), size):
            chunk = work[k:k + size]
            ids = [i for i, _ in chunk if i is not None]
            number = p.state.last_batch() + 1
            t0 = time.perf_counter()
            root, _ = p.process_batch([tx for _, tx in chunk], p.state.root(),
                                      lambda conn, ids=ids, n=number: consume(conn, ids, n))
            _report(p, number, len(chunk), root, time.perf_counter() - t0, as_json)
    finally:
        p.close()


def _report(p: BatchProcessor, number: int, n_txs: int, root: int, seconds: float, as_json: bool) -> None:
    folder = p.dir.batch(number)
    if as_json:
        out(json.dumps({"batch": number, "txs": n_txs, "new_root": str(root), "seconds": round(seconds, 3),
                        "proof": str(folder / "proof.json"), "public": str(folder / "public.json")}))
    else:
        out(f"batch {number}: {n_txs} transaction(s), new root {root}")
    err(f"batch {number} proven and committed in {seconds:.1f} s -> {folder}/proof.json, public.json")


@rollup_group.command("status")
@_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON object.")
def status_cmd(folder: str, as_json: bool) -> None:
    """The root, the batches, the accounts and the queued deposits."""
    from zkvmc.rollup.queue import pending

    p = _processor(folder)
    try:
        doc = {
            "depth": p.config.depth, "batch_size": p.config.batch, "chain_id": p.config.chain_id,
            "root": str(p.state.root()), "last_batch": p.state.last_batch(),
            "batches": [{"batch": b.number, "old_root": str(b.old_root), "new_root": str(b.new_root),
                         "txs": sum(1 for t in b.txs if t.kind != 0), "proof_id": b.proof_id} for b in p.batches()],
            "accounts": {str(i): a.to_json() for i, a in p.state.accounts()},
            "pending_deposits": len(pending(p.state)),
        }
    finally:
        p.close()
    if as_json:
        out(json.dumps(doc))
        return
    out(f"root {doc['root']} after batch {doc['last_batch']} (depth {doc['depth']}, batch size "
        f"{doc['batch_size']}, chain id {doc['chain_id']}), {doc['pending_deposits']} deposit(s) queued")
    for b in doc["batches"]:
        out(f"  batch {b['batch']}: {b['txs']} tx(s), root {b['old_root'][:12]}… -> {b['new_root'][:12]}…")
    for i, a in doc["accounts"].items():
        out(f"  account {i}: balance {a['balance']}, nonce {a['nonce']}")


@rollup_group.command("account")
@_dir_option
@click.argument("index", type=int)
@click.option("--proof", "with_proof", is_flag=True, help="Add a Merkle proof against the current root.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def account_cmd(folder: str, index: int, with_proof: bool, as_json: bool) -> None:
    """An account's key, balance and nonce, and optionally its Merkle proof."""
    from zkvmc.errors import InputError

    p = _processor(folder)
    try:
        if not 0 <= index < 2 ** p.config.depth:
            raise InputError(f"account index must be 0 .. {2 ** p.config.depth - 1}, not {index}")
        acc, root = p.state.account(index), p.state.root()
        doc: dict[str, Any] = {"index": index, "root": str(root), **acc.to_json()}
        if with_proof:
            pr = p.state.proof(index)
            doc["proof"] = {"leaf": str(pr.leaf), "siblings": [str(s) for s in pr.siblings]}
    finally:
        p.close()
    if as_json:
        out(json.dumps(doc))
        return
    for k, v in doc.items():
        out(f"{k}: {v}" if k != "proof" else f"proof: leaf {v['leaf']}, {len(v['siblings'])} siblings "
            + " ".join(v["siblings"]))


def register(group: click.Group) -> None:
    """Add `rollup` to the command group."""
    group.add_command(rollup_group)
