"""The generated rollup Bridge in a real EVM (solcjs 0.8.28 -> pyrevm), with proofs of
programs/state_update.asm: the state root moves only on a valid proof of exactly (oldRoot ->
newRoot); a replay, a stale old root, a proof for other roots and roots >= r are refused with
their revert reasons; StateUpdated is emitted. Skipped only where node, solc or pyrevm is missing.
Gas of commitStateUpdate is printed (`pytest -s`) and recorded (docs/l1.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import pytest

from evm_support import (SKIP_REASON, Call, Chain, Compiled, Transition, compile_solidity, keccak256, ok,
                         prove_more, proved, selector, transition_of, word)
from zkvmc.artifacts.groth16_files import read_proof, read_public
from zkvmc.evm import VerifierArgs, abi_encode, verifier_args
from zkvmc.field import R

pytestmark = [pytest.mark.node, pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")]

COMMIT = "commitStateUpdate(bytes32,bytes32,uint256[2],uint256[2][2],uint256[2])"
EVENT = "StateUpdated(bytes32,bytes32,address,uint256)"


@dataclass(frozen=True)
class Update:
    """A proved transition: its roots and verifyProof arguments."""

    old: int
    """oldRoot (public input 0)."""
    new: int
    """newRoot (output 0)."""
    args: VerifierArgs
    """The proof; args.inputs == (new, old)."""


@dataclass(frozen=True)
class Setup:
    """The compiled bridge and three proofs with one key: A -> B, B -> C, and A -> B' (a fork)."""

    bridge: Compiled
    """Bridge's creation code and ABI."""
    first: Update
    """A -> B: programs/state_update.input.json."""
    second: Update
    """B -> C: the same account again."""
    fork: Update
    """A -> B': another amount from the same state."""


def _update(t: Transition, proof: Path, public: Path) -> Update:
    args = verifier_args(read_proof(str(proof)), read_public(str(public)))
    assert args.inputs == (t.new_root, t.old_root), "public signals are [newRoot, oldRoot]"
    return Update(t.old_root, t.new_root, args)


@pytest.fixture(scope="module")
def setup() -> Setup:
    d = proved("state_update")
    ok(d, "export-bridge", "-o", "Bridge.sol")
    contracts = compile_solidity((d / "Bridge.sol").read_text(), "Bridge.sol")
    assert set(contracts) == {"Groth16Verifier", "Bridge"}
    assert not contracts["Bridge"].warnings, contracts["Bridge"].warnings
    t = transition_of(json.loads((Path(__file__).parent.parent / "programs" / "state_update.input.json").read_text()))
    first = _update(t, d / "proof.json", d / "public.json")
    second = _update(t.then(100), *prove_more(d, t.then(100).inputs(), "second"))
    fork = _update(replace(t, amount=1), *prove_more(d, replace(t, amount=1).inputs(), "fork"))
    return Setup(contracts["Bridge"], first, second, fork)


class Bridge:
    """One freshly deployed Bridge and the calls the tests make on it."""

    def __init__(self, s: Setup, initial_root: int) -> None:
        self.chain = Chain()
        self.address = self.chain.deploy(s.bridge.bytecode, initial_root)

    def commit(self, old: int, new: int, args: VerifierArgs) -> Call:
        proof_words = abi_encode(replace(args, inputs=()))
        return self.chain.call(self.address, selector(COMMIT) + word(old) + word(new) + proof_words)

    def view(self, signature: str, *words: int) -> int:
        res = self.chain.call(self.address, selector(signature) + b"".join(word(w) for w in words))
        assert res.success
        return int.from_bytes(res.output, "big")

    @property
    def root(self) -> int:
        return self.view("stateRoot()")


def _revert(res: Call) -> str | None:
    assert not res.success, "expected a revert"
    return res.revert_reason


