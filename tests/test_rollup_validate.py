"""Validation and application of rollup transactions (zkvmc.rollup.validate): every rejection
code, apply_tx's accounts and proofs, a dict-ledger model against apply_tx on random streams,
and one run of programs/rollup/rollup.asm on the VM fed by slot_tape."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zkvmc.artifacts.inputs import Inputs
from zkvmc.asm import assemble_file
from zkvmc.crypto.eddsa import Signature, prv2pub
from zkvmc.errors import NegativeResult
from zkvmc.field import U64
from zkvmc.rollup import transactions as t
from zkvmc.rollup.accounts import EMPTY, Account
from zkvmc.rollup.state import StateManager, StateOverlay
from zkvmc.rollup.transactions import Tx
from zkvmc.rollup.tree import root_from_path, sparse_root, verify_proof
from zkvmc.rollup.validate import CODES, SlotTrace, apply_tx, check_tx, slot_tape
from zkvmc.errors import TxRejected
from zkvmc.vm import run

REPO = Path(__file__).resolve().parent.parent
DEPTH = 4
CHAIN = 1
KEYS = [bytes([i + 1]) * 32 for i in range(3)]
PUBS = [prv2pub(k) for k in KEYS]
ADDRESS = 0xDEADBEEF00000000000000000000000000000001


def account(key: int, balance: int, nonce: int = 0) -> Account:
    """An account owned by KEYS[key]."""
    return Account(*PUBS[key], balance, nonce)


@pytest.fixture
def overlay(tmp_path: Path) -> Iterator[StateOverlay]:
    """A depth-4 overlay holding account 1 (key 0, 100, nonce 2) and 2 (key 1, 2^64 - 1, nonce 0)."""
    with StateManager.create(tmp_path / "state.db", DEPTH) as sm:
        ov = sm.overlay()
        ov.set(1, account(0, 100, 2))
        ov.set(2, account(1, U64 - 1))
        ov.set(3, account(2, 10, U64 - 1))
        yield ov


def pay(sender: int, receiver: int, amount: int, nonce: int, key: int = 0, chain: int = CHAIN) -> Tx:
    """A transfer signed by KEYS[key]."""
    return t.signed(t.transfer(sender, receiver, amount, nonce), KEYS[key], chain)


def bad_sig(tx: Tx) -> Tx:
    """tx with its signature's S changed."""
    assert tx.sig is not None
    return Tx(*tx.fields(), Signature(tx.sig.r8, tx.sig.s + 1))


# ---- every rejection -------------------------------------------------------------------------

REJECTIONS: list[tuple[str, Tx]] = [
    ("bad-kind", Tx(4, 0, 0, 0, 0, 0, 0)),
    ("amount-range", t.deposit(4, 1, 2, U64)),
    ("amount-range", Tx(t.Kind.TRANSFER, 1, 2, U64, 2, 0, 0)),
    ("bad-fields", Tx(t.Kind.NOOP, 0, 0, 1, 0, 0, 0)),
    ("bad-fields", Tx(t.Kind.NOOP, 0, 0, 0, 0, 0, 1)),
    ("bad-fields", Tx(t.Kind.DEPOSIT, 1, 4, 5, 0, 1, 2)),
    ("bad-fields", Tx(t.Kind.DEPOSIT, 0, 4, 5, 1, 1, 2)),
    ("bad-fields", Tx(t.Kind.TRANSFER, 1, 2, 5, 2, 1, 0)),
    ("bad-fields", Tx(t.Kind.TRANSFER, 1, 2, 5, 2, 0, 1)),
    ("bad-fields", Tx(t.Kind.WITHDRAW, 1, 2, 5, 2, ADDRESS, 0)),
    ("bad-fields", Tx(t.Kind.WITHDRAW, 1, 0, 5, 2, ADDRESS, 1)),
    ("bad-fields", Tx(t.Kind.DEPOSIT, 0, 4, 5, 0, 1, 2, Signature((1, 2), 3))),
    ("l1-address-range", t.withdrawal(1, 1 << 160, 5, 2)),
    ("deposit-key", t.deposit(4, 0, 7, 5)),
    ("deposit-key", t.deposit(1, PUBS[1][0], PUBS[1][1], 5)),
    ("deposit-key", t.deposit(1, PUBS[0][0], PUBS[0][1] + 1, 5)),
    ("index-range", t.deposit(16, 1, 2, 5)),
    ("index-range", t.transfer(16, 1, 5, 0)),
    ("index-range", t.transfer(1, 1 << 31, 5, 2)),
    ("sender-empty", pay(5, 1, 5, 0)),
    ("bad-signature", t.transfer(1, 2, 5, 2)),
    ("bad-signature", pay(1, 2, 5, 2, key=1)),
    ("bad-signature", pay(1, 2, 5, 2, chain=2)),
    ("bad-signature", bad_sig(pay(1, 2, 5, 2))),
    ("bad-signature", Tx(t.Kind.TRANSFER, 1, 2, 6, 2, 0, 0, pay(1, 2, 5, 2).sig)),
    ("nonce-replayed", pay(1, 2, 5, 1)),
    ("nonce-future", pay(1, 2, 5, 3)),
    ("overdraft", pay(1, 2, 101, 2)),
    ("overdraft", t.signed(t.withdrawal(1, ADDRESS, 101, 2), KEYS[0], CHAIN)),
    ("nonce-overflow", pay(3, 1, 1, U64 - 1, key=2)),
    ("receiver-empty", pay(1, 5, 5, 2)),
    ("receiver-empty", pay(1, 0, 5, 2)),
    ("balance-overflow", pay(1, 2, 1, 2)),
    ("balance-overflow", t.deposit(2, PUBS[1][0], PUBS[1][1], 1)),
]


