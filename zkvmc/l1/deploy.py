"""Deploy a rollup's contracts to an L1: its verifier (`Groth16BatchVerifier`, the key's
`Groth16Verifier` plus verifyBatch, zkvmc.evm.batch_verifier) and a `RollupBridge` that uses it.

`deploy(folder, rpc, key)` reads the rollup folder (zkvmc.rollup.config: rollup.json and
verification_key.json), generates both sources (zkvmc.evm), compiles them with solcjs
(zkvmc.l1.solc), sends the two deployments from `key` and gives the L1Info to write as l1.json.
The bridge starts at the empty tree's root and batch 0, so the folder's state must be fresh.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from zkvmc import __version__
from zkvmc.errors import ArtifactError, InputError
from zkvmc.l1.chain import Sender, connect, load_key, wait_receipt
from zkvmc.l1.config import L1Info

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount
    from web3 import Web3

    from zkvmc.l1.solc import Contract
    from zkvmc.rollup.config import RollupConfig

DEFAULT_FORCE_DELAY = 7200
"""Blocks a deposit may wait before batches must be deposits only (a day of 12-second blocks)."""


def rollup_sources(folder: str | os.PathLike[str]) -> tuple[RollupConfig, dict[str, str]]:
    """The rollup's configuration and its two Solidity sources (Verifier.sol, RollupBridge.sol)."""
    from zkvmc.artifacts.groth16_files import read_vk
    from zkvmc.evm import render_rollup_bridge, render_verifier
    from zkvmc.errors import UnsupportedKey
    from zkvmc.evm.batch_verifier import batch_verifier_contract
    from zkvmc.evm.rollup_bridge import n_public
    from zkvmc.rollup.config import read_config

    cfg, d = read_config(folder)
    vk = read_vk(str(d.vk))
    if vk.n_public != n_public(cfg.batch):
        raise ArtifactError(str(d.vk), "nPublic", f"a rollup of batch {cfg.batch} has {n_public(cfg.batch)} "
                                                  f"public signals, the key {vk.n_public}")
    if vk.circuit_digest and vk.circuit_digest != cfg.circuit_digest:
        raise ArtifactError(str(d.vk), "circuit_digest", "not the circuit rollup.json names")
    try:
        verifier = render_verifier(vk, __version__) + batch_verifier_contract(vk)
    except UnsupportedKey as e:
        raise ArtifactError(str(d.vk), e.field, e.message) from None
    bridge = render_rollup_bridge(cfg.depth, cfg.batch, __version__, cfg.circuit_digest)
    return cfg, {"Verifier.sol": verifier, "RollupBridge.sol": bridge}


def check_fresh_state(folder: str | os.PathLike[str]) -> None:
    """The bridge starts at batch 0 on the empty tree: refuse a folder that has batches already."""
    from zkvmc.rollup.config import RollupDir
    from zkvmc.rollup.state import StateManager

    d = RollupDir(Path(folder))
    if not d.state.exists():
        return
    with StateManager.open(d.state) as state:
        batches = state.last_batch()
    if batches:
        raise InputError(f"{d.root}: the rollup has {batches} batch(es) already, but a new bridge starts "
                         "from the empty tree at batch 0\nhint: deploy for a freshly initialised rollup")


def compile_rollup(folder: str | os.PathLike[str]) -> tuple[RollupConfig, Contract, Contract]:
    """(configuration, compiled verifier, compiled RollupBridge) for a rollup folder. The verifier
    is the key's Groth16BatchVerifier: Groth16Verifier's verifyProof (commitBatch) and verifyBatch
    (commitBatches)."""
    from zkvmc.l1.solc import compile_sources

    cfg, sources = rollup_sources(folder)
    contracts = compile_sources(sources)
    return cfg, contracts["Groth16BatchVerifier"], contracts["RollupBridge"]


def _deploy_one(sender: Sender, contract: Contract, *args: object) -> tuple[str, int]:
    """Deploy a compiled contract; (its address, the block it was deployed in)."""
    w3 = sender.w3
    factory = w3.eth.contract(abi=contract.abi, bytecode=contract.bytecode)
    receipt = wait_receipt(w3, sender.send(factory.constructor(*args)))
    return str(receipt["contractAddress"]), int(receipt["blockNumber"])


def deploy(folder: str | os.PathLike[str], rpc: str, key: str | LocalAccount, *,
           force_delay: int = DEFAULT_FORCE_DELAY, dev_keys: Sequence[str] = ()) -> L1Info:
    """Deploy the rollup's verifier and bridge from `key` (hex, key file or account) to the chain
    at rpc; the L1Info to write as l1.json (dev_keys: only for a devnet)."""
    if isinstance(force_delay, bool) or not 0 <= force_delay < 2**64:
        raise InputError(f"--force-delay must be a block count, 0 .. 2^64 - 1, not {force_delay}")
    account = load_key(key) if isinstance(key, str) else key
    cfg, verifier, bridge = compile_rollup(folder)
    check_fresh_state(folder)
    w3: Web3 = connect(rpc)
    sender = Sender(w3, account)
    verifier_address, _ = _deploy_one(sender, verifier)
    bridge_address, block = _deploy_one(sender, bridge, verifier_address, force_delay)
    return L1Info(rpc, int(w3.eth.chain_id), bridge_address, verifier_address, block, cfg.circuit_digest,
                  tuple(dev_keys))
