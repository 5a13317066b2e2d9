"""prove-many on a cluster: plan the jobs of a witness folder, run them on Dask, write the pairs.

Takes a witness folder, a proving key and circuit (paths the workers can read), an optional
--insecure-seed and a ClusterSession; gives one ProveOutcome per witness and writes each proof as
`OUT/NAME/proof.json` + `OUT/NAME/public.json` (written together, as `zkvmc prove` does).
Everything checkable before proving is checked first, on the client (exit 2 naming the file):
the folder, every witness file, and that each witness belongs to the circuit. Each task is the
job's witness and paths (the key stays on the workers: zkvmc.cluster.worker); Dask moves the
task of a dead worker elsewhere and `retries` re-runs one that raised.
"""

from __future__ import annotations

import os
import secrets
from typing import Any, Callable, Iterator

from zkvmc.cluster.jobs import ProveJob, ProveOutcome, derive_seed, output_paths, witness_files
from zkvmc.cluster.session import ClusterSession
from zkvmc.errors import EXIT_INTERNAL, ArtifactError

RETRIES = 2
"""Re-runs of a task that raised (not a zkvmc error: those are answers, ProveOutcome.exit_code)."""


def _readable(path: str, what: str) -> str:
    """path made absolute (what workers are sent), after checking it is a readable file here."""
    try:
        with open(path, "rb"):
            pass
    except IsADirectoryError:
        raise ArtifactError(path, "", f"is a directory, expected the {what}") from None
    except OSError as e:
        raise ArtifactError(path, "", f"cannot read the {what} ({e.strerror or e})") from None
    return os.path.abspath(path)


def plan(witness_dir: str, pk_path: str, circuit_path: str, seed: int | None,
         backend: str = "auto") -> list[ProveJob]:
    """One job per witness file, every file read and checked against the circuit's digest."""
    from zkvmc.artifacts.circuit_file import read_circuit_and_digest
    from zkvmc.artifacts.witness_file import read_witness
    from zkvmc.errors import KeyMismatch

    pk_abs = _readable(pk_path, "proving key")
    _, c_digest = read_circuit_and_digest(circuit_path)
    jobs = []
    for name, path in witness_files(witness_dir):
        w = read_witness(path)
        if w.circuit_digest != c_digest:
            raise KeyMismatch(f"{path}: circuit_digest: the witness belongs to another circuit than {circuit_path}")
        jobs.append(ProveJob(name, w.values, pk_abs, os.path.abspath(circuit_path), c_digest,
                             None if seed is None else derive_seed(seed, name), backend))
    return jobs


def prepare_output(out_dir: str, jobs: list[ProveJob]) -> None:
    """Create out_dir and check every job's output folder can be written, before any proving."""
    from zkvmc.artifacts.io import check_writable

    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as e:
        raise ArtifactError(out_dir, "", f"cannot create the output folder ({e.strerror or e})") from None
    for job in jobs:
        folder = os.path.dirname(output_paths(out_dir, job.name)[0])
        if os.path.exists(folder) and not os.path.isdir(folder):
            raise ArtifactError(folder, "", "exists and is not a folder (prove-many writes proof.json and public.json in it)")
        for path in output_paths(out_dir, job.name) if os.path.isdir(folder) else ():
            check_writable(path)
    check_writable(os.path.join(out_dir, "proof.json"))  # the folder itself is writable


def task_key(name: str) -> str:
    """The Dask key of a job: readable in the scheduler's logs, unique per submission."""
    return f"zkvmc-prove-{name}-{secrets.token_hex(4)}"


def _failed(job: ProveJob, error: BaseException) -> ProveOutcome:
    """The outcome of a task Dask gave up on (its workers kept dying, or it kept raising)."""
    return ProveOutcome(job.name, None, (), EXIT_INTERNAL, f"the cluster gave up: {type(error).__name__}: {error}",
                        0.0, "", False)


def run(session: ClusterSession, jobs: list[ProveJob], retries: int = RETRIES) -> Iterator[ProveOutcome]:
    """The jobs' outcomes in the order they finish."""
    from distributed import as_completed

    from zkvmc.cluster.worker import prove_job

    futures = {session.client.submit(prove_job, job, key=task_key(job.name), pure=False, retries=retries): job
               for job in jobs}
    for fut in as_completed(list(futures)):
        try:
            yield fut.result()
        except Exception as e:  # noqa: BLE001 - KilledWorker and the like: reported per job
            yield _failed(futures[fut], e)
        finally:
            fut.release()


def write_outcome(out_dir: str, outcome: ProveOutcome, insecure: bool) -> tuple[str, str]:
    """Write a proved outcome's proof.json and public.json as a pair; their paths."""
    from zkvmc.artifacts.groth16_files import write_proof_and_public

    proof_path, public_path = output_paths(out_dir, outcome.name)
    os.makedirs(os.path.dirname(proof_path), exist_ok=True)
    write_proof_and_public(proof_path, outcome.proof, public_path, list(outcome.public), insecure=insecure)
    return proof_path, public_path


def prove_all(session: ClusterSession, jobs: list[ProveJob], out_dir: str,
              on_outcome: Callable[[ProveOutcome], Any] | None = None) -> list[ProveOutcome]:
    """Run every job, writing each proof as it arrives; the outcomes sorted by name."""
    outcomes, insecure = [], any(j.seed is not None for j in jobs)
    for o in run(session, jobs):
        if o.exit_code == 0:
            write_outcome(out_dir, o, insecure)
        outcomes.append(o)
        if on_outcome is not None:
            on_outcome(o)
    return sorted(outcomes, key=lambda o: o.name)
