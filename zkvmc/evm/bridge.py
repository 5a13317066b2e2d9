"""Solidity rollup bridge generation: a verification key in, `Groth16Verifier` + `Bridge` source out.

Takes the verification key of a state-transition program whose public signals are
[newRoot, oldRoot] -- its one output, then its one public input, as programs/state_update.asm --
and gives a Solidity ^0.8 file with the verifier (zkvmc.evm.verifier) and a `Bridge` contract
that keeps the rollup's state root on L1 and moves it only on a valid proof. The bridge builds the
public signals from its own (oldRoot, newRoot) arguments, so a caller cannot pass other signals.
docs/l1.md describes the contract, its checks and their order.
"""

from __future__ import annotations

from string import Template
from zkvmc.evm.verifier import header, verifier_contract
from zkvmc.errors import UnsupportedKey
from zkvmc.groth16.keys import VerificationKey

BRIDGE_SIGNALS = ("newRoot", "oldRoot")
"""The public signals the bridge binds, in public.json's order (outputs, then public inputs)."""

BRIDGE = Template("""
/// @title Rollup bridge: an L1 state root that moves only with a valid zkvmc proof
/// @notice Holds the rollup's state root. Anyone may submit an update oldRoot -> newRoot with a
///         Groth16 proof of the state-transition program (programs/state_update.asm).
/// @dev The proof's public signals are exactly [newRoot, oldRoot]: the program's output 0 and
///      its public input 0. The bridge builds them from its own arguments, so a proof of any
///      other statement cannot move the root. Checks, in order: both roots below r, the update
///      not accepted before, oldRoot equal to the current root, then the proof.
contract Bridge is Groth16Verifier {
    /// @notice The rollup's current state root.
    bytes32 public stateRoot;
    /// @notice Number of updates accepted so far.
    uint256 public updateCount;
    /// @notice Updates already accepted, keyed by keccak256(abi.encode(oldRoot, newRoot)). Keyed by
    ///         the roots, not the proof: Groth16 proofs can be re-randomised, roots cannot.
    mapping(bytes32 => bool) public usedUpdates;

    /// @notice Emitted when the state root moves from oldRoot to newRoot.
    /// @param oldRoot The root before the update.
    /// @param newRoot The root after the update (the new stateRoot).
    /// @param submitter Who submitted the update.
    /// @param updateIndex The update's 1-based number (updateCount after it).
    event StateUpdated(bytes32 indexed oldRoot, bytes32 indexed newRoot, address indexed submitter, uint256 updateIndex);

    /// @param initialRoot The genesis state root (must be below r: it is a field element).
    constructor(bytes32 initialRoot) {
        require(uint256(initialRoot) < R, "Bridge: root not in field");
        stateRoot = initialRoot;
    }

    /// @notice Move the state root from oldRoot to newRoot, given a proof of the transition.
    /// @param oldRoot Must equal the current stateRoot.
    /// @param newRoot The root after the update.
    /// @param a Proof point A = [x, y].
    /// @param b Proof point B = [[x_c1, x_c0], [y_c1, y_c0]] (imaginary parts first).
    /// @param c Proof point C = [x, y].
    function commitStateUpdate(
        bytes32 oldRoot,
        bytes32 newRoot,
        uint256[2] calldata a,
        uint256[2][2] calldata b,
        uint256[2] calldata c
    ) external {
        require(uint256(oldRoot) < R && uint256(newRoot) < R, "Bridge: root not in field");
        bytes32 updateId = keccak256(abi.encode(oldRoot, newRoot));
        require(!usedUpdates[updateId], "Bridge: replayed update");
        require(oldRoot == stateRoot, "Bridge: stale old root");
        uint256[2] memory signals = [uint256(newRoot), uint256(oldRoot)]; // public.json's order
        require(_verifyProof(a, b, c, signals), "Bridge: invalid proof");
        usedUpdates[updateId] = true;
        stateRoot = newRoot;
        updateCount += 1;
        emit StateUpdated(oldRoot, newRoot, msg.sender, updateCount);
    }
}
""")


def check_bridge_key(vk: VerificationKey) -> None:
    """Refuse a key whose public signals are not the two the bridge binds."""
    if vk.n_public != len(BRIDGE_SIGNALS):
        raise UnsupportedKey("nPublic", f"the bridge binds exactly 2 public signals, [newRoot, oldRoot] (one "
                             f"output, then one public input, as programs/state_update.asm); the key has {vk.n_public}")


def render_bridge(vk: VerificationKey, version: str) -> str:
    """The complete Bridge.sol source (verifier + bridge) for this key."""
    check_bridge_key(vk)
    return header(vk, version, "zkvmc export-bridge") + verifier_contract(vk) + BRIDGE.substitute()
