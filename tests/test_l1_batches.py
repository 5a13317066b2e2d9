"""The rollup end to end on a real L1 (anvil): deposits queued on the bridge and mirrored as L2
deposits, batches proven by zkvmc.rollup.batch and committed with BridgeClient, the L1 root
following the local one, withdrawals paid to L1 addresses, a reverting receiver's withdrawal kept
claimable, commitStateUpdate, find_commit, and the gas docs/l1.md records (`pytest -s` prints it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from l1_support import GWEI, Rollup, anvil_devnet, gas_used, l2_deposits, new_rollup, requires_anvil, reverts
from rollup_support import ALICE, BOB, out, pay, pub

pytestmark = requires_anvil

RECEIVER = """
pragma solidity ^0.8.0;
interface IBridge { function claimWithdrawal() external; }
/// A withdrawal receiver that refuses ETH unless it is claiming.
contract Receiver {
    bool public open;
    receive() external payable { require(open, "Receiver: closed"); }
    function claim(address bridge) external { open = true; IBridge(bridge).claimWithdrawal(); open = false; }
    function claimClosed(address bridge) external { IBridge(bridge).claimWithdrawal(); }
}
"""

L1_ADDRESS = "0x00000000000000000000000000000000C0FFEE01"
"""A fresh L1 address (no code, no balance) that Bob withdraws to."""


@pytest.fixture(scope="module")
def rpc() -> Iterator[str]:
    yield from anvil_devnet()


def deploy_receiver(client: Any) -> str:
    """The Receiver contract, deployed from the client's key."""
    from zkvmc.l1.chain import wait_receipt
    from zkvmc.l1.solc import compile_sources

    c = compile_sources({"Receiver.sol": RECEIVER})["Receiver"]
    factory = client.w3.eth.contract(abi=c.abi, bytecode=c.bytecode)
    return str(wait_receipt(client.w3, client.sender.send(factory.constructor()))["contractAddress"])


def state_update_args(record: Any) -> tuple[bytes, bytes, bytes]:
    """commitStateUpdate's (oldStateRoot, newStateRoot, zkProof) for a batch record."""
    from eth_abi import encode

    from zkvmc.l1.bridge import commit_args

    a, b, c, new_root, slots = commit_args(record.proof, record.public)
    proof = encode(["uint256[2]", "uint256[2][2]", "uint256[2]", "uint256[]"], [a, b, c, slots])
    return record.old_root.to_bytes(32, "big"), new_root.to_bytes(32, "big"), proof


def commit_batch_1(r: Rollup) -> tuple[Any, dict[str, int]]:
    """Alice deposits 1 ether, Bob 0.5 ether (and Alice 1 gwei more: an existing key), batch 1
    consumes the first two; the sequencer's client and the gas of each step."""
    depositor, seq = r.client(1), r.client(0)
    (ax, ay), (bx, by) = pub(ALICE), pub(BOB)
    tx_new, d_alice = depositor.deposit(ax, ay, 10**18)
    tx_bob, d_bob = depositor.deposit(bx, by, 5 * 10**17)
    tx_again, d_again = depositor.deposit(ax, ay, GWEI)
    assert (d_alice.account, d_bob.account, d_again.account) == (1, 2, 1)
    assert (d_alice.queue_index, d_bob.queue_index, d_again.queue_index) == (0, 1, 2)
    assert (d_alice.amount, d_bob.amount, d_again.amount) == (10**9, 5 * 10**8, 1)
    record = r.seal_and_prove(l2_deposits(seq.deposits()[:2]))
    commit = seq.commit_batch(record.proof, record.public)
    assert (commit.batch, commit.new_root) == (1, record.new_root)
    gas = {"deposit (the bridge's first)": gas_used(seq, tx_new), "deposit (new key)": gas_used(seq, tx_bob),
           "deposit (known key)": gas_used(seq, tx_again),
           "commitBatch 1 (2 deposits)": gas_used(seq, commit.tx_hash)}
    return seq, gas


