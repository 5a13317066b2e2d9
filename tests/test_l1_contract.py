"""The RollupBridge contract and its deployment: the shipped ABI is the compiled one, the genesis
root is the empty tree's, deploy() puts a bridge for the rollup's configuration on anvil, the
devnet's keys are anvil's accounts, l1.json round-trips and names the bad field, and what is
missing or wrong (solcjs, anvil, a used port, a rollup with batches, a mismatched key) is said."""

from __future__ import annotations

import json
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

import pytest

from l1_support import anvil_devnet, new_rollup, requires_anvil, reverts
from rollup_support import fresh
from zkvmc.errors import ArtifactError, InputError
from zkvmc.evm.rollup_bridge import empty_root, n_public, render_rollup_bridge
from zkvmc.l1.config import L1Info, info_to_json, read_info, write_info
from zkvmc.rollup.tree import default_hashes

INFO = L1Info("http://127.0.0.1:8545", 31337, "0x" + "ab" * 20, "0x" + "cd" * 20, 2, "d" * 64, ("0x" + "11" * 32,))


@pytest.fixture(scope="module")
def rpc() -> Iterator[str]:
    yield from anvil_devnet()


@requires_anvil
@pytest.mark.parametrize("depth, batch", [(4, 2), (16, 4)])
def test_the_shipped_abi_is_the_compiled_one(depth: int, batch: int) -> None:
    from zkvmc.l1.abi import BRIDGE_ABI
    from zkvmc.l1.solc import compile_sources

    compiled = compile_sources({"RollupBridge.sol": render_rollup_bridge(depth, batch, "test")})["RollupBridge"]
    assert compiled.abi == BRIDGE_ABI, "regenerate zkvmc/l1/abi.py from the compiled contract"


@pytest.mark.parametrize("depth", [1, 2, 4, 16])
def test_the_genesis_root_is_the_empty_trees(depth: int) -> None:
    assert empty_root(depth) == default_hashes(depth)[depth]
    assert f"EMPTY_ROOT = {empty_root(depth)};" in render_rollup_bridge(depth, 3, "test")
    assert "uint256[12] calldata input" in render_rollup_bridge(depth, 3, "test") and n_public(3) == 12


@pytest.mark.parametrize("depth, batch", [(0, 2), (33, 2), (4, 0)])
def test_impossible_configurations_are_refused(depth: int, batch: int) -> None:
    with pytest.raises(ValueError):
        render_rollup_bridge(depth, batch, "test")


@requires_anvil
def test_deploy_puts_the_rollups_bridge_on_chain(rollup_template: Path, tmp_path: Path, rpc: str) -> None:
    from zkvmc.l1.devnet import DEV_KEYS

    r = new_rollup(rollup_template, tmp_path / "r", rpc, force_delay=99)
    info, client = r.info, r.client(0)
    f = client.contract.functions
    assert (f.DEPTH().call(), f.BATCH().call(), f.FORCE_DELAY().call()) == (4, 2, 99)
    assert client.state_root() == f.EMPTY_ROOT().call() == default_hashes(4)[4]
    assert (client.last_batch(), client.deposit_count(), f.nextIndex().call()) == (0, 0, 1)
    assert f.verifier().call() == info.verifier and client.w3.eth.get_code(info.verifier)
    assert info.chain_id == 31337 and info.rollup_digest == r.p.config.circuit_digest
    assert client.w3.eth.get_transaction_receipt(_deploy_tx(client))["contractAddress"] == info.bridge
    assert info.dev_keys == DEV_KEYS and client.address == client.w3.eth.accounts[0]
    write_info(tmp_path / "l1.json", info)
    assert read_info(tmp_path / "l1.json") == info


def _deploy_tx(client: Any) -> str:
    """The contract creation in the bridge's deploy_block."""
    block = client.w3.eth.get_block(client.info.deploy_block, full_transactions=True)
    [tx] = [t for t in block["transactions"] if t["to"] is None]
    return tx["hash"]


@requires_anvil
def test_the_devnet_keys_are_anvils_funded_accounts(rpc: str) -> None:
    from eth_account import Account

    from zkvmc.l1.chain import connect
    from zkvmc.l1.devnet import DEV_KEYS

    w3 = connect(rpc, 31337)
    assert w3.eth.accounts == [Account.from_key(k).address for k in DEV_KEYS]
    assert all(w3.eth.get_balance(a) > 0 for a in w3.eth.accounts)


