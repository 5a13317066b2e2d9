"""The batch processor end to end: every kind of transaction proven and committed, every
refused transaction refused before proving and unprovable when forced into the program, no
replay, and the SQLite state equal to a plain-Python ledger on random streams."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollup_support import ALICE, BOB, CAROL, CHAIN_ID, DEPTH, dep, fresh, out, pay, processor, pub
from zkvmc.artifacts.groth16_files import proof_from_json
from zkvmc.artifacts.inputs import Inputs
from zkvmc.crypto.eddsa import Signature
from zkvmc.groth16 import verify
from zkvmc.rollup.accounts import Account
from zkvmc.rollup.batch import BatchProcessor
from zkvmc.errors import StaleRoot
from zkvmc.rollup.transactions import Kind, Tx, public_data
from zkvmc.rollup.tree import naive_root
from zkvmc.rollup.validate import SlotTrace, apply_tx, slot_tape
from zkvmc.errors import TxRejected
from zkvmc.vm import run
from zkvmc.witness import solve
from zkvmc.errors import Unsatisfied

L1_ADDRESS = 0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED


@pytest.fixture
def funded(funded_template: Path, tmp_path: Path) -> BatchProcessor:
    """Accounts 1 (Alice, 100) and 2 (Bob, 5), created by batch 1."""
    return processor(fresh(funded_template, tmp_path / "funded"))


def test_every_kind_is_proven_and_committed(funded: BatchProcessor) -> None:
    p = funded
    root1 = p.state.root()
    p.process_batch([pay(ALICE, 1, 2, 30, 0), out(BOB, 2, L1_ADDRESS, 10, 0)], root1)
    p.process_batch([dep(1, ALICE, 1)], p.state.root())  # a deposit into an existing account, one no-op
    (ax, ay), (bx, by) = pub(ALICE), pub(BOB)
    assert p.state.account(1) == Account(ax, ay, 71, 1)
    assert p.state.account(2) == Account(bx, by, 25, 1)
    assert p.state.root() == p.state.recompute_root() == naive_root(
        {1: p.state.account(1).leaf(), 2: p.state.account(2).leaf()}, DEPTH)
    records = p.batches()
    assert [r.number for r in records] == [1, 2, 3]
    vk = p.keys[1]
    for r in records:
        assert r.public[0] == r.new_root and r.public[-2:] == (r.old_root, r.number)
        assert list(r.public[1:-2]) == [v for tx in r.txs for v in public_data(tx)]
        assert verify(vk, list(r.public), proof_from_json(r.proof, "batch"))
    assert records[1].public[4:7] == (int(Kind.WITHDRAW) + 4 * 2 + (10 << 66), L1_ADDRESS, 0)
    assert records[2].txs[1].kind == Kind.NOOP


def forged(tx: Tx) -> Tx:
    assert tx.sig is not None
    return Tx(*tx.fields(), sig=Signature(tx.sig.r8, (tx.sig.s + 1)))


NEGATIVES = {
    "forged signature": (lambda: [forged(pay(ALICE, 1, 2, 3, 0))], "bad-signature", "eddsa"),
    "signature by another key": (lambda: [pay(BOB, 1, 2, 3, 0)], "bad-signature", "eddsa"),
    "overdraft": (lambda: [pay(ALICE, 1, 2, 101, 0)], "overdraft", "assert_eq"),
    "replayed nonce": (lambda: [pay(ALICE, 1, 2, 3, 0), pay(ALICE, 1, 2, 3, 0)], "nonce-replayed", "assert_eq"),
    "nonce from the future": (lambda: [pay(ALICE, 1, 2, 3, 1)], "nonce-future", "assert_eq"),
    "amount of 2^64": (lambda: [pay(ALICE, 1, 2, 2**64, 0)], "amount-range", "range"),
    "transfer from an empty account": (lambda: [pay(CAROL, 3, 2, 1, 0)], "sender-empty", "eddsa"),
    "deposit overflowing a balance": (lambda: [dep(2, BOB, 2**64 - 3)], "balance-overflow", "range"),
}


def forced_inputs(p: BatchProcessor, txs: list[Tx]) -> Inputs:
    """The program's tapes with the checks bypassed: a refused transaction gets the accounts and
    paths of the state as it stands, and changes nothing."""
    overlay, private = p.state.overlay(), []
    root, number = p.state.root(), p.state.last_batch() + 1
    for tx in p.pad(txs):
        try:
            trace = apply_tx(tx, overlay, CHAIN_ID)
        except TxRejected:
            s = tx.sender if tx.kind in (Kind.TRANSFER, Kind.WITHDRAW) else 0
            r = tx.receiver if tx.kind in (Kind.TRANSFER, Kind.DEPOSIT) else 0
            trace = SlotTrace(overlay.account(s), overlay.proof(s), overlay.account(r), overlay.proof(r))
        private += slot_tape(tx, trace)
    return Inputs((root, number), tuple(private))


@pytest.mark.parametrize("case", sorted(NEGATIVES))
def test_each_refused_transaction_is_refused_and_unprovable(funded: BatchProcessor, case: str) -> None:
    make, code, instr = NEGATIVES[case]
    p = funded
    before = (p.state.root(), p.state.last_batch())
    with pytest.raises(TxRejected) as e:
        p.process_batch(make(), p.state.root())
    assert e.value.code == code
    assert (p.state.root(), p.state.last_batch()) == before
    inputs = forced_inputs(p, make())
    fault = run(p.program, inputs).fault
    assert fault is not None and p.program.instrs[fault.pc].op == instr, fault
    with pytest.raises(Unsatisfied) as u:
        solve(p.circuit, inputs)
    assert f"rollup.asm:{fault.line}:" in str(u.value)


def test_a_proof_is_for_one_batch_number_and_one_root(funded: BatchProcessor) -> None:
    p = funded
    first = p.batches()[0]
    replayed = list(first.public)
    replayed[-2:] = [p.state.root(), 2]  # batch 1's proof offered as batch 2 on the current root
    vk = p.keys[1]
    proof = proof_from_json(first.proof, "batch 1")
    assert verify(vk, list(first.public), proof)
    assert not verify(vk, replayed, proof)
    with pytest.raises(StaleRoot):
        p.process_batch([pay(ALICE, 1, 2, 1, 0)], first.old_root)
    assert p.state.last_batch() == 1


# ---- random valid streams against a plain-Python ledger

KEYS = (ALICE, BOB, CAROL)


@st.composite
def streams(draw: st.DrawFn) -> list[Tx]:
    """Valid transactions for accounts 1..3 (key i), computed against a dict model as drawn."""
    model: dict[int, list[int]] = {}  # index -> [balance, nonce]
    txs: list[Tx] = []
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(1, 3))
        choice = draw(st.sampled_from(("deposit", "transfer", "withdraw")))
        if i not in model or choice == "deposit":
            amount = draw(st.integers(0, 1000))
            model.setdefault(i, [0, 0])[0] += amount
            txs.append(dep(i, KEYS[i - 1], amount))
            continue
        bal, nonce = model[i]
        amount = draw(st.integers(0, bal))
        if choice == "transfer":
            j = draw(st.sampled_from(sorted(model)))
            txs.append(pay(KEYS[i - 1], i, j, amount, nonce))
            model[i][0] -= amount
            model[j][0] += amount
        else:
            txs.append(out(KEYS[i - 1], i, L1_ADDRESS, amount, nonce))
            model[i][0] -= amount
        model[i][1] += 1
    return txs


def ledger(txs: list[Tx]) -> dict[int, Account]:
    """The accounts a stream leaves, by plain arithmetic."""
    acc: dict[int, list[int]] = {}
    for tx in txs:
        if tx.kind == Kind.DEPOSIT:
            acc.setdefault(tx.receiver, [tx.d1, tx.d2, 0, 0])[2] += tx.amount
        else:
            acc[tx.sender][2] -= tx.amount
            acc[tx.sender][3] += 1
            if tx.kind == Kind.TRANSFER:
                acc[tx.receiver][2] += tx.amount
    return {i: Account(*v) for i, v in acc.items()}


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(txs=streams())
def test_random_streams_leave_the_state_of_the_ledger(rollup_template: Path, tmp_path_factory: pytest.TempPathFactory,
                                                      txs: list[Tx]) -> None:
    p = processor(fresh(rollup_template, tmp_path_factory.mktemp("stream") / "r"))
    for k in range(0, len(txs), 2):
        p.process_batch(txs[k:k + 2], p.state.root())
    want = ledger(txs)
    assert dict(p.state.accounts()) == want
    assert p.state.root() == naive_root({i: a.leaf() for i, a in want.items()}, DEPTH) == p.state.recompute_root()
    assert [root for _, root in p.state.history()][1:] == [r.new_root for r in p.batches()]
