"""Keys from a ceremony in one step, for callers that need keys now (`zkvmc rollup init --ptau`).

Takes an R1CS, its digest and a `.ptau` and gives (ProvingKey, VerificationKey) from phase 2
started on that powers of tau with one contribution (secret from `secrets`), writing that
state (zkey.json) so further contributors can continue it; after the ceremony, `zkvmc ceremony
export` replaces the keys with the final ones. docs/ceremony.md.
"""

from __future__ import annotations

from zkvmc.artifacts.zkey import write_zkey
from zkvmc.ceremony.convert import zkey_to_keys
from zkvmc.ceremony.phase2 import contribute, new_zkey
from zkvmc.ceremony.ptau import read_ptau
from zkvmc.groth16.keys import ProvingKey, VerificationKey
from zkvmc.r1cs.system import R1CS


def ceremony_keys(r1cs: R1CS, circuit_digest: str, ptau_path: str, state_path: str,
                  name: str = "initial contribution") -> tuple[ProvingKey, VerificationKey]:
    """Phase 2 from ptau_path plus one fresh contribution; the state goes to state_path."""
    z = contribute(new_zkey(r1cs, read_ptau(ptau_path)), name)
    write_zkey(state_path, z, circuit_digest)
    return zkey_to_keys(z, circuit_digest)
