"""Trusted setup without a trusted party: powers-of-tau import and a snarkjs-compatible phase 2.

Takes snarkjs `.ptau` files (zkvmc.ceremony.ptau) and an R1CS, and gives phase-2 keys
(zkvmc.artifacts.zkey.Zkey) that contributors re-randomise one after another
(zkvmc.ceremony.phase2), that anyone can check against the circuit and the ptau
(zkvmc.ceremony.verify), and that convert to zkvmc's Groth16 keys (zkvmc.ceremony.convert).
Protocol: Bowe-Gabizon-Miers, "Scalable Multi-party Computation for zk-SNARK Parameters in the
Random Beacon Model" (eprint 2017/1050), as snarkjs 0.7 implements it, bit for bit.
docs/ceremony.md.
"""
