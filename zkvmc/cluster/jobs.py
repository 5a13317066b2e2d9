"""prove-many's work list: a directory of witnesses -> proving jobs, and their output paths.

Takes a folder holding witness files (`NAME.json`, format zkvmc-witness, docs/formats.md) and
gives one ProveJob per file, named NAME, whose proof goes to `OUT/NAME/proof.json` and
`OUT/NAME/public.json`. Pure data and pure functions: nothing here talks to Dask, so the
client, the workers and the tests share one definition of a job and of its result.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

from zkvmc.errors import InputError

WITNESS_SUFFIX = ".json"
"""A witness file in the input folder: NAME.json (other files are ignored)."""

SEED_DOMAIN = b"zkvmc-prove-many-seed-v1"
"""Domain separator of the per-proof seeds derived from --insecure-seed."""


@dataclass(frozen=True)
class ProveJob:
    """One proof to make: what a worker needs besides the proving key it caches."""

    name: str
    """The witness file's name without `.json`: the output folder's name."""
    values: tuple[int, ...]
    """The full wire assignment (w[0] = 1, public signals, private wires), each below r."""
    pk_path: str
    """Absolute path of proving_key.json, as the workers see it (shared storage)."""
    circuit_path: str
    """Absolute path of circuit.r1cs.json, as the workers see it."""
    circuit_digest: str
    """The digest the witness is tied to: the workers' key and circuit must carry it too."""
    seed: int | None
    """TESTS ONLY: the proof's blinding comes from random.Random(seed); None: from `secrets`."""
    backend: str = "auto"
    """Curve arithmetic on the workers (zkvmc.backend name)."""


@dataclass(frozen=True)
class ProveOutcome:
    """What a worker gives back for one job: a proof and its public signals, or why not."""

    name: str
    """The job's name."""
    proof: Any
    """The Groth16 proof (zkvmc.groth16.keys.Proof), or None if it failed."""
    public: tuple[int, ...]
    """The public signals (wires 1..n_public); empty if it failed."""
    exit_code: int
    """0 proved; else the zkvmc exit code of the error (1 witness unsatisfied, 2 bad input)."""
    message: str
    """Why it failed (the error's text); empty if proved."""
    seconds: float
    """Time spent proving (not loading) on the worker."""
    worker: str
    """host:pid of the worker process that ran it."""
    loaded_key: bool
    """Whether this job loaded the key and circuit (the worker's first job with this key)."""


def derive_seed(seed: int, name: str) -> int:
    """The per-proof seed of witness `name` under --insecure-seed seed: sha256(domain, seed,
    name) cut to 63 bits, so `zkvmc prove --insecure-seed <it>` reproduces that proof alone."""
    h = hashlib.sha256(SEED_DOMAIN + b"\0" + str(seed).encode() + b"\0" + name.encode("utf-8"))
    return int.from_bytes(h.digest()[:8], "big") >> 1


def witness_files(folder: str) -> list[tuple[str, str]]:
    """(name, path) of every NAME.json in folder, sorted by name (InputError if there is none)."""
    if not os.path.isdir(folder):
        raise InputError(f"{folder}: not a directory (expected a folder of witness files NAME.json)")
    try:
        entries = sorted(os.listdir(folder))
    except OSError as e:
        raise InputError(f"{folder}: cannot list ({e.strerror or e})") from None
    found = [(e[: -len(WITNESS_SUFFIX)], os.path.join(folder, e)) for e in entries
             if e.endswith(WITNESS_SUFFIX) and len(e) > len(WITNESS_SUFFIX)
             and os.path.isfile(os.path.join(folder, e))]
    if not found:
        raise InputError(f"{folder}: no witness files (NAME.json, from `zkvmc witness -o`)")
    return found


def output_paths(out_dir: str, name: str) -> tuple[str, str]:
    """(proof.json, public.json) of witness `name` under out_dir."""
    folder = os.path.join(out_dir, name)
    return os.path.join(folder, "proof.json"), os.path.join(folder, "public.json")
