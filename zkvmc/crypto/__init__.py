"""User-key cryptography for the rollup: BabyJubJub, EdDSA-Poseidon, BLAKE-512 (pure maths, no I/O)."""
