"""Groth16 zk-SNARK over BN254 (Groth 2016, eprint 2016/260): setup, prove, verify.

Takes an R1CS (zkvmc.r1cs.system) and witnesses; gives keys and proofs whose JSON forms
(zkvmc.artifacts.groth16_files) are snarkjs-compatible.
"""

from zkvmc.errors import KeyMismatch, MalformedInput
from zkvmc.errors import Unsatisfied as WitnessUnsatisfied
from zkvmc.groth16.keys import Proof, ProvingKey, VerificationKey
from zkvmc.groth16.prove import prove, public_signals
from zkvmc.groth16.setup import r1cs_digest, setup
from zkvmc.groth16.verify import validate, verify
from zkvmc.groth16.batch import find_invalid, verify_batch

__all__ = ["KeyMismatch", "MalformedInput", "Proof", "ProvingKey", "VerificationKey", "WitnessUnsatisfied",
           "find_invalid", "prove", "public_signals", "r1cs_digest", "setup", "validate", "verify", "verify_batch"]
