"""Shared helpers for the L1 tests (tests/test_l1_*.py): a real anvil on 127.0.0.1, the rollup's
contracts deployed on it, batches proven by zkvmc.rollup.batch whose L2 deposits mirror the L1
queue, and revert checks. The tests skip only when node_modules/.bin/anvil is missing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

import pytest

from rollup_support import fresh, processor
from zkvmc.rollup.batch import BatchProcessor, BatchRecord
from zkvmc.rollup.transactions import Tx, deposit

REPO = Path(__file__).resolve().parent.parent
ANVIL = REPO / "node_modules" / ".bin" / "anvil"

requires_anvil = pytest.mark.skipif(not ANVIL.exists(), reason="node_modules/.bin/anvil missing (run `make node`)")
"""Mark for every test that needs the devnet."""

GWEI = 10**9


def anvil_devnet() -> Iterator[str]:
    """Generator for a module-scoped fixture: an anvil on a free port, its RPC URL, stopped after."""
    from zkvmc.l1.devnet import start_anvil_on_free_port, stop

    proc, url = start_anvil_on_free_port()
    try:
        yield url
    finally:
        stop(proc)


@dataclass
class Rollup:
    """A fresh rollup folder (depth 4, batch 2) with its bridge deployed on the devnet."""

    folder: Path
    """The rollup's folder (a copy of the session's template)."""
    info: Any
    """Its zkvmc.l1.config.L1Info."""
    p: BatchProcessor
    """Its batch processor (the local state)."""

    def client(self, key_index: int = 0) -> Any:
        """A BridgeClient sending from anvil's dev key key_index (0: the sequencer)."""
        from zkvmc.l1.bridge import BridgeClient
        from zkvmc.l1.devnet import DEV_KEYS

        return BridgeClient(self.info, DEV_KEYS[key_index])

    def seal_and_prove(self, txs: Sequence[Tx], commit: bool = True) -> BatchRecord:
        """Batch lastBatch + 1 proven on the local state (committed there unless commit=False)."""
        from zkvmc.artifacts.groth16_files import proof_to_json
        from zkvmc.rollup.batch import proof_id

        p = self.p
        sealed = p.seal(txs, p.state.overlay(), p.state.last_batch() + 1)
        proof = p.prove(sealed)
        if commit:
            return p.commit(sealed, proof)
        pj = proof_to_json(proof)
        return BatchRecord(sealed.number, sealed.old_root, sealed.new_root, sealed.txs, pj, sealed.public,
                           proof_id(pj))


def new_rollup(template: Path, dest: Path, rpc: str, force_delay: int = 7200) -> Rollup:
    """Copy the template rollup and deploy its contracts (anvil's first key)."""
    from zkvmc.l1.deploy import deploy
    from zkvmc.l1.devnet import DEV_KEYS

    folder = fresh(template, dest)
    info = deploy(folder, rpc, DEV_KEYS[0], force_delay=force_delay, dev_keys=DEV_KEYS)
    return Rollup(folder, info, processor(folder))


def l2_deposits(deposits: Sequence[Any]) -> list[Tx]:
    """The L2 deposit transactions mirroring L1 deposits: deposit(to=account, ax, ay, amount)."""
    return [deposit(d.account, d.ax, d.ay, d.amount) for d in deposits]


def reverts(reason: str, fn: Any, *args: Any) -> Any:
    """Call fn(*args), which must raise L1Error with exactly this revert reason."""
    from zkvmc.errors import L1Error

    with pytest.raises(L1Error) as e:
        fn(*args)
    assert e.value.reason == reason, str(e.value)
    return e.value


def mine(client: Any, blocks: int) -> None:
    """Mine `blocks` blocks on an automining devnet: one ETH transfer to oneself each."""
    sender = client.sender
    for _ in range(blocks):
        tx = {"to": sender.account.address, "value": 1, "gas": 21000, "chainId": client.info.chain_id,
              "nonce": client.w3.eth.get_transaction_count(sender.account.address, "pending"),
              "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9}
        client.w3.eth.wait_for_transaction_receipt(sender.send_raw(tx))


def gas_used(client: Any, tx_hash: str) -> int:
    """A mined transaction's gas."""
    return int(client.w3.eth.get_transaction_receipt(tx_hash)["gasUsed"])
