"""A rollup's folder: its configuration, the compiled state-transition circuit, keys and state.

`init_rollup` takes a configuration (tree depth, batch size, chain id) and gives a folder that
`zkvmc rollup` and the node work in (docs/rollup.md, "A rollup's folder"):

    rollup.json              format, version, depth, batch, chain_id, circuit_digest (written last)
    rollup.asm               the state-transition program as compiled (programs/rollup/rollup.asm)
    circuit.r1cs.json        the program compiled with -D DEPTH=.. -D BATCH=.. -D CHAIN_ID=..
    proving_key.json, verification_key.json
    state.db                 the State Manager's SQLite database (zkvmc/rollup/state.py)
    batches/NNNN/            proof.json, public.json, txs.json of batch NNNN (exported after commit)

The configuration is written last, so a folder without rollup.json is an unfinished init.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from zkvmc.artifacts.io import check_header, field, read_json, write_json
from zkvmc.errors import ArtifactError, InputError

if TYPE_CHECKING:
    from zkvmc.backend import Backend

FORMAT = "zkvmc-rollup"
"""rollup.json's format."""
VERSION = 1
"""rollup.json's version."""

PROGRAM = Path(__file__).resolve().parents[2] / "programs" / "rollup" / "rollup.asm"
"""The state-transition program of the source tree (decision 1 of the design note)."""

MAX_BATCH = 64
"""Largest batch size `init` accepts (the circuit grows by ~22k constraints a slot at depth 16)."""


@dataclass(frozen=True)
class RollupConfig:
    """One rollup's constants: the program's `.const`s and the circuit they compile to."""

    depth: int
    """Levels of the accounts tree (2^depth accounts)."""
    batch: int
    """Transaction slots per batch (and per proof)."""
    chain_id: int
    """The rollup's identifier, signed in every transaction (replay protection across rollups)."""
    circuit_digest: str
    """Digest of circuit.r1cs.json, tying the keys and batches to the circuit."""


@dataclass(frozen=True)
class RollupDir:
    """The paths inside a rollup's folder."""

    root: Path
    """The folder."""

    @property
    def config(self) -> Path:
        return self.root / "rollup.json"

    @property
    def program(self) -> Path:
        return self.root / "rollup.asm"

    @property
    def circuit(self) -> Path:
        return self.root / "circuit.r1cs.json"

    @property
    def pk(self) -> Path:
        return self.root / "proving_key.json"

    @property
    def vk(self) -> Path:
        return self.root / "verification_key.json"

    @property
    def state(self) -> Path:
        return self.root / "state.db"

    def batch(self, n: int) -> Path:
        """The export folder of batch n."""
        return self.root / "batches" / f"{n:04d}"


def check_config(depth: int, batch: int, chain_id: int) -> None:
    """Usage errors for a configuration the program cannot take."""
    if not 1 <= depth <= 32:
        raise InputError(f"--depth must be 1 .. 32, not {depth} (indices are packed in 32 bits)")
    if not 1 <= batch <= MAX_BATCH:
        raise InputError(f"--batch must be 1 .. {MAX_BATCH}, not {batch}")
    if not 0 <= chain_id < 2**64:
        raise InputError(f"--chain-id must be a u64, not {chain_id}")


def config_to_json(c: RollupConfig) -> dict[str, object]:
    """rollup.json's content."""
    return {"format": FORMAT, "version": VERSION, "depth": c.depth, "batch": c.batch,
            "chain_id": c.chain_id, "circuit_digest": c.circuit_digest}


def read_config(folder: str | os.PathLike[str]) -> tuple[RollupConfig, RollupDir]:
    """The configuration of an initialised rollup folder (ArtifactError naming the field)."""
    d = RollupDir(Path(folder))
    path = str(d.config)
    if not d.config.exists():
        raise ArtifactError(path, "", "no such file: not a rollup folder (run `zkvmc rollup init`)")
    obj = read_json(path)
    check_header(path, obj, FORMAT, VERSION)
    ints = [field(path, obj, k, int) for k in ("depth", "batch", "chain_id")]
    if any(isinstance(v, bool) for v in ints):
        raise ArtifactError(path, "depth", "expected integers")
    cfg = RollupConfig(*ints, field(path, obj, "circuit_digest", str))
    try:
        check_config(cfg.depth, cfg.batch, cfg.chain_id)
    except InputError as e:
        raise ArtifactError(path, "", str(e)) from None
    return cfg, d


def init_rollup(folder: str | os.PathLike[str], depth: int, batch: int, chain_id: int,
                rng: random.Random, program: Path = PROGRAM, backend: Backend | None = None,
                jobs: int | None = None, insecure: bool = False, ptau: str | None = None) -> RollupConfig:
    """Compile the program for this configuration, run the setup, create the empty state.
    insecure: rng was seeded (--insecure-seed): the keys are marked "insecure": true.
    ptau: the keys come from a phase-2 ceremony on this powers of tau instead (its first
    contribution is written to ceremony_0001.zkey.json for others to continue; docs/ceremony.md)."""
    from zkvmc.artifacts.circuit_file import circuit_digest, write_circuit
    from zkvmc.artifacts.groth16_files import write_keys
    from zkvmc.asm import assemble_file
    from zkvmc.backend.parallel import default_jobs
    from zkvmc.compiler import compile_program
    from zkvmc.groth16 import setup
    from zkvmc.rollup.state import StateManager

    check_config(depth, batch, chain_id)
    d = RollupDir(Path(folder))
    if d.config.exists() or d.state.exists():
        raise InputError(f"{d.root}: already holds a rollup (rollup.json or state.db exists)")
    d.root.mkdir(parents=True, exist_ok=True)
    prog = assemble_file(str(program), {"DEPTH": depth, "BATCH": batch, "CHAIN_ID": chain_id})
    circuit = compile_program(prog, 2)
    digest = circuit_digest(circuit)
    shutil.copyfile(program, d.program)
    write_circuit(str(d.circuit), circuit)
    if ptau is not None:
        from zkvmc.ceremony.pipeline import ceremony_keys

        pk, vk = ceremony_keys(circuit.r1cs, digest, ptau, str(d.root / "ceremony_0001.zkey.json"))
    else:
        pk, vk = setup(circuit.r1cs, rng, digest, None, backend, jobs if jobs is not None else default_jobs())
    write_keys(str(d.pk), pk, str(d.vk), vk, insecure=insecure and ptau is None)
    StateManager.create(d.state, depth).close()
    cfg = RollupConfig(depth, batch, chain_id, digest)
    write_json(str(d.config), config_to_json(cfg))
    return cfg