def test_every_code_has_a_case() -> None:
    assert {code for code, _ in REJECTIONS} == set(CODES)


@pytest.mark.parametrize(("code", "tx"), REJECTIONS, ids=[f"{i}-{c}" for i, (c, _) in enumerate(REJECTIONS)])
def test_rejections(overlay: StateOverlay, code: str, tx: Tx) -> None:
    root = overlay.root()
    with pytest.raises(TxRejected) as e:
        check_tx(tx, overlay, CHAIN)
    assert e.value.code == code, e.value.reason
    assert isinstance(e.value, NegativeResult) and e.value.exit_code == 1
    assert e.value.reason and code in str(e.value)
    with pytest.raises(TxRejected):
        apply_tx(tx, overlay, CHAIN)
    assert overlay.root() == root


def test_signature_reason_is_signature_faults(overlay: StateOverlay) -> None:
    with pytest.raises(TxRejected, match="signature does not verify"):
        check_tx(pay(1, 2, 5, 2, key=1), overlay, CHAIN)
    with pytest.raises(TxRejected, match="not signed"):
        check_tx(t.transfer(1, 2, 5, 2), overlay, CHAIN)


def test_check_tx_reads_a_state_manager_too(tmp_path: Path) -> None:
    with StateManager.create(tmp_path / "s.db", DEPTH) as sm:
        check_tx(t.deposit(1, *PUBS[0], 5), sm, CHAIN)
        with pytest.raises(TxRejected, match="sender-empty"):
            check_tx(pay(1, 1, 0, 0), sm, CHAIN)


# ---- apply_tx --------------------------------------------------------------------------------


def check_trace(tx: Tx, trace: SlotTrace, root_before: int, overlay: StateOverlay) -> None:
    """The trace's proofs are the program's: the sender's against the root before the slot, the
    receiver's against the root after the sender update, and the new leaves reach the new root."""
    sp, rp = trace.sender_proof, trace.receiver_proof
    assert verify_proof(sp) and verify_proof(rp)
    assert sp.root == root_before and sp.leaf == trace.sender_before.leaf() and sp.index == tx.sender
    assert rp.leaf == trace.receiver_before.leaf() and rp.index == tx.receiver
    assert root_from_path(_sender_after_leaf(tx, trace), tx.sender, sp.siblings) == rp.root
    assert root_from_path(overlay.account(tx.receiver).leaf(), tx.receiver, rp.siblings) == overlay.root()


def _sender_after_leaf(tx: Tx, trace: SlotTrace) -> int:
    """The sender's leaf after its update (for a self-transfer, before the credit)."""
    a = trace.sender_before
    if tx.kind in t.SIGNED_KINDS:
        a = Account(a.ax, a.ay, a.balance - tx.amount, a.nonce + 1)
    return a.leaf()


