"""Deposits on the real bridge (anvil): the bridge assigns account indices (a new key the next
index, a known key its own), queues keccak hashes the batches must match, and refuses zero or
fractional-gwei values, amounts reaching 2^64 gwei (alone or in total), keys that are not
BabyJubJub points or have Ax = 0, and new keys once the tree is full. Also ether amount parsing."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from l1_support import GWEI, anvil_devnet, new_rollup, requires_anvil, reverts
from rollup_support import ALICE, BOB, pub
from zkvmc.crypto.eddsa import prv2pub
from zkvmc.field import R
from zkvmc.l1.units import check_deposit, format_wei, parse_deposit, parse_wei

U64 = 2**64


@pytest.fixture(scope="module")
def rpc() -> Iterator[str]:
    """An anvil whose dev accounts hold 10^11 ether each (2^64 gwei is 1.8·10^10 ether)."""
    from zkvmc.l1.devnet import start_anvil_on_free_port, stop

    proc, url = start_anvil_on_free_port(balance=10**11)
    try:
        yield url
    finally:
        stop(proc)


@pytest.fixture
def client(rollup_template: Path, tmp_path: Path, rpc: str) -> Any:
    """A fresh bridge (depth 4) and a client depositing from anvil's dev key 1."""
    return new_rollup(rollup_template, tmp_path / "r", rpc).client(1)


@requires_anvil
def test_new_keys_get_the_next_index_and_known_keys_their_own(client: Any) -> None:
    from eth_abi import encode
    from web3 import Web3

    (ax, ay), (bx, by) = pub(ALICE), pub(BOB)
    tx, first = client.deposit(ax, ay, 3 * GWEI)
    _, second = client.deposit(bx, by, 10**18)
    _, third = client.deposit(ax, ay, 2 * GWEI)
    assert [(d.queue_index, d.account, d.amount) for d in (first, second, third)] == [(0, 1, 3), (1, 2, 10**9),
                                                                                      (2, 1, 2)]
    assert first.tx_hash == tx and (first.ax, first.ay) == (ax, ay) and first.block < second.block < third.block
    assert client.deposits() == [first, second, third] and client.deposits(2) == [third] and client.deposits(3) == []
    assert (client.deposit_count(), client.deposits_consumed()) == (3, 0)
    f = client.contract.functions
    assert (f.nextIndex().call(), f.totalDeposited().call()) == (3, 3 + 10**9 + 2)
    assert f.indexOf(Web3.keccak(encode(["uint256", "uint256"], [bx, by]))).call() == 2
    queued = Web3.keccak(encode(["uint256"] * 4, [1, ax, ay, 2]))
    assert (f.depositHash(2).call(), f.depositBlock(2).call()) == (queued, third.block)
    assert client.balance(client.info.bridge) == 10**18 + 5 * GWEI


@requires_anvil
def test_values_must_be_whole_nonzero_gwei_below_2_64_in_total(client: Any) -> None:
    ax, ay = pub(ALICE)
    reverts("Bridge: zero deposit", client.deposit, ax, ay, 0)
    reverts("Bridge: value not a whole number of gwei", client.deposit, ax, ay, 1)
    reverts("Bridge: value not a whole number of gwei", client.deposit, ax, ay, GWEI + 1)
    reverts("Bridge: amount not below 2^64 gwei", client.deposit, ax, ay, U64 * GWEI)
    _, d = client.deposit(ax, ay, (U64 - 2) * GWEI)
    assert d.amount == U64 - 2
    _, d = client.deposit(ax, ay, GWEI)  # the total is now 2^64 - 1: no L2 balance can overflow
    reverts("Bridge: total deposits would reach 2^64 gwei", client.deposit, ax, ay, GWEI)
    assert client.deposit_count() == 2


@requires_anvil
def test_keys_must_be_babyjubjub_points_with_nonzero_ax(client: Any) -> None:
    ax, ay = pub(ALICE)
    reverts("Bridge: key not in field", client.deposit, ax + R, ay, GWEI)
    reverts("Bridge: key not in field", client.deposit, ax, ay + R, GWEI)
    reverts("Bridge: key Ax is 0", client.deposit, 0, 1, GWEI)  # (0, 1) is the curve's identity
    reverts("Bridge: key not on BabyJubJub", client.deposit, ax, ay + 1, GWEI)
    reverts("Bridge: key not on BabyJubJub", client.deposit, 1, 1, GWEI)
    _, d = client.deposit(R - ax, ay, GWEI)  # -P is a point too: another key, another account
    assert d.account == 1 and client.deposit_count() == 1


@requires_anvil
def test_new_keys_are_refused_once_the_tree_is_full(client: Any) -> None:
    keys = [prv2pub(bytes([i]) * 32) for i in range(1, 17)]
    for i, (ax, ay) in enumerate(keys[:15]):  # indices 1 .. 15 of a depth-4 tree (index 0 is never given)
        assert client.deposit(ax, ay, GWEI)[1].account == i + 1
    reverts("Bridge: account tree full", client.deposit, *keys[15], GWEI)
    assert client.deposit(*keys[4], GWEI)[1].account == 5  # a known key still deposits


@pytest.mark.parametrize("text, wei", [("1ether", 10**18), ("0.5ether", 5 * 10**17), ("0.5 ETH", 5 * 10**17),
                                       ("250gwei", 250 * GWEI), ("1000", 1000), ("7wei", 7), (".25ether", 25 * 10**16)])
def test_amounts_with_units(text: str, wei: int) -> None:
    assert parse_wei(text) == wei


@pytest.mark.parametrize("text", ["", "ether", "1.5wei", "1e18", "-1ether", "1 dollar", "0x10", "1.2.3ether"])
def test_malformed_amounts(text: str) -> None:
    with pytest.raises(ValueError):
        parse_wei(text)


def test_deposit_amounts_and_formatting() -> None:
    assert parse_deposit("1.000000001ether") == 10**18 + GWEI
    for wei in (0, 1, GWEI + 1, U64 * GWEI):
        with pytest.raises(ValueError):
            check_deposit(wei)
    assert (format_wei(15 * 10**17), format_wei(10**18), format_wei(GWEI)) == ("1.5 ether", "1 ether",
                                                                                "0.000000001 ether")
