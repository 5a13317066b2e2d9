"""The rollup's bridge on L1, through web3.py: read its state, queue deposits, commit batches,
follow withdrawals. docs/l1.md, "The rollup bridge".

`BridgeClient(info, key)` talks to the RollupBridge an l1.json names (zkvmc.l1.config). Reads
need no key; sending (deposit, commit, claim) needs the sender's private key. Every send is
pre-flighted (zkvmc.l1.chain): a call that would revert raises `L1Error` with the contract's
reason before anything is sent. Amounts: deposits are paid in wei (whole gwei) and appear on L2
and in `L1Deposit.amount` in gwei; balances and pending withdrawals are in wei.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from zkvmc.errors import InputError
from zkvmc.l1.abi import BRIDGE_ABI
from zkvmc.l1.chain import Sender, connect, load_key, to_hex, wait_receipt
from zkvmc.errors import L1Error, L1Unavailable
from zkvmc.l1.config import L1Info

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount
    from web3.contract import Contract
    from web3.types import EventData, TxReceipt

__all__ = ["BridgeClient", "L1Commit", "L1Deposit", "L1Error", "L1Unavailable"]

LOG_CHUNK = 10_000
"""Blocks per eth_getLogs request (public RPC endpoints cap the range)."""


@dataclass(frozen=True)
class L1Deposit:
    """One queued deposit, from its Deposit event: the L2 deposit(to=account, ax, ay, amount)."""

    queue_index: int
    """Its place in the bridge's queue (0, 1, ...): batches consume deposits in this order."""
    account: int
    """The L2 account index the bridge assigned to the key."""
    ax: int
    """The BabyJubJub key's x."""
    ay: int
    """The BabyJubJub key's y."""
    amount: int
    """The amount in gwei (the L2 unit)."""
    block: int
    """The L1 block it was queued in."""
    tx_hash: str
    """The L1 transaction that queued it."""


@dataclass(frozen=True)
class L1Commit:
    """One committed batch, from its BatchCommitted event."""

    batch: int
    """The batch number."""
    tx_hash: str
    """The L1 transaction that committed it."""
    block: int
    """Its L1 block."""
    new_root: int
    """The state root after the batch."""


def commit_args(proof_json: dict[str, Any], public: Sequence[int]) -> tuple[Any, ...]:
    """commitBatch's arguments (a, b, c, newRoot, slots) for a snarkjs proof.json and its public
    signals [newRoot, slots..., oldRoot, batchNumber]; B's pairs swapped, imaginary part first."""
    from zkvmc.artifacts.groth16_files import proof_from_json
    from zkvmc.evm import verifier_args

    signals = [int(v) for v in public]
    if len(signals) < 3 or (len(signals) - 3) % 3:
        raise InputError(f"public signals: expected newRoot, 3 per slot, oldRoot, batchNumber; got {len(signals)}")
    args = verifier_args(proof_from_json(proof_json, "proof"), signals)
    b = [list(args.b[0]), list(args.b[1])]
    return list(args.a), b, list(args.c), signals[0], signals[1:-2]


def commits_args(batches: Sequence[tuple[dict[str, Any], Sequence[int]]]) -> tuple[Any, ...]:
    """commitBatches' arguments (firstBatch, a[], b[], c[], newRoots, slots) for consecutive
    batches' (proof.json, public signals); InputError unless each starts where the last ended."""
    if not batches:
        raise InputError("commitBatches: no batches")
    args = [commit_args(proof, public) for proof, public in batches]
    for (_, prev), (_, this) in zip(batches, batches[1:]):
        if int(this[-1]) != int(prev[-1]) + 1 or int(this[-2]) != int(prev[0]):
            raise InputError(f"batch {this[-1]} (on root {this[-2]}) does not follow batch {prev[-1]} "
                             f"(root {prev[0]}): commitBatches takes consecutive batches")
    return (int(batches[0][1][-1]), [x[0] for x in args], [x[1] for x in args], [x[2] for x in args],
            [x[3] for x in args], [w for x in args for w in x[4]])


