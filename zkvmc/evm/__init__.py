"""The L1 side: Solidity contracts and calldata for zkvmc's Groth16 proofs on an EVM chain.

Takes verification keys, proofs and public signals (zkvmc.groth16, read by
zkvmc.artifacts.groth16_files) and gives Solidity sources -- a `Groth16Verifier` (EIP-196/197
precompiles), a state-update `Bridge` and the zk-rollup's `RollupBridge` -- and the verifier's
calldata, in snarkjs's formats. docs/l1.md.
"""

from zkvmc.evm.bridge import BRIDGE_SIGNALS, render_bridge
from zkvmc.evm.rollup_bridge import render_rollup_bridge
from zkvmc.evm.encoding import VerifierArgs, abi_encode, soliditycalldata, verifier_args, words
from zkvmc.errors import UnsupportedKey
from zkvmc.evm.verifier import render_verifier

__all__ = ["BRIDGE_SIGNALS", "UnsupportedKey", "VerifierArgs", "abi_encode", "render_bridge",
           "render_rollup_bridge", "render_verifier",
           "soliditycalldata", "verifier_args", "words"]
