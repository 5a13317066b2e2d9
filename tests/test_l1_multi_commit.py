"""RollupBridge.commitBatches on a real L1 (anvil): k consecutive batches committed in one
transaction, their proofs checked by the verifier's verifyBatch (one ecPairing call over k + 3
pairs), deposits consumed across the batches in queue order, withdrawals paid, one event per
batch; and its negatives -- one bad proof among k, a broken chain of roots, a skipped batch, a
wrong batch number (and a replay), k = 0, mismatched array lengths, wrong slots length, a root
not below r -- each reverting with its reason and leaving the bridge as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from l1_support import GWEI, anvil_devnet, gas_used, l2_deposits, new_rollup, requires_anvil, reverts
from rollup_support import ALICE, BOB, out, pay, pub
from zkvmc.errors import InputError
from zkvmc.field import R

pytestmark = requires_anvil

L1_ADDRESS = "0x00000000000000000000000000000000C0FFEE02"
"""A fresh L1 address Bob withdraws to."""


@pytest.fixture(scope="module")
def rpc() -> Iterator[str]:
    yield from anvil_devnet()


def send(client: Any, *args: Any) -> Any:
    """Send commitBatches directly (bypassing the client's own checks)."""
    return client.sender.send(client.contract.functions.commitBatches(*args))


def _args(records: list[Any]) -> list[Any]:
    from zkvmc.l1.bridge import commits_args

    return list(commits_args([(b.proof, b.public) for b in records]))


def test_three_batches_in_one_transaction_and_every_negative(rollup_template: Path, tmp_path: Path,
                                                             rpc: str) -> None:
    from web3.logs import DISCARD

    r = new_rollup(rollup_template, tmp_path / "r", rpc)
    seq, depositor = r.client(0), r.client(1)
    for prv, wei in ((ALICE, 10**18), (BOB, 5 * 10**17)):
        depositor.deposit(*pub(prv), wei)
    d0, d1 = seq.deposits()
    to = int(L1_ADDRESS, 16)
    records = [r.seal_and_prove(l2_deposits([d0])), r.seal_and_prove([*l2_deposits([d1]), pay(ALICE, 1, 2, 7, 0)]),
               r.seal_and_prove([out(BOB, 2, to, 10**8, 0)])]
    good = _args(records)
    first, a, b, c, roots, slots = good
    genesis = seq.state_root()

    tampered = list(good)
    tampered[3] = [c[0], c[0], c[2]]  # batch 2's C replaced by batch 1's: a valid point, a bad proof
    reverts("Bridge: invalid proof", send, seq, *tampered)
    reverts("Bridge: invalid proof", send, seq, first, a, b, c, [roots[0], roots[0] + 1, roots[2]], slots)
    reverts("Bridge: invalid proof", send, seq, first, a, b, c, roots, [slots[0] + 1, *slots[1:]])
    with pytest.raises(InputError, match="does not follow batch 1"):
        _args([records[0], records[2]])
    skipped = [_args([x]) for x in (records[0], records[2])]  # batches 1 and 3, sent as 1 and 2
    reverts("Bridge: invalid proof", send, seq, 1, *[[s[i][0] for s in skipped] for i in range(1, 5)],
            skipped[0][5] + skipped[1][5])
    reverts("Bridge: wrong batch number", send, seq, 2, a, b, c, roots, slots)
    reverts("Bridge: wrong batch number", send, seq, 0, a, b, c, roots, slots)
    reverts("Bridge: no batches", send, seq, 1, [], [], [], [], [])
    reverts("Bridge: proofs and roots differ in number", send, seq, first, a[:2], b, c, roots, slots)
    reverts("Bridge: proofs and roots differ in number", send, seq, first, a, b, c[1:], roots, slots)
    reverts("Bridge: wrong number of slots", send, seq, first, a, b, c, roots, slots[:-1])
    reverts("Bridge: root not in field", send, seq, first, a, b, c, [roots[0], roots[1] + R, roots[2]], slots)
    assert (seq.last_batch(), seq.state_root(), seq.deposits_consumed()) == (0, genesis, 0)

    commits = seq.commit_batches([(x.proof, x.public) for x in records])
    assert [x.batch for x in commits] == [1, 2, 3] and len({x.tx_hash for x in commits}) == 1
    assert [x.new_root for x in commits] == roots == [x.new_root for x in records]
    assert (seq.last_batch(), seq.state_root(), seq.deposits_consumed()) == (3, r.p.state.root(), 2)
    assert seq.balance(L1_ADDRESS) == 10**8 * GWEI
    receipt = seq.w3.eth.get_transaction_receipt(commits[0].tx_hash)
    events = seq.contract.events.BatchCommitted().process_receipt(receipt, errors=DISCARD)
    assert [(e["args"]["oldRoot"], e["args"]["newRoot"]) for e in events] == list(zip([genesis, *roots[:2]], roots))
    assert [seq.find_commit(n) for n in (1, 2, 3)] == commits
    err = reverts("Bridge: wrong batch number", seq.send_commits, [(x.proof, x.public) for x in records])
    assert "the bridge is at batch 3" in str(err)
    print(f"\ncommitBatches of 3 (B = 2): {gas_used(seq, commits[0].tx_hash):,} gas")

    # the single commit still follows on
    record = r.seal_and_prove([pay(ALICE, 1, 2, 1, 1)])
    assert seq.commit_batch(record.proof, record.public).batch == 4 and seq.state_root() == r.p.state.root()


def test_one_batch_through_commit_batches_and_the_deposit_queue_across_batches(rollup_template: Path,
                                                                                tmp_path: Path, rpc: str) -> None:
    """k = 1 works; batch 2 may not consume the deposit batch 1 consumed (the running queue index)."""
    r = new_rollup(rollup_template, tmp_path / "r", rpc)
    seq, depositor = r.client(0), r.client(1)
    depositor.deposit(*pub(ALICE), 10**18)
    [d0] = seq.deposits()
    one = r.seal_and_prove(l2_deposits([d0]))
    again = r.seal_and_prove(l2_deposits([d0]), commit=False)  # the same deposit again, as batch 2
    reverts("Bridge: no queued deposit left", seq.send_commits, [(x.proof, x.public) for x in (one, again)])
    depositor.deposit(*pub(BOB), 10**18)
    reverts("Bridge: deposit is not the next queued one", seq.send_commits,
            [(x.proof, x.public) for x in (one, again)])
    [commit] = seq.commit_batches([(one.proof, one.public)])
    assert (commit.batch, seq.last_batch(), seq.deposits_consumed()) == (1, 1, 1)