def test_batches_move_the_l1_root_pay_withdrawals_and_keep_failed_ones_claimable(
        rollup_template: Path, tmp_path: Path, rpc: str) -> None:
    from web3 import Web3
    from web3.logs import DISCARD

    from zkvmc.l1.chain import wait_receipt
    from zkvmc.errors import L1Error

    r = new_rollup(rollup_template, tmp_path / "r", rpc)
    seq, gas = commit_batch_1(r)
    assert seq.state_root() == r.p.state.root() and seq.last_batch() == 1
    assert (seq.deposit_count(), seq.deposits_consumed()) == (3, 2)
    assert [d.queue_index for d in seq.deposits(2)] == [2]

    # batch 2: a transfer and Bob's withdrawal of 0.2 ether to a fresh L1 address
    to = int(L1_ADDRESS, 16)
    record = r.seal_and_prove([pay(ALICE, 1, 2, 1000, 0), out(BOB, 2, to, 2 * 10**8, 0)])
    call = seq.contract.functions.commitBatch(*_args(record))
    needed = call.estimate_gas({"from": seq.address})
    with pytest.raises(L1Error) as low:  # too little gas to guarantee the receiver its WITHDRAW_GAS
        seq.wait_commit(seq.sender.send(call, gas=needed - 1))
    assert low.value.reason == "Bridge: gas too low to pay a withdrawal", low.value
    commit = seq.commit_batch(record.proof, record.public)
    assert seq.balance(L1_ADDRESS) == 2 * 10**8 * GWEI
    assert seq.state_root() == r.p.state.root() and commit.batch == 2
    receipt = seq.w3.eth.get_transaction_receipt(commit.tx_hash)
    [paid] = seq.contract.events.Withdrawal().process_receipt(receipt, errors=DISCARD)
    assert (paid["args"]["to"], paid["args"]["amountGwei"], paid["args"]["paid"]) == (
        Web3.to_checksum_address(L1_ADDRESS), 2 * 10**8, True)
    gas["commitBatch 2 (transfer + withdrawal)"] = gas_used(seq, commit.tx_hash)

    # batch 3, through commitStateUpdate: Alice withdraws to a contract that refuses ETH
    claimer = r.client(2)
    receiver = deploy_receiver(claimer)
    record = r.seal_and_prove([out(ALICE, 1, int(receiver, 16), 3 * 10**8, 1)])
    args = state_update_args(record)
    assert seq.contract.functions.commitStateUpdate(*args).call({"from": seq.address}) is True
    tx = seq.sender.send(seq.contract.functions.commitStateUpdate(*args))
    receipt = wait_receipt(seq.w3, tx)
    [failed] = seq.contract.events.Withdrawal().process_receipt(receipt, errors=DISCARD)
    assert failed["args"]["paid"] is False
    gas["commitStateUpdate 3 (withdrawal to a reverting receiver, noop)"] = int(receipt["gasUsed"])
    assert seq.pending_withdrawal(receiver) == 3 * 10**8 * GWEI and seq.balance(receiver) == 0
    assert seq.state_root() == r.p.state.root() and seq.last_batch() == 3

    contract = claimer.w3.eth.contract(address=receiver, abi=_receiver_abi())
    reverts("Bridge: claim payment failed", claimer.sender.send, contract.functions.claimClosed(seq.info.bridge))
    wait_receipt(claimer.w3, claimer.sender.send(contract.functions.claim(seq.info.bridge)))
    assert seq.pending_withdrawal(receiver) == 0 and seq.balance(receiver) == 3 * 10**8 * GWEI
    reverts("Bridge: nothing to claim", claimer.claim_withdrawal)

    # a restarted node finds its commits from the events
    assert [seq.find_commit(n).new_root for n in (1, 2, 3)] == [b.new_root for b in r.p.batches()]
    assert seq.find_commit(4) is None
    _report(gas, r.p.config.batch)


def _args(record: Any) -> tuple[Any, ...]:
    from zkvmc.l1.bridge import commit_args

    return commit_args(record.proof, record.public)


def _receiver_abi() -> list[dict[str, Any]]:
    from zkvmc.l1.solc import compile_sources

    return compile_sources({"Receiver.sol": RECEIVER})["Receiver"].abi


def _report(gas: dict[str, int], batch: int) -> None:
    """Print the gas table (docs/l1.md, "The rollup bridge")."""
    print(f"\nL1 gas, depth 4, batch {batch} (anvil, solc 0.8.28 --optimize 200, shanghai):")
    for name, value in gas.items():
        per = f"  ({value // batch:,} per slot)" if name.startswith("commit") else ""
        print(f"  {name:<60} {value:>9,}{per}")


def test_claim_withdrawal_helper_and_commit_lookup_on_a_fresh_bridge(rollup_template: Path, tmp_path: Path,
                                                                     rpc: str) -> None:
    r = new_rollup(rollup_template, tmp_path / "r", rpc)
    seq = r.client(0)
    assert seq.find_commit(1) is None and seq.deposits() == [] and seq.pending_withdrawal(seq.address) == 0
    reverts("Bridge: nothing to claim", seq.claim_withdrawal)


def test_a_commit_can_be_sent_while_the_previous_one_is_pending(rollup_template: Path, tmp_path: Path) -> None:
    """With blocks every second, batch 2's commit is pre-flighted on the pending state (batch 1's
    commit not mined yet) and both land in order: the node keeps several batches in flight."""
    from zkvmc.l1.devnet import start_anvil_on_free_port, stop

    proc, url = start_anvil_on_free_port(block_time=1)
    try:
        r = new_rollup(rollup_template, tmp_path / "r", url)
        seq, depositor = r.client(0), r.client(1)
        for prv in (ALICE, BOB):
            depositor.deposit(*pub(prv), 10**18)
        first = r.seal_and_prove(l2_deposits(seq.deposits()))
        second = r.seal_and_prove([pay(ALICE, 1, 2, 5, 0)])
        hashes = [seq.send_commit(b.proof, b.public) for b in (first, second)]
        commits = [seq.wait_commit(h) for h in hashes]
        assert [c.batch for c in commits] == [1, 2] and commits[0].block <= commits[1].block
        assert seq.state_root() == r.p.state.root() == commits[1].new_root
    finally:
        stop(proc)
