"""Hash functions of the zkVM: Poseidon over BN254 F_r, circomlib-compatible (see hash.poseidon)."""

from zkvmc.hash.poseidon import poseidon2, permute

__all__ = ["poseidon2", "permute"]