def test_valid_update_moves_the_root_and_emits_the_event(setup: Setup, record_property: Callable) -> None:
    u = setup.first
    b = Bridge(setup, u.old)
    assert b.root == u.old and b.view("updateCount()") == 0
    res = b.commit(u.old, u.new, u.args)
    assert res.success, res.revert_reason
    assert b.root == u.new and b.view("updateCount()") == 1
    assert b.view("usedUpdates(bytes32)", int.from_bytes(keccak256(word(u.old) + word(u.new)), "big")) == 1
    (topics, data), = res.logs
    assert topics == (keccak256(EVENT.encode()), word(u.old), word(u.new), word(int(Chain.SENDER, 16)))
    assert data == word(1)
    record_property("gas_commitStateUpdate", res.gas_used)
    print(f"\n[gas] commitStateUpdate: {res.gas_used} per transaction (first update: cold storage)")


def test_a_chain_of_updates(setup: Setup) -> None:
    b = Bridge(setup, setup.first.old)
    assert b.commit(setup.first.old, setup.first.new, setup.first.args).success
    res = b.commit(setup.second.old, setup.second.new, setup.second.args)
    assert res.success, res.revert_reason
    assert b.root == setup.second.new and b.view("updateCount()") == 2
    assert res.logs[0][1] == word(2)


def test_invalid_proofs_leave_the_root(setup: Setup) -> None:
    u, fork = setup.first, setup.fork
    b = Bridge(setup, u.old)
    cases = {
        "C replaced": (u.old, u.new, replace(u.args, c=u.args.a)),
        "valid proof of A -> B' claimed as A -> B": (u.old, u.new, fork.args),
        "valid proof of A -> B claimed as A -> B'": (u.old, fork.new, u.args),
        "B in the wrong Fq2 order": (u.old, u.new, replace(u.args, b=tuple(p[::-1] for p in u.args.b))),
    }
    for name, (old, new, args) in cases.items():
        assert _revert(b.commit(old, new, args)) == "Bridge: invalid proof", name
        assert b.root == u.old, name
    assert b.view("updateCount()") == 0


def test_replay_is_refused(setup: Setup) -> None:
    u = setup.first
    b = Bridge(setup, u.old)
    assert b.commit(u.old, u.new, u.args).success
    assert _revert(b.commit(u.old, u.new, u.args)) == "Bridge: replayed update"
    assert b.root == u.new and b.view("updateCount()") == 1


def test_stale_old_root_is_refused(setup: Setup) -> None:
    b = Bridge(setup, setup.first.old)
    # B -> C is a valid proof, but the bridge is still at A
    assert _revert(b.commit(setup.second.old, setup.second.new, setup.second.args)) == "Bridge: stale old root"
    assert b.commit(setup.first.old, setup.first.new, setup.first.args).success
    # A -> B' is a valid proof, but the bridge has moved on to B
    assert _revert(b.commit(setup.fork.old, setup.fork.new, setup.fork.args)) == "Bridge: stale old root"
    assert b.root == setup.first.new


def test_roots_must_be_field_elements(setup: Setup) -> None:
    u = setup.first
    b = Bridge(setup, u.old)
    # old + r and new + r name the same field elements: the proof would verify if reduced
    assert _revert(b.commit(u.old + R, u.new, u.args)) == "Bridge: root not in field"
    assert _revert(b.commit(u.old, u.new + R, u.args)) == "Bridge: root not in field"
    assert b.root == u.old
    with pytest.raises(RuntimeError, match="Revert"):
        Bridge(setup, R)
    assert Bridge(setup, R - 1).root == R - 1


def test_bridge_also_exposes_verify_proof(setup: Setup) -> None:
    u = setup.first
    b = Bridge(setup, u.old)
    sig = "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[2])"
    assert b.chain.call(b.address, selector(sig) + abi_encode(u.args)).as_bool is True
    swapped = replace(u.args, inputs=u.args.inputs[::-1])
    assert b.chain.call(b.address, selector(sig) + abi_encode(swapped)).as_bool is False
