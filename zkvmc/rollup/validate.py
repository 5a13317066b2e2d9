"""Whether a transaction applies to a state, and applying it exactly as programs/rollup/rollup.asm
does, with the Merkle proofs the program's private tape needs. docs/rollup.md, "Transactions".

A transaction that would make the program fault never enters a batch (design decision 4):
`check_tx` refuses it first with a `TxRejected` whose `code` says which rule it breaks. Every
slot updates its sender, then its receiver (a no-op and a deposit use index 0 as their unchanged
sender; a no-op and a withdrawal index 0 as their unchanged receiver), and the receiver is read
after the sender's update, so a transfer to oneself debits then credits the same account.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.crypto.eddsa import signature_fault
from zkvmc.errors import TxRejected
from zkvmc.field import U64
from zkvmc.rollup.accounts import Account
from zkvmc.rollup.state import StateOverlay, StateView
from zkvmc.rollup.transactions import SIGNED_KINDS, Kind, Tx, message, tape
from zkvmc.rollup.tree import MerkleProof

L1_ADDRESS_BOUND = 1 << 160
"""A withdrawal's L1 address d1 is below 2^160 (the program's `range r9, 160`)."""

CODES = (
    "bad-kind", "amount-range", "bad-fields", "l1-address-range", "deposit-key", "index-range",
    "sender-empty", "bad-signature", "nonce-replayed", "nonce-future", "overdraft", "nonce-overflow",
    "receiver-empty", "balance-overflow",
)
"""Every rejection code, in the order check_tx first tries them (deposit-key is tried twice: a
deposit key with Ax = 0 among the fields, a key that differs from the receiver's with the receiver)."""


@dataclass(frozen=True)
class SlotTrace:
    """What the program's private tape needs besides the transaction: the two accounts it
    updates and their Merkle paths, each taken just before its update."""

    sender_before: Account
    """The account at `from` (index 0 for a no-op or deposit) before the slot."""
    sender_proof: MerkleProof
    """Its proof against the state before the slot (before the sender update)."""
    receiver_before: Account
    """The account at `to` (index 0 for a no-op or withdrawal) after the sender update."""
    receiver_proof: MerkleProof
    """Its proof after the sender update, before the receiver update."""


@dataclass(frozen=True)
class _Plan:
    """The two updates of a slot: indices, accounts before and after."""

    sender: int
    """The index updated first (`from`)."""
    sender_before: Account
    """The sender before the slot."""
    sender_after: Account
    """The sender after its update."""
    receiver: int
    """The index updated second (`to`)."""
    receiver_before: Account
    """The receiver after the sender update (the sender itself when to == from)."""
    receiver_after: Account
    """The receiver after its update."""


# ---- the rules -----------------------------------------------------------------------------------


def _check_kind_and_fields(tx: Tx) -> None:
    """The program's read_tx and check_kind, in its order: a known kind, amount < 2^64, unused
    fields 0 (and no signature on a kind that is not signed), then the kind's own rules."""
    if not isinstance(tx.kind, Kind):
        raise TxRejected("bad-kind", f"kind {int(tx.kind)} is none of 0 no-op, 1 deposit, 2 transfer, "
                                     "3 withdrawal")
    if tx.amount >= U64:
        raise TxRejected("amount-range", f"the amount {tx.amount} is not below 2^64")
    unused = {
        Kind.NOOP: ("from", "to", "amount", "nonce", "d1", "d2"),
        Kind.DEPOSIT: ("from", "nonce"),
        Kind.TRANSFER: ("d1", "d2"),
        Kind.WITHDRAW: ("to", "d2"),
    }[tx.kind]
    values = dict(zip(("kind", "from", "to", "amount", "nonce", "d1", "d2"), tx.fields()))
    nonzero = [name for name in unused if values[name] != 0]
    if nonzero:
        raise TxRejected("bad-fields", f"a {_kind_name(tx)} must have {', '.join(nonzero)} = 0")
    if tx.sig is not None and tx.kind not in SIGNED_KINDS:
        raise TxRejected("bad-fields", f"a {_kind_name(tx)} carries no signature")
    if tx.kind == Kind.WITHDRAW and tx.d1 >= L1_ADDRESS_BOUND:
        raise TxRejected("l1-address-range", "the L1 address (d1) is not below 2^160")
    if tx.kind == Kind.DEPOSIT and tx.d1 == 0:
        raise TxRejected("deposit-key", "a deposit's key must have Ax (d1) != 0: Ax = 0 marks the empty account")


def _check_indices(tx: Tx, depth: int) -> None:
    """`from` and `to` fit the tree (the program's path bits spell them in `depth` bits)."""
    for name, index in (("from", tx.sender), ("to", tx.receiver)):
        if index >= 1 << depth:
            raise TxRejected("index-range", f"{name} = {index} is not an account index (below 2^{depth})")


def _pay(tx: Tx, account: Account, chain_id: int) -> Account:
    """The sender after the slot's debit (unchanged unless a transfer or withdrawal)."""
    if tx.kind not in SIGNED_KINDS:
        return account
    if account.is_empty:
        raise TxRejected("sender-empty", f"account {tx.sender} does not exist")
    if tx.sig is None:
        raise TxRejected("bad-signature", "the transaction is not signed")
    fault = signature_fault(message(tx, chain_id), tx.sig, (account.ax, account.ay))
    if fault is not None:
        raise TxRejected("bad-signature", f"the signature is not account {tx.sender}'s: {fault}")
    if tx.nonce < account.nonce:
        raise TxRejected("nonce-replayed",
                         f"nonce {tx.nonce} was used already (account {tx.sender} is at {account.nonce})")
    if tx.nonce > account.nonce:
        raise TxRejected("nonce-future",
                         f"nonce {tx.nonce} is ahead of account {tx.sender}'s nonce {account.nonce}")
    if account.balance < tx.amount:
        raise TxRejected("overdraft", f"account {tx.sender} holds {account.balance}, less than {tx.amount}")
    if account.nonce + 1 >= U64:
        raise TxRejected("nonce-overflow", f"account {tx.sender}'s nonce cannot grow past 2^64 - 1")
    return Account(account.ax, account.ay, account.balance - tx.amount, account.nonce + 1)


def _credit(tx: Tx, account: Account) -> Account:
    """The receiver after the slot's credit (unchanged unless a deposit or transfer)."""
    if tx.kind == Kind.TRANSFER:
        if account.is_empty:
            raise TxRejected("receiver-empty",
                             f"account {tx.receiver} does not exist (transfers go to existing accounts)")
    elif tx.kind == Kind.DEPOSIT:
        if account.is_empty:
            account = Account(tx.d1, tx.d2, 0, 0)
        elif (account.ax, account.ay) != (tx.d1, tx.d2):
            raise TxRejected("deposit-key", f"account {tx.receiver} exists with another key than the deposit's")
    else:
        return account
    if account.balance + tx.amount >= U64:
        raise TxRejected("balance-overflow", f"account {tx.receiver}'s balance would reach 2^64 or more")
    return Account(account.ax, account.ay, account.balance + tx.amount, account.nonce)


def _plan(tx: Tx, view: StateView, chain_id: int) -> _Plan:
    """Both updates of the slot, or TxRejected: the fields, the indices (before any state read),
    the sender's rules, then the receiver's, each group in the program's order."""
    if not isinstance(tx, Tx):
        raise TypeError(f"expected a Tx, got {type(tx).__name__}")
    _check_kind_and_fields(tx)
    _check_indices(tx, view.depth)
    sender_before = view.account(tx.sender)
    sender_after = _pay(tx, sender_before, chain_id)
    receiver_before = sender_after if tx.receiver == tx.sender else view.account(tx.receiver)
    receiver_after = _credit(tx, receiver_before)
    return _Plan(tx.sender, sender_before, sender_after, tx.receiver, receiver_before, receiver_after)


_KIND_TEXT = {Kind.NOOP: "no-op", Kind.DEPOSIT: "deposit", Kind.TRANSFER: "transfer", Kind.WITHDRAW: "withdrawal"}


def _kind_name(tx: Tx) -> str:
    """"no-op", "deposit", "transfer" or "withdrawal"."""
    return _KIND_TEXT[Kind(tx.kind)]


# ---- the API ---------------------------------------------------------------------------------------


def check_tx(tx: Tx, view: StateView, chain_id: int) -> None:
    """Nothing if tx applies to the state `view` (a StateManager or StateOverlay) on chain
    chain_id, else TxRejected with the first broken rule's code."""
    _plan(tx, view, chain_id)


def apply_tx(tx: Tx, overlay: StateOverlay, chain_id: int) -> SlotTrace:
    """check_tx, then the sender update and the receiver update on the overlay (an account that
    does not change is not set), returning the accounts and proofs the program reads."""
    plan = _plan(tx, overlay, chain_id)
    sender_proof = overlay.proof(plan.sender)
    if plan.sender_after != plan.sender_before:
        overlay.set(plan.sender, plan.sender_after)
    receiver_proof = overlay.proof(plan.receiver)
    if plan.receiver_after != plan.receiver_before:
        overlay.set(plan.receiver, plan.receiver_after)
    return SlotTrace(plan.sender_before, sender_proof, plan.receiver_before, receiver_proof)


def _account_tape(account: Account, proof: MerkleProof) -> list[int]:
    """Ax, Ay, balance, nonce, then (sibling, bit) per level, bottom-up."""
    path = [x for level, sibling in enumerate(proof.siblings) for x in (sibling, proof.index >> level & 1)]
    return [account.ax, account.ay, account.balance, account.nonce, *path]


def slot_tape(tx: Tx, trace: SlotTrace) -> list[int]:
    """The slot's whole private tape, in the program's order: the transaction and signature, the
    sender and its path, the receiver and its path (after the sender update)."""
    return [*tape(tx), *_account_tape(trace.sender_before, trace.sender_proof),
            *_account_tape(trace.receiver_before, trace.receiver_proof)]
