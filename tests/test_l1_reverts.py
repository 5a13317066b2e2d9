"""Every way a batch commit fails on the real bridge (anvil), each with its own revert reason:
wrong slots length, root >= r, invalid proof (tampered, b in JSON order, replayed), stale root via
commitStateUpdate, deposits out of order / with wrong data / not queued at all, and deposits left
overdue (forced inclusion). tests/test_l1_deposits.py has the deposit reverts; the last test here
checks that every revert reason of the contract is exercised by some tests/test_l1_*.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from l1_support import GWEI, Rollup, anvil_devnet, l2_deposits, mine, new_rollup, requires_anvil, reverts
from rollup_support import ALICE, BOB, CAROL, dep, pay, pub
from zkvmc.field import R
from zkvmc.rollup.transactions import deposit

pytestmark = requires_anvil

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def rpc() -> Iterator[str]:
    yield from anvil_devnet()


def queue(r: Rollup, *keys: bytes) -> list[Any]:
    """Deposit 10 gwei per key on L1 (dev key 1); the deposits as queued."""
    client = r.client(1)
    return [client.deposit(*pub(k), 10 * GWEI)[1] for k in keys]


def send(client: Any, fn: str, *args: Any) -> Any:
    """Send a bridge call directly (bypassing the client's own checks)."""
    return client.sender.send(getattr(client.contract.functions, fn)(*args))


def test_proof_checks_root_range_slots_length_replay_and_stale_root(rollup_template: Path, tmp_path: Path,
                                                                    rpc: str) -> None:
    from zkvmc.l1.bridge import commit_args

    r = new_rollup(rollup_template, tmp_path / "r", rpc)
    seq = r.client(0)
    record = r.seal_and_prove(l2_deposits(queue(r, ALICE, BOB)))
    a, b, c, new_root, slots = commit_args(record.proof, record.public)
    reverts("Bridge: wrong number of slots", send, seq, "commitBatch", a, b, c, new_root, slots[:-1])
    reverts("Bridge: wrong number of slots", send, seq, "commitBatch", a, b, c, new_root, slots + [0, 0, 0])
    reverts("Bridge: root not in field", send, seq, "commitBatch", a, b, c, new_root + R, slots)
    reverts("Bridge: invalid proof", send, seq, "commitBatch", a, b, c, new_root - 1, slots)  # another root
    reverts("Bridge: invalid proof", send, seq, "commitBatch", a, b, c, new_root, [slots[0] + 1] + slots[1:])
    b_json = [[b[0][1], b[0][0]], [b[1][1], b[1][0]]]  # proof.json's order: not what EIP-197 reads
    reverts("Bridge: invalid proof", send, seq, "commitBatch", a, b_json, c, new_root, slots)
    genesis = seq.state_root()
    assert seq.commit_batch(record.proof, record.public).batch == 1
    err = reverts("Bridge: invalid proof", seq.commit_batch, record.proof, record.public)  # replayed batch
    assert "the proof is for batch 1" in str(err) and "the bridge is at batch 1" in str(err)
    zk = _zk_proof(a, b, c, slots)
    reverts("Bridge: stale root", send, seq, "commitStateUpdate", genesis.to_bytes(32, "big"),
            new_root.to_bytes(32, "big"), zk)
    reverts("Bridge: invalid proof", send, seq, "commitStateUpdate", new_root.to_bytes(32, "big"),
            new_root.to_bytes(32, "big"), zk)  # replayed on the current root
    assert (seq.last_batch(), seq.state_root()) == (1, r.p.state.root())


def _zk_proof(a: Any, b: Any, c: Any, slots: list[int]) -> bytes:
    from eth_abi import encode

    return encode(["uint256[2]", "uint256[2][2]", "uint256[2]", "uint256[]"], [a, b, c, slots])


def test_deposits_must_be_the_queue_in_order(rollup_template: Path, tmp_path: Path, rpc: str) -> None:
    r = new_rollup(rollup_template, tmp_path / "r", rpc)
    seq = r.client(0)
    alice, bob = queue(r, ALICE, BOB)
    txs = l2_deposits([alice, bob])
    swapped = r.seal_and_prove(txs[::-1], commit=False)
    reverts("Bridge: deposit is not the next queued one", seq.commit_batch, swapped.proof, swapped.public)
    more = r.seal_and_prove([deposit(1, alice.ax, alice.ay, alice.amount + 1), txs[1]], commit=False)
    reverts("Bridge: deposit is not the next queued one", seq.commit_batch, more.proof, more.public)
    assert (seq.last_batch(), seq.deposits_consumed()) == (0, 0)


def test_a_deposit_that_was_never_queued_is_refused(rollup_template: Path, tmp_path: Path, rpc: str) -> None:
    r = new_rollup(rollup_template, tmp_path / "r", rpc)
    record = r.seal_and_prove([dep(1, ALICE, 1)], commit=False)
    reverts("Bridge: no queued deposit left", r.client(0).commit_batch, record.proof, record.public)


def test_overdue_deposits_force_deposit_only_batches(rollup_template: Path, tmp_path: Path, rpc: str) -> None:
    r = new_rollup(rollup_template, tmp_path / "r", rpc, force_delay=3)
    seq = r.client(0)
    record = r.seal_and_prove(l2_deposits(queue(r, ALICE, BOB)))
    seq.commit_batch(record.proof, record.public)
    queued = queue(r, CAROL, ALICE, BOB)  # queue indices 2, 3, 4
    record = r.seal_and_prove([pay(ALICE, 1, 2, 1, 0)])
    seq.commit_batch(record.proof, record.public)  # within FORCE_DELAY: a transfer batch is fine
    mine(seq, 4)
    blocked = r.seal_and_prove([pay(ALICE, 1, 2, 1, 1)], commit=False)
    reverts("Bridge: overdue deposits not included", seq.commit_batch, blocked.proof, blocked.public)
    record = r.seal_and_prove(l2_deposits(queued[:2]))  # deposits only: fine, though one stays overdue
    seq.commit_batch(record.proof, record.public)
    record = r.seal_and_prove([*l2_deposits(queued[2:]), pay(ALICE, 1, 2, 1, 1)])  # drains the queue: fine
    assert seq.commit_batch(record.proof, record.public).batch == 4
    assert (seq.deposits_consumed(), seq.deposit_count(), seq.state_root()) == (5, 5, r.p.state.root())


def test_every_revert_reason_is_tested() -> None:
    from zkvmc.evm.rollup_bridge import render_rollup_bridge

    reasons = set(re.findall(r'"(Bridge: [^"]+)"', render_rollup_bridge(4, 2, "test")))
    tests = "".join(p.read_text() for p in TESTS.glob("test_l1_*.py"))
    untested = sorted(reason for reason in reasons if f'"{reason}"' not in tests)
    assert len(reasons) >= 19 and not untested, untested
