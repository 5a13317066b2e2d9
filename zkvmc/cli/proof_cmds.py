"""CLI: `setup`, `prove`, `verify` — Groth16 keys, proofs and their snarkjs-compatible files.

Library stages report progress through a callback; this module turns it into rich progress
bars on stderr (silent with --quiet or when stderr is not a terminal). --backend and --jobs
pick the curve arithmetic (zkvmc.backend) and the number of worker processes. Data to stdout
(verify --json), messages to stderr; invalid proof exit 1, malformed files or mismatched keys
exit 2.
"""

from __future__ import annotations

import contextlib
import json
import random
import secrets
import time
from typing import TYPE_CHECKING, Any, Callable, Iterator, TypeVar

import click

from zkvmc.cli.console import err, out, stderr_console
from zkvmc.errors import NegativeResult
from zkvmc.groth16.keys import KeyMismatch, Progress

if TYPE_CHECKING:
    from zkvmc.backend import Backend
    from zkvmc.compiler.circuit import Circuit

F = TypeVar("F", bound=Callable[..., Any])

SETUP_WARNING = ("warning: this is a single-party trusted setup: whoever knows its randomness can forge "
                 "proofs. Use it for development only.")
SEED_WARNING = ("warning: --insecure-seed makes the setup/proof randomness reproducible from the seed "
                "(anyone who knows it can forge proofs with such keys, and such proofs are not "
                "zero-knowledge); it is for tests only, never for real keys or proofs. The files "
                "written are marked \"insecure\": true.")


def _rng(seed: int | None) -> random.Random:
    if seed is None:
        return secrets.SystemRandom()
    err(SEED_WARNING)
    return random.Random(seed)


def _check_outputs(*paths: str) -> None:
    """Every output path must be writable before any computation (exit 2 otherwise)."""
    from zkvmc.artifacts.io import check_writable

    for p in paths:
        check_writable(p)


@contextlib.contextmanager
def progress_bars(quiet: bool) -> Iterator[Progress | None]:
    """A progress callback drawing one rich bar per stage, or None when quiet / not a terminal."""
    console = stderr_console()
    if quiet or not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress as Bars, TextColumn, TimeElapsedColumn

    with Bars(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
              TimeElapsedColumn(), console=console, transient=True) as bars:
        tasks: dict[str, object] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total)
            bars.update(tasks[stage], completed=done, total=total)  # type: ignore[arg-type]

        yield report


def backend_options(fn: F) -> F:
    """--backend and --jobs, shared by setup and prove."""
    fn = click.option("--jobs", type=click.IntRange(min=1), default=None,
                      help="Worker processes/threads [default: number of cores].")(fn)
    return click.option("--backend", type=click.Choice(["auto", "python", "mcl"]), default="auto",
                        show_default=True, help="Curve arithmetic: mcl (native, the fast extra) or pure Python.")(fn)


def _backend_and_jobs(name: str, jobs: int | None) -> tuple[Backend, int]:
    from zkvmc.backend import get_backend
    from zkvmc.backend.parallel import default_jobs

    return get_backend(name), jobs if jobs is not None else default_jobs()


@click.command("setup")
@click.option("-c", "--circuit", default="circuit.r1cs.json", show_default=True, help="Circuit file.")
@click.option("--pk", "pk_path", default="proving_key.json", show_default=True, help="Proving key to write.")
@click.option("--vk", "vk_path", default="verification_key.json", show_default=True,
              help="Verification key to write (snarkjs format).")