def test_apply_transfer_deposit_withdrawal_noop(overlay: StateOverlay) -> None:
    steps: list[tuple[Tx, dict[int, Account]]] = [
        (pay(1, 2, 0, 2), {1: account(0, 100, 3), 2: account(1, U64 - 1)}),
        (t.signed(t.withdrawal(2, ADDRESS, 5, 0), KEYS[1], CHAIN), {2: account(1, U64 - 6, 1), 0: EMPTY}),
        (pay(1, 2, 5, 3), {1: account(0, 95, 4), 2: account(1, U64 - 1, 1)}),
        (t.deposit(4, *PUBS[2], 7), {4: account(2, 7), 0: EMPTY}),
        (t.deposit(4, *PUBS[2], 3), {4: account(2, 10)}),
        (t.deposit(0, *PUBS[0], 0), {0: account(0, 0)}),
        (pay(1, 1, 95, 4), {1: account(0, 95, 5)}),
        (t.noop(), {0: account(0, 0)}),
    ]
    for tx, expect in steps:
        before = overlay.root()
        trace = apply_tx(tx, overlay, CHAIN)
        check_trace(tx, trace, before, overlay)
        assert {i: overlay.account(i) for i in expect} == expect


def test_self_transfer_receiver_proof_is_after_the_debit(overlay: StateOverlay) -> None:
    before = overlay.root()
    trace = apply_tx(pay(1, 1, 40, 2), overlay, CHAIN)
    assert trace.sender_before == account(0, 100, 2)
    assert trace.receiver_before == account(0, 60, 3)
    assert trace.receiver_proof.root != before
    assert overlay.account(1) == account(0, 100, 3)
    check_trace(pay(1, 1, 40, 2), trace, before, overlay)


def test_noop_leaves_the_overlay_untouched(overlay: StateOverlay) -> None:
    changes = overlay.changes()
    trace = apply_tx(t.noop(), overlay, CHAIN)
    assert overlay.changes() == changes
    assert trace.sender_proof == trace.receiver_proof == overlay.proof(0)


def test_slot_tape_layout(overlay: StateOverlay) -> None:
    tx = pay(1, 3, 5, 2)
    trace = apply_tx(tx, overlay, CHAIN)
    tape = slot_tape(tx, trace)
    assert len(tape) == 10 + 2 * (4 + 2 * DEPTH)
    assert tape[:10] == t.tape(tx)
    assert tape[10:14] == [*PUBS[0], 100, 2]
    assert tape[14:22:2] == list(trace.sender_proof.siblings) and tape[15:22:2] == [1, 0, 0, 0]
    assert tape[22:26] == [*PUBS[2], 10, U64 - 1]
    assert tape[26:34:2] == list(trace.receiver_proof.siblings) and tape[27:34:2] == [1, 1, 0, 0]


# ---- a dict ledger against apply_tx ----------------------------------------------------------

INDEX = st.integers(0, 3)
AMOUNT = st.one_of(st.integers(0, 25), st.integers(0, 25), st.integers(0, 60), st.integers(U64 - 40, U64 - 1))
"""Mostly small amounts; a quarter near 2^64, for overdrafts and balance overflows."""
PICK = st.integers(0, 11)
"""An account for a transfer or withdrawal: 0-3 that index, 4-11 an existing account (if any)."""
SIGNER = st.integers(0, 7)
"""0-2: KEYS[i] signs; 3-7: the sender's owner signs (KEYS[0] for an empty sender)."""
SKEW = st.sampled_from([0, 0, 0, 0, -1, 1])
"""The transaction's nonce minus the sender's (clamped at 0)."""
FUNDING = st.tuples(st.just("deposit"), INDEX, st.integers(0, 2), st.integers(0, 100))
"""A deposit that opens the stream, so that transfers find accounts."""
TRANSFER = st.tuples(st.just("transfer"), PICK, PICK, AMOUNT, SIGNER, SKEW)
OPS = st.one_of(
    st.tuples(st.just("deposit"), INDEX, st.integers(0, 2), AMOUNT),
    TRANSFER, TRANSFER,
    st.tuples(st.just("withdraw"), PICK, st.just(0), AMOUNT, SIGNER, SKEW),
    st.tuples(st.just("noop")),
)


def _picked(ledger: dict[int, list[int]], pick: int) -> int:
    """PICK's index: pick itself below 4, else an existing account's index (pick % 4 if none)."""
    if pick < 4 or not ledger:
        return pick % 4
    return sorted(ledger)[(pick - 4) % len(ledger)]