@requires_anvil
def test_the_bridge_needs_a_verifier_contract(rollup_template: Path, rpc: str) -> None:
    from zkvmc.l1.chain import Sender, connect, load_key
    from zkvmc.l1.deploy import compile_rollup
    from zkvmc.l1.devnet import DEV_KEYS

    _, _, bridge = compile_rollup(rollup_template)
    w3 = connect(rpc)
    sender = Sender(w3, load_key(DEV_KEYS[3]))
    factory = w3.eth.contract(abi=bridge.abi, bytecode=bridge.bytecode)
    reverts("Bridge: verifier is not a contract", sender.send, factory.constructor(sender.account.address, 10))


@requires_anvil
def test_deploy_refuses_a_rollup_with_batches_and_a_foreign_key(funded_template: Path, rollup_template: Path,
                                                                tmp_path: Path, rpc: str) -> None:
    from zkvmc.l1.deploy import deploy
    from zkvmc.l1.devnet import DEV_KEYS

    with pytest.raises(InputError, match="has 1 batch"):
        deploy(funded_template, rpc, DEV_KEYS[0])
    folder = fresh(rollup_template, tmp_path / "r")
    vk = json.loads((folder / "verification_key.json").read_text())
    vk["nPublic"] -= 3
    vk["IC"] = vk["IC"][:-3]
    (folder / "verification_key.json").write_text(json.dumps(vk))
    with pytest.raises(ArtifactError, match="nPublic"):
        deploy(folder, rpc, DEV_KEYS[0])
    with pytest.raises(InputError, match="--key"):
        deploy(rollup_template, rpc, "0x1234")


@pytest.mark.parametrize("field, value", [
    ("format", "zkvmc-rollup"), ("version", 2), ("rpc", "ws://x"), ("rpc", 5), ("chain_id", -1),
    ("chain_id", "1"), ("bridge", "0x1234"), ("verifier", None), ("deploy_block", True),
    ("rollup_digest", 3), ("dev_keys", "0x12"), ("dev_keys", ["0x12"])])
def test_bad_l1_json_names_the_field(tmp_path: Path, field: str, value: Any) -> None:
    obj = info_to_json(INFO)
    obj[field] = value
    (tmp_path / "l1.json").write_text(json.dumps(obj))
    with pytest.raises(ArtifactError) as e:
        read_info(tmp_path / "l1.json")
    assert e.value.field.startswith(field)


def test_l1_json_round_trips_and_dev_keys_are_optional(tmp_path: Path) -> None:
    write_info(tmp_path / "l1.json", INFO)
    assert read_info(tmp_path / "l1.json") == INFO
    obj = info_to_json(replace(INFO, dev_keys=()))
    del obj["dev_keys"]
    (tmp_path / "l1.json").write_text(json.dumps(obj))
    assert read_info(tmp_path / "l1.json").dev_keys == ()
    with pytest.raises(ArtifactError, match="no such file"):
        read_info(tmp_path / "missing.json")


def test_missing_tools_are_input_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zkvmc.l1 import devnet, solc

    monkeypatch.setattr(solc, "REPO", tmp_path)
    monkeypatch.setattr(devnet, "REPO", tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InputError, match="solcjs not found"):
        solc.find_solcjs()
    with pytest.raises(InputError, match="anvil not found"):
        devnet.find_anvil()


@requires_anvil
def test_anvil_on_a_used_port_is_an_input_error() -> None:
    from zkvmc.l1.devnet import LOCALHOST, start_anvil

    with socket.socket() as s:
        s.bind((LOCALHOST, 0))
        s.listen()
        with pytest.raises(InputError, match="anvil did not start"):
            start_anvil(s.getsockname()[1], timeout=10)


def test_solc_errors_are_input_errors() -> None:
    from zkvmc.l1.solc import compile_sources, find_solcjs

    try:
        find_solcjs()
    except InputError:
        pytest.skip("solcjs missing")
    with pytest.raises(InputError, match="solc refused"):
        compile_sources({"Bad.sol": "pragma solidity ^0.8.0; contract Bad { function f( }"})