@click.option("--insecure-seed", type=int, default=None, help="TESTS ONLY: derive the toxic waste from this seed.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@backend_options
def setup_cmd(circuit: str, pk_path: str, vk_path: str, insecure_seed: int | None, quiet: bool,
              backend: str, jobs: int | None) -> None:
    """Groth16 setup for a circuit (single-party: for development only)."""
    from zkvmc.artifacts.circuit_file import read_circuit_and_digest
    from zkvmc.artifacts.groth16_files import write_keys
    from zkvmc.groth16 import setup

    _check_outputs(pk_path, vk_path)
    be, n_jobs = _backend_and_jobs(backend, jobs)
    c, c_digest = read_circuit_and_digest(circuit)
    err(SETUP_WARNING)
    rng = _rng(insecure_seed)
    t0 = time.perf_counter()
    with progress_bars(quiet) as progress:
        pk, vk = setup(c.r1cs, rng, c_digest, progress, be, n_jobs)
    write_keys(pk_path, pk, vk_path, vk, insecure=insecure_seed is not None)
    err(f"setup ({time.perf_counter() - t0:.2f} s): {len(c.r1cs.constraints)} constraints, domain "
        f"{pk.domain_size}, {pk.n_public} public signals -> {pk_path}, {vk_path}")


def _load_witness(circuit_path: str, witness_path: str, input_path: str | None
                  ) -> tuple[Circuit, str, tuple[int, ...], str]:
    """(circuit, its digest, witness values, witness digest): solved from inputs with -i, else read."""
    from zkvmc.artifacts.circuit_file import read_circuit_and_digest

    c, c_digest = read_circuit_and_digest(circuit_path)
    if input_path is not None:
        from zkvmc.artifacts.inputs import read_inputs
        from zkvmc.witness import solve

        return c, c_digest, solve(c, read_inputs(input_path)), c_digest
    from zkvmc.artifacts.witness_file import read_witness

    w = read_witness(witness_path)
    return c, c_digest, w.values, w.circuit_digest


def _check_digests(pk_digest: str, c_digest: str, w_digest: str, pk_path: str, circuit: str, witness: str) -> None:
    """Key, circuit and witness must all be tied to the same circuit digest (exit 2 otherwise)."""
    if c_digest != pk_digest:
        raise KeyMismatch(f"{pk_path}: circuit_digest: the proving key was made for another circuit "
                          f"than {circuit} (run `zkvmc setup -c {circuit}`)")
    if w_digest != pk_digest:
        raise KeyMismatch(f"{witness}: circuit_digest: the witness belongs to another circuit than "
                          f"the proving key {pk_path}")


@click.command("prove")
@click.option("--pk", "pk_path", default="proving_key.json", show_default=True, help="Proving key.")
@click.option("-w", "--witness", "witness_path", default="witness.json", show_default=True, help="Witness file.")
@click.option("-p", "--proof", "proof_path", default="proof.json", show_default=True, help="Proof to write.")
@click.option("--public", "public_path", default="public.json", show_default=True, help="Public signals to write.")
@click.option("-c", "--circuit", default="circuit.r1cs.json", show_default=True, help="Circuit file.")
@click.option("-i", "--input", "input_path", default=None, help="Inputs file: compute the witness first.")
@click.option("--insecure-seed", type=int, default=None, help="TESTS ONLY: derive the blinding factors from a seed.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@backend_options
def prove_cmd(pk_path: str, witness_path: str, proof_path: str, public_path: str, circuit: str,
              input_path: str | None, insecure_seed: int | None, quiet: bool, backend: str, jobs: int | None) -> None:
    """Make a Groth16 proof (snarkjs-compatible proof.json and public.json)."""
    from zkvmc.artifacts.groth16_files import read_pk, write_proof_and_public
    from zkvmc.groth16 import prove, public_signals

    _check_outputs(proof_path, public_path)
    be, n_jobs = _backend_and_jobs(backend, jobs)
    pk = read_pk(pk_path)
    c, c_digest, values, w_digest = _load_witness(circuit, witness_path, input_path)
    _check_digests(pk.circuit_digest, c_digest, w_digest, pk_path, circuit,
                   input_path or witness_path)
    rng = _rng(insecure_seed)
    t0 = time.perf_counter()
    with progress_bars(quiet) as progress:
        proof = prove(pk, c.r1cs, values, rng, progress, be, n_jobs)
    write_proof_and_public(proof_path, proof, public_path, public_signals(c.r1cs, values),
                           insecure=insecure_seed is not None)
    err(f"proof ({time.perf_counter() - t0:.2f} s) -> {proof_path}, public signals -> {public_path}")


@click.command("verify")
@click.option("--vk", "vk_path", default="verification_key.json", show_default=True, help="Verification key.")
@click.option("-p", "--proof", "proof_path", default="proof.json", show_default=True, help="Proof.")
@click.option("--public", "public_path", default="public.json", show_default=True, help="Public signals.")
@click.option("--json", "as_json", is_flag=True, help='Print {"valid": ..., "reason": ...} on stdout.')
@click.option("--backend", type=click.Choice(["auto", "python", "mcl"]), default="auto", show_default=True,
              help="Pairing: mcl (native, the fast extra) or pure Python (py_ecc).")
def verify_cmd(vk_path: str, proof_path: str, public_path: str, as_json: bool, backend: str) -> None:
    """Check a Groth16 proof: exit 0 valid, 1 invalid, 2 malformed input."""
    from zkvmc.artifacts.groth16_files import read_proof, read_public, read_vk
    from zkvmc.errors import ZkvmcError
    from zkvmc.backend import get_backend
    from zkvmc.groth16 import verify

    be = get_backend(backend)
    try:
        vk, proof, public = read_vk(vk_path), read_proof(proof_path), read_public(public_path)
        ok = verify(vk, public, proof, be)
    except ZkvmcError as e:
        if as_json:
            out(json.dumps({"valid": False, "reason": f"malformed input: {e}"}))
        raise
    reason = None if ok else "the pairing check failed (wrong proof, public signals or key)"
    if as_json:
        out(json.dumps({"valid": ok, "reason": reason}))
    if not ok:
        raise NegativeResult(f"invalid: {reason}")
    err("valid")


def register(group: click.Group) -> None:
    """Add setup, prove and verify to the zkvmc group."""
    for cmd in (setup_cmd, prove_cmd, verify_cmd):
        group.add_command(cmd)