def model_step(ledger: dict[int, list[int]], op: tuple) -> tuple[Tx, str | None]:
    """The op's transaction and what the ledger (index -> [key, balance, nonce]) says of it:
    None (applied to the ledger) or the rejection code."""
    if op[0] == "noop":
        return t.noop(), None
    if op[0] == "deposit":
        _, to, key, amount = op
        tx = t.deposit(to, *PUBS[key], amount)
        if to in ledger and ledger[to][0] != key:
            return tx, "deposit-key"
        acc = ledger.get(to, [key, 0, 0])
        if acc[1] + amount >= U64:
            return tx, "balance-overflow"
        ledger[to] = [key, acc[1] + amount, acc[2]]
        return tx, None
    kind, sender_pick, to_pick, amount, key, nonce_skew = op
    sender, to = _picked(ledger, sender_pick), _picked(ledger, to_pick) if kind == "transfer" else 0
    nonce = max(ledger.get(sender, [0, 0, 0])[2] + nonce_skew, 0)
    if key > 2:
        key = ledger.get(sender, [0])[0]
    if kind == "transfer":
        tx = t.signed(t.transfer(sender, to, amount, nonce), KEYS[key], CHAIN)
    else:
        tx = t.signed(t.withdrawal(sender, ADDRESS, amount, nonce), KEYS[key], CHAIN)
    if sender not in ledger:
        return tx, "sender-empty"
    owner, balance, current = ledger[sender]
    if owner != key:
        return tx, "bad-signature"
    if nonce != current:
        return tx, "nonce-replayed" if nonce < current else "nonce-future"
    if balance < amount:
        return tx, "overdraft"
    after = {**ledger, sender: [owner, balance - amount, current + 1]}
    if kind == "transfer":
        if to not in after:
            return tx, "receiver-empty"
        if after[to][1] + amount >= U64:
            return tx, "balance-overflow"
        after[to] = [after[to][0], after[to][1] + amount, after[to][2]]
    ledger.clear()
    ledger.update(after)
    return tx, None


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FUNDING, min_size=1, max_size=4), st.lists(OPS, max_size=16))
def test_ledger_model_agrees_with_apply_tx(funding: list[tuple], more: list[tuple]) -> None:
    ops = funding + more
    ledger: dict[int, list[int]] = {}
    with tempfile.TemporaryDirectory() as d, StateManager.create(Path(d) / "s.db", DEPTH) as sm:
        ov = sm.overlay()
        for op in ops:
            tx, expected = model_step(ledger, op)
            before = ov.root()
            if expected is None:
                check_trace(tx, apply_tx(tx, ov, CHAIN), before, ov)
            else:
                with pytest.raises(TxRejected) as e:
                    apply_tx(tx, ov, CHAIN)
                assert e.value.code == expected, (op, e.value.reason)
                assert ov.root() == before
            model = {i: Account(*PUBS[k], b, n) for i, (k, b, n) in ledger.items()}
            assert {i: ov.account(i) for i in range(4)} == {i: model.get(i, EMPTY) for i in range(4)}
        assert ov.root() == sparse_root({i: a.leaf() for i, a in model.items()}, DEPTH)
        sm.commit(ov, 1)
        assert sm.recompute_root() == sm.root() == ov.root()


# ---- the program on the VM, fed by slot_tape ---------------------------------------------------


def run_batch(program: object, overlay: StateOverlay, batch_number: int, txs: list[Tx]) -> None:
    """Apply txs (BATCH of them) to the overlay, run the program on their tapes, compare outputs."""
    old_root, private, data = overlay.root(), [], []
    for tx in txs:
        private += slot_tape(tx, apply_tx(tx, overlay, CHAIN))
        data += t.public_data(tx)
    res = run(program, Inputs((old_root, batch_number), tuple(private)))  # type: ignore[arg-type]
    assert res.fault is None, res.fault
    assert list(res.outputs) == [overlay.root(), *data]


def test_rollup_program_accepts_slot_tapes(tmp_path: Path) -> None:
    program = assemble_file(str(REPO / "programs/rollup/rollup.asm"))  # DEPTH 4, BATCH 2, CHAIN_ID 1
    with StateManager.create(tmp_path / "s.db", 4) as sm:
        ov = sm.overlay()
        apply_tx(t.deposit(2, *PUBS[1], 3), ov, CHAIN)
        sm.commit(ov, 1)
        ov = sm.overlay()
        run_batch(program, ov, 1, [t.deposit(1, *PUBS[0], 10), pay(1, 2, 4, 0)])
        run_batch(program, ov, 2, [t.signed(t.withdrawal(2, ADDRESS, 7, 0), KEYS[1], CHAIN), pay(1, 1, 6, 1)])
        run_batch(program, ov, 3, [t.noop(), t.deposit(2, *PUBS[1], 5)])
        assert ov.account(1) == account(0, 6, 2) and ov.account(2) == account(1, 5, 1)