class BridgeClient:
    """A RollupBridge on L1 (info: l1.json), sending from `key` (hex or key file) if given."""

    def __init__(self, info: L1Info, key: str | LocalAccount | None = None) -> None:
        self.info = info
        self.w3 = connect(info.rpc, info.chain_id)
        if not self.w3.eth.get_code(self.w3.to_checksum_address(info.bridge)):
            raise L1Error(f"no contract at {info.bridge} on {info.rpc} (a devnet restarted without its state?)")
        self.contract: Contract = self.w3.eth.contract(address=self.w3.to_checksum_address(info.bridge),
                                                       abi=BRIDGE_ABI)
        account = load_key(key, "L1 key") if isinstance(key, str) else key
        self.sender = Sender(self.w3, account) if account is not None else None

    # ---- reads ---------------------------------------------------------------------------------

    @property
    def address(self) -> str:
        """This client's L1 address (InputError without a key)."""
        return self._sender().account.address

    def state_root(self) -> int:
        """The bridge's state root."""
        return int(self.contract.functions.stateRoot().call())

    def last_batch(self) -> int:
        """The last committed batch's number (0 before any)."""
        return int(self.contract.functions.lastBatch().call())

    def deposit_count(self) -> int:
        """Deposits queued so far."""
        return int(self.contract.functions.depositCount().call())

    def deposits_consumed(self) -> int:
        """Deposits consumed by committed batches."""
        return int(self.contract.functions.depositsConsumed().call())

    @cached_property
    def batch_size(self) -> int:
        """The rollup's batch size B (the bridge's BATCH)."""
        return int(self.contract.functions.BATCH().call())

    def balance(self, address: str) -> int:
        """An L1 address's balance, in wei."""
        return int(self.w3.eth.get_balance(self.w3.to_checksum_address(address)))

    def pending_withdrawal(self, address: str) -> int:
        """Wei credited to address by withdrawals whose payment failed, claimable by it."""
        return int(self.contract.functions.pendingWithdrawals(self.w3.to_checksum_address(address)).call())

    def deposits(self, start: int = 0) -> list[L1Deposit]:
        """Queued deposits from queue index `start` on, in queue order (from Deposit events)."""
        if start >= self.deposit_count():
            return []
        first_block = int(self.contract.functions.depositBlock(start).call())
        found = [_deposit(e) for e in self._logs("Deposit", first_block, {})]
        return sorted((d for d in found if d.queue_index >= start), key=lambda d: d.queue_index)

    def find_commit(self, batch: int) -> L1Commit | None:
        """Batch `batch`'s commit on L1, or None if it is not committed (from BatchCommitted events)."""
        for event in self._logs("BatchCommitted", self.info.deploy_block, {"batch": batch}):
            return _commit(event)
        return None

    def _logs(self, event: str, from_block: int, filters: dict[str, Any]) -> Iterator[EventData]:
        """The bridge's `event` logs from from_block to the latest block, LOG_CHUNK blocks a request."""
        latest = self.w3.eth.block_number
        for lo in range(from_block, latest + 1, LOG_CHUNK):
            hi = min(lo + LOG_CHUNK - 1, latest)
            yield from getattr(self.contract.events, event).get_logs(
                argument_filters=filters or None, from_block=lo, to_block=hi)

    # ---- sends ---------------------------------------------------------------------------------

    def _sender(self) -> Sender:
        if self.sender is None:
            raise InputError("this L1 client has no key: it can read, not send")
        return self.sender

    def deposit(self, ax: int, ay: int, amount_wei: int) -> tuple[str, L1Deposit]:
        """Queue a deposit of amount_wei (whole gwei) for key (ax, ay) and wait for it to be mined;
        (transaction hash, the deposit as queued)."""
        sender = self._sender()
        tx_hash = sender.send(self.contract.functions.deposit(ax, ay), value=amount_wei)
        receipt = wait_receipt(self.w3, tx_hash)
        events = self._events(receipt, "Deposit")
        if len(events) != 1:
            raise L1Error(f"deposit {tx_hash}: expected one Deposit event, found {len(events)}")
        return tx_hash, _deposit(events[0])

    def send_commit(self, proof_json: dict[str, Any], public: Sequence[int]) -> str:
        """Send commitBatch for a batch's proof.json and public signals without waiting; its
        transaction hash. L1Error with the reason (and what the bridge expects) if it would revert."""
        a, b, c, new_root, slots = commit_args(proof_json, public)
        if len(slots) != 3 * self.batch_size:
            raise InputError(f"public signals: {len(public)} signals, but this bridge's batches have "
                             f"{3 * self.batch_size + 3}")
        call = self.contract.functions.commitBatch(a, b, c, new_root, slots)
        try:
            return self._sender().send(call)
        except L1Error as e:
            if e.reason != "Bridge: invalid proof":
                raise
            old_root, number = int(public[-2]), int(public[-1])
            raise L1Error(f"{e} (the proof is for batch {number} on root {old_root}; the bridge is at "
                          f"batch {self.last_batch()} with root {self.state_root()})", e.reason) from None

    def wait_commit(self, tx_hash: str, timeout: float | None = None) -> L1Commit:
        """The commit a send_commit transaction made, once mined; L1Error with the reason if it
        reverted, L1Unavailable if it is not mined in time."""
        receipt = wait_receipt(self.w3, tx_hash, *(() if timeout is None else (timeout,)))
        events = self._events(receipt, "BatchCommitted")
        if len(events) != 1:
            raise L1Error(f"transaction {tx_hash} committed no batch")
        return _commit(events[0])

    def commit_batch(self, proof_json: dict[str, Any], public: Sequence[int]) -> L1Commit:
        """send_commit, then wait_commit."""
        return self.wait_commit(self.send_commit(proof_json, public))

    def send_commits(self, batches: Sequence[tuple[dict[str, Any], Sequence[int]]]) -> str:
        """Send commitBatches for consecutive batches' (proof.json, public signals) without
        waiting: their proofs checked by one ecPairing call; its transaction hash. L1Error with
        the reason if it would revert (a bad proof among them does not say which)."""
        first, a, b, c, roots, slots = commits_args(batches)
        if len(slots) != 3 * self.batch_size * len(batches):
            raise InputError(f"public signals: this bridge's batches have {3 * self.batch_size + 3}")
        try:
            return self._sender().send(self.contract.functions.commitBatches(first, a, b, c, roots, slots))
        except L1Error as e:
            if e.reason not in ("Bridge: invalid proof", "Bridge: wrong batch number"):
                raise
            raise L1Error(f"{e} (batches {first}..{first + len(batches) - 1} on root {batches[0][1][-2]}; the "
                          f"bridge is at batch {self.last_batch()} with root {self.state_root()})", e.reason) from None

    def wait_commits(self, tx_hash: str, timeout: float | None = None) -> list[L1Commit]:
        """Every batch a send_commit or send_commits transaction committed, in order, once mined."""
        receipt = wait_receipt(self.w3, tx_hash, *(() if timeout is None else (timeout,)))
        events = self._events(receipt, "BatchCommitted")
        if not events:
            raise L1Error(f"transaction {tx_hash} committed no batch")
        return sorted((_commit(e) for e in events), key=lambda x: x.batch)

    def commit_batches(self, batches: Sequence[tuple[dict[str, Any], Sequence[int]]]) -> list[L1Commit]:
        """send_commits, then wait_commits."""
        return self.wait_commits(self.send_commits(batches))

    def claim_withdrawal(self) -> str:
        """Claim this client's pending withdrawals; the transaction hash, once mined."""
        tx_hash = self._sender().send(self.contract.functions.claimWithdrawal())
        wait_receipt(self.w3, tx_hash)
        return tx_hash

    def _events(self, receipt: TxReceipt, name: str) -> list[EventData]:
        """The bridge's `name` events in a receipt."""
        from web3.logs import DISCARD

        event = getattr(self.contract.events, name)()
        return [e for e in event.process_receipt(receipt, errors=DISCARD)
                if e["address"].lower() == self.info.bridge.lower()]


def _deposit(event: EventData) -> L1Deposit:
    """An L1Deposit from a Deposit event."""
    a = event["args"]
    return L1Deposit(int(a["queueIndex"]), int(a["account"]), int(a["ax"]), int(a["ay"]), int(a["amount"]),
                     int(event["blockNumber"]), to_hex(event["transactionHash"]))


def _commit(event: EventData) -> L1Commit:
    """An L1Commit from a BatchCommitted event."""
    a = event["args"]
    return L1Commit(int(a["batch"]), to_hex(event["transactionHash"]), int(event["blockNumber"]), int(a["newRoot"]))
