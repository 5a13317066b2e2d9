"""What runs on a Dask worker: ProveJob -> ProveOutcome, with the proving key loaded once.

A worker process keeps the proving key and circuit it last loaded (_CACHE), keyed by their paths
and the files' size and modification time, so a batch of N proofs on W workers reads the key W
times, not N (and a replaced key file is read again). Tasks carry the witness and the paths only;
the paths must name the same files on every worker (shared or copied storage: docs/cli.md). The
proof is zkvmc.groth16.prove's, so it is byte-identical to `zkvmc prove` for the same seed
(Groth 2016, eprint 2016/260, 3.2: the proof depends only on key, witness and r, s).

zkvmc errors (unsatisfied witness, mismatched key) come back as ProveOutcome fields rather than
exceptions: they are answers, not failures to retry, and zkvmc's errors do not all unpickle.
"""

from __future__ import annotations

import os
import random
import secrets
import socket
import time
from dataclasses import dataclass
from typing import Any

from zkvmc.cluster.jobs import ProveJob, ProveOutcome
from zkvmc.errors import ZkvmcError


@dataclass(frozen=True)
class LoadedKey:
    """A proving key and the constraint system it was made for, as loaded by one worker."""

    pk: Any
    """The proving key (zkvmc.groth16.keys.ProvingKey)."""
    r1cs: Any
    """The R1CS prove needs: the key's own matrices, or the circuit file's (an older key)."""
    circuit_digest: str
    """The circuit's verified digest."""


_CACHE: dict[tuple[Any, ...], LoadedKey] = {}
"""In a worker: the one key and circuit loaded last (one entry, so a long-lived worker that
serves several keys over time holds one in memory)."""


def _stamp(path: str) -> tuple[int, int]:
    """(size, mtime_ns) of a file, or (-1, -1) when it cannot be stat'ed (the read reports why)."""
    try:
        st = os.stat(path)
    except OSError:
        return -1, -1
    return st.st_size, st.st_mtime_ns


def load_key(pk_path: str, circuit_path: str) -> tuple[LoadedKey, bool]:
    """The cached key and circuit for these paths, loading them if needed: (them, loaded now)."""
    cache_key = (pk_path, _stamp(pk_path), circuit_path, _stamp(circuit_path))
    if cache_key in _CACHE:
        return _CACHE[cache_key], False
    from zkvmc.artifacts.groth16_files import read_pk_and_matrices

    pk, r1cs = read_pk_and_matrices(pk_path)  # a key with its matrices is all a worker reads
    if r1cs is None:
        r1cs = _circuit_r1cs(pk, pk_path, circuit_path)
    _CACHE.clear()
    _CACHE[cache_key] = LoadedKey(pk, r1cs, pk.circuit_digest)
    return _CACHE[cache_key], True


def _circuit_r1cs(pk: Any, pk_path: str, circuit_path: str) -> Any:
    """An older key's R1CS, from the circuit file it was made for."""
    from zkvmc.artifacts.circuit_file import read_circuit_and_digest
    from zkvmc.errors import KeyMismatch

    circuit, c_digest = read_circuit_and_digest(circuit_path)
    if pk.circuit_digest != c_digest:
        raise KeyMismatch(f"{pk_path}: circuit_digest: the proving key was made for another circuit than "
                          f"{circuit_path} (run `zkvmc setup -c {circuit_path}`)")
    return circuit.r1cs


def _whoami() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _prove(job: ProveJob, key: LoadedKey) -> tuple[Any, tuple[int, ...], float]:
    """(proof, public signals, seconds) of one job with a loaded key."""
    from zkvmc.backend import get_backend
    from zkvmc.groth16 import prove, public_signals
    from zkvmc.errors import KeyMismatch

    if job.circuit_digest != key.circuit_digest:
        # The planner checked every witness against the circuit file: the key is what differs.
        raise KeyMismatch(f"{job.pk_path}: circuit_digest: the proving key was made for another circuit than "
                          f"{job.circuit_path} (run `zkvmc setup -c {job.circuit_path}`)")
    rng = secrets.SystemRandom() if job.seed is None else random.Random(job.seed)
    t0 = time.perf_counter()
    proof = prove(key.pk, key.r1cs, job.values, rng, None, get_backend(job.backend), 1)
    return proof, tuple(public_signals(key.r1cs, job.values)), time.perf_counter() - t0


def prove_job(job: ProveJob) -> ProveOutcome:
    """Run one job on this worker (the Dask task)."""
    loaded = False
    try:
        key, loaded = load_key(job.pk_path, job.circuit_path)
        proof, public, seconds = _prove(job, key)
    except ZkvmcError as e:
        return ProveOutcome(job.name, None, (), e.exit_code, e.render(), 0.0, _whoami(), loaded)
    return ProveOutcome(job.name, proof, public, 0, "", seconds, _whoami(), loaded)
