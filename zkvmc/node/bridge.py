"""The bridge, as the node sees it: the part of zkvmc.l1.bridge.BridgeClient the node calls.

Typed structurally, so the node runs against the web3 client on a real chain and against
zkvmc.node.fake_l1.FakeBridge in tests, without importing web3 for the latter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Deposit(Protocol):
    """One deposit of the bridge's queue (zkvmc.l1.bridge.L1Deposit): its amount, in gwei (the L2
    unit), is `amount` there; see deposit_amount."""

    queue_index: int
    account: int
    ax: int
    ay: int
    block: int
    tx_hash: str


class Commit(Protocol):
    """One accepted batch commit (zkvmc.l1.bridge.L1Commit)."""

    batch: int
    tx_hash: str
    block: int
    new_root: int


class Bridge(Protocol):
    """The bridge contract's client."""

    @property
    def address(self) -> str:
        """The L1 address the node's commits are sent from."""

    def state_root(self) -> int:
        """The root of the last committed batch."""

    def last_batch(self) -> int:
        """The number of the last committed batch (0 before any)."""

    def deposits(self, start: int = 0) -> Sequence[Deposit]:
        """The queued deposits from queue index start on, in queue order."""

    def send_commit(self, proof_json: dict[str, Any], public: Sequence[int]) -> str:
        """Send a batch commit; its transaction hash (no wait)."""

    def wait_commit(self, tx_hash: str) -> Commit:
        """Wait for a sent commit to be mined (raises if it reverted)."""

    def send_commits(self, batches: Sequence[tuple[dict[str, Any], Sequence[int]]]) -> str:
        """Send consecutive batches' (proof, public signals) in one commit (commitBatches); its
        transaction hash (no wait)."""

    def wait_commits(self, tx_hash: str) -> Sequence[Commit]:
        """Every batch a sent commit (single or several) committed, in order, once mined."""

    def find_commit(self, batch: int) -> Commit | None:
        """The commit of a batch, if the bridge has one."""


def deposit_amount(d: Deposit) -> int:
    """A deposit's amount in gwei: L1Deposit.amount (named amount_gwei in the node's brief)."""
    amount = getattr(d, "amount", None)
    return int(amount if amount is not None else getattr(d, "amount_gwei"))
