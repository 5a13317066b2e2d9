"""CLI: `setup`, `prove`, `verify` — Groth16 keys, proofs and their snarkjs-compatible files.

Library stages report progress through a callback; this module turns it into rich progress
bars on stderr (silent with --quiet or when stderr is not a terminal). --backend and --jobs
pick the curve arithmetic (zkvmc.backend) and the number of worker processes. Data to stdout
(verify --json), messages to stderr; invalid proof exit 1, malformed files or mismatched keys
exit 2. `verify --batch PROOF... [--public PUBLIC...]` checks n proofs of one key with one batch
check (zkvmc.groth16.batch); exit 1 then does not say which is bad unless --find-bad.
"""

from __future__ import annotations

import contextlib
import json
import time
from typing import TYPE_CHECKING, Any, Callable, Iterator, TypeVar

import click

from zkvmc.cli.console import err, out, stderr_console
from zkvmc.errors import InputError, NegativeResult, ZkvmcError
from zkvmc.errors import KeyMismatch

if TYPE_CHECKING:
    import random

    from zkvmc.groth16.keys import Progress

    from zkvmc.backend import Backend
    from zkvmc.compiler.circuit import Circuit
    from zkvmc.groth16.early import EarlyMsms

F = TypeVar("F", bound=Callable[..., Any])

SETUP_WARNING = ("warning: this is a single-party trusted setup: whoever knows its randomness can forge "
                 "proofs. Use it for development only.")
SEED_WARNING = ("warning: --insecure-seed makes the setup/proof randomness reproducible from the seed "
                "(anyone who knows it can forge proofs with such keys, and such proofs are not "
                "zero-knowledge); it is for tests only, never for real keys or proofs. The files "
                "written are marked \"insecure\": true.")


def _rng(seed: int | None) -> random.Random:
    import random  # here, not at the top: verify needs no randomness (issue 15: start-up)
    import secrets

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
    from zkvmc.cli.doctor_cmds import fallback_notice

    be = get_backend(name)
    fallback_notice(be.name, name)
    return be, jobs if jobs is not None else default_jobs()


@click.command("setup")
@click.option("-c", "--circuit", default="circuit.r1cs.json", show_default=True, help="Circuit file.")
@click.option("--pk", "pk_path", default="proving_key.json", show_default=True, help="Proving key to write.")
@click.option("--vk", "vk_path", default="verification_key.json", show_default=True,
              help="Verification key to write (snarkjs format).")
@click.option("--insecure-seed", type=int, default=None, help="TESTS ONLY: derive the toxic waste from this seed.")
@click.option("--ptau", default=None, help="Start a phase-2 ceremony from this powers-of-tau file instead "
              "(writes -o, not the keys; see `zkvmc ceremony`).")
@click.option("-o", "--output", default="circuit_0000.zkey.json", show_default=True,
              help="With --ptau: the initial ceremony state (zkey.json, or snarkjs .zkey by extension).")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@backend_options
def setup_cmd(circuit: str, pk_path: str, vk_path: str, insecure_seed: int | None, ptau: str | None, output: str,
              quiet: bool, backend: str, jobs: int | None) -> None:
    """Groth16 setup for a circuit (single-party: for development only; --ptau: a ceremony's phase 2)."""
    if ptau is not None:
        from zkvmc.cli.ceremony_cmds import phase2_setup

        return phase2_setup(circuit, ptau, output, insecure_seed)
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
    write_keys(pk_path, pk, vk_path, vk, insecure=insecure_seed is not None, r1cs=c.r1cs)
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


def _witness_first(witness_path: str, early: EarlyMsms) -> tuple[Any, ZkvmcError | None]:
    """(the witness file, or None and its error, raised only after the key is read, as before):
    read before the key so that early MSMs can start on its queries as each is checked."""
    from zkvmc.artifacts.witness_file import read_witness

    try:
        w = read_witness(witness_path)
    except ZkvmcError as e:
        return None, e
    early.use_witness(w.values)
    return w, None


def _prover_inputs(pk_path: str, circuit: str | None, witness_path: str, input_path: str | None,
                   early: EarlyMsms | None = None) -> tuple[Any, Any, tuple[int, ...]]:
    """(proving key, R1CS, witness values), each read once: a key carrying its constraint
    matrices and a witness file are all the prover reads (no circuit file, no re-hashing: the
    key's digest covers the matrices); with -i, a circuit named with -c (None: not named), or an
    older key, the circuit file as well, checked against the key as before. early, when given,
    gets the witness first and each query of the key as it is checked (zkvmc.groth16.early)."""
    from zkvmc.artifacts.groth16_files import read_pk_and_matrices

    lean = input_path is None and circuit is None
    w, w_error = _witness_first(witness_path, early) if lean and early is not None else (None, None)
    pk, r1cs = read_pk_and_matrices(pk_path, early.add if early is not None else None)
    if r1cs is not None and lean:
        from zkvmc.artifacts.witness_file import read_witness

        if w_error is not None:
            raise w_error
        w = w if w is not None else read_witness(witness_path)
        if w.circuit_digest != pk.circuit_digest:
            raise KeyMismatch(f"{witness_path}: circuit_digest: the witness belongs to another circuit than "
                              f"the proving key {pk_path}")
        return pk, r1cs, w.values
    circuit = circuit or "circuit.r1cs.json"
    c, c_digest, values, w_digest = _load_witness(circuit, witness_path, input_path)
    _check_digests(pk.circuit_digest, c_digest, w_digest, pk_path, circuit, input_path or witness_path)
    return pk, c.r1cs, values


@click.command("prove")
@click.option("--pk", "pk_path", default="proving_key.json", show_default=True, help="Proving key.")
@click.option("-w", "--witness", "witness_path", default="witness.json", show_default=True, help="Witness file.")
@click.option("-p", "--proof", "proof_path", default="proof.json", show_default=True, help="Proof to write.")
@click.option("--public", "public_path", default="public.json", show_default=True, help="Public signals to write.")
@click.option("-c", "--circuit", default="circuit.r1cs.json", show_default=True,
              help="Circuit file (read only with -i, when named, or for a key without its matrices).")
@click.option("-i", "--input", "input_path", default=None, help="Inputs file: compute the witness first.")
@click.option("--insecure-seed", type=int, default=None, help="TESTS ONLY: derive the blinding factors from a seed.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@backend_options
def prove_cmd(pk_path: str, witness_path: str, proof_path: str, public_path: str, circuit: str,
              input_path: str | None, insecure_seed: int | None, quiet: bool, backend: str, jobs: int | None) -> None:
    """Make a Groth16 proof (snarkjs-compatible proof.json and public.json)."""
    from zkvmc.artifacts.groth16_files import write_proof_and_public
    from zkvmc.groth16 import prove, public_signals
    from zkvmc.groth16.early import EarlyMsms

    _check_outputs(proof_path, public_path)
    be, n_jobs = _backend_and_jobs(backend, jobs)
    named = click.get_current_context().get_parameter_source("circuit") != click.core.ParameterSource.DEFAULT
    with EarlyMsms(be) if n_jobs > 1 else contextlib.nullcontext() as early:  # the key's MSMs start as it is read
        pk, r1cs, values = _prover_inputs(pk_path, circuit if named else None, witness_path, input_path, early)
        rng = _rng(insecure_seed)
        t0 = time.perf_counter()
        with progress_bars(quiet) as progress:
            proof = prove(pk, r1cs, values, rng, progress, be, n_jobs, early)
    write_proof_and_public(proof_path, proof, public_path, public_signals(r1cs, values),
                           insecure=insecure_seed is not None)
    err(f"proof ({time.perf_counter() - t0:.2f} s) -> {proof_path}, public signals -> {public_path}")


class PublicListCommand(click.Command):
    """Lets `--public` take several files (`--public a.json b.json ...`, e.g. a shell glob): the
    tokens after it, up to the next option, each become one `--public` (verify, aggregate, verify-aggregate)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        out_args, taking = [], False
        for tok in args:
            if tok == "--public":
                taking = True
                continue
            if taking and not tok.startswith("-"):
                out_args += ["--public", tok]
                continue
            taking = False
            out_args.append(tok)
        return super().parse_args(ctx, out_args)


@click.command("verify", cls=PublicListCommand)
@click.argument("batch_proofs", nargs=-1, metavar="[PROOF]...")
@click.option("--vk", "vk_path", default="verification_key.json", show_default=True, help="Verification key.")
@click.option("-p", "--proof", "proof_path", default=None, help="Proof.  [default: proof.json]")
@click.option("--public", "public_paths", multiple=True,
              help="Public signals [default: public.json]. With --batch: one file per PROOF, in order "
                   "(--public a.json b.json ... or repeated) [default: the public.json beside each PROOF].")
@click.option("--batch", is_flag=True, help="Check the PROOFs (all of one key) together: n + 3 pairings, "
              "not 4n. Exit 1 does not say which proof is bad (see --find-bad).")
@click.option("--find-bad", is_flag=True, help="With --batch: if the batch fails, verify each proof to name "
              "the invalid ones.")
@click.option("--json", "as_json", is_flag=True, help='Print {"valid": ..., "reason": ...} on stdout.')
@click.option("--backend", type=click.Choice(["auto", "python", "mcl"]), default="auto", show_default=True,
              help="Pairing: mcl (native, the fast extra) or pure Python (py_ecc).")
def verify_cmd(batch_proofs: tuple[str, ...], vk_path: str, proof_path: str | None, public_paths: tuple[str, ...],
               batch: bool, find_bad: bool, as_json: bool, backend: str) -> None:
    """Check a Groth16 proof (or, with --batch, many): exit 0 valid, 1 invalid, 2 malformed input."""
    from zkvmc.backend import get_backend, preload

    preload(backend)  # mcl loads in a thread while the reader and the verifier import (issue 15)
    from zkvmc.artifacts.groth16_files import read_proof, read_public, read_vk
    from zkvmc.groth16 import verify

    if batch or batch_proofs or find_bad:
        _verify_batch_cmd(vk_path, batch_proofs, proof_path, public_paths, batch, find_bad, as_json, backend)
        return
    if len(public_paths) > 1:
        raise InputError("--public: more than one file (several proofs: use --batch PROOF...)")
    be = get_backend(backend)
    with verdict_on_bad_input(as_json):
        vk = read_vk(vk_path, g2_subgroup_test(be))
        proof = read_proof(proof_path or "proof.json", g2_subgroup_test(be))
        public = read_public(public_paths[0] if public_paths else "public.json")
        ok = verify(vk, public, proof, be)
    report_verdict(ok, "the pairing check failed (wrong proof, public signals or key)", as_json)


def g2_subgroup_test(be: Backend) -> Callable[[Any], bool]:
    """The backend's G2 subgroup test for the readers (mcl's ~100x faster than Python's [r]P)."""
    return lambda p: be.g2_in_subgroup([p])


@contextlib.contextmanager
def verdict_on_bad_input(as_json: bool, **extra: Any) -> Iterator[None]:
    """With --json, malformed input still gives a verdict object on stdout before the error."""
    try:
        yield
    except ZkvmcError as e:
        if as_json:
            out(json.dumps({"valid": False, **extra, "reason": f"malformed input: {e}"}))
        raise


def report_verdict(ok: bool, why_invalid: str, as_json: bool, valid_message: str = "valid", **extra: Any) -> None:
    """A verifier's verdict: JSON on stdout with --json, a line on stderr; NegativeResult (exit 1) if invalid."""
    reason = None if ok else why_invalid
    if as_json:
        out(json.dumps({"valid": ok, **extra, "reason": reason}))
    if not ok:
        raise NegativeResult(f"invalid: {reason}")
    err(valid_message)


def _batch_paths(batch_proofs: tuple[str, ...], proof_path: str | None, public_paths: tuple[str, ...],
                 batch: bool) -> list[tuple[str, str]]:
    """(proof, public signals) file pairs of `verify --batch` (InputError on a misuse)."""
    from pathlib import Path

    if not batch:
        raise InputError("PROOF arguments and --find-bad need --batch")
    if proof_path is not None:
        raise InputError("-p/--proof: not with --batch (give the proofs as arguments)")
    if not batch_proofs:
        raise InputError("--batch: give at least one PROOF file")
    if public_paths and len(public_paths) != len(batch_proofs):
        raise InputError(f"--public: {len(public_paths)} files for {len(batch_proofs)} proofs (give one per proof, "
                         "in order, or none for the public.json beside each proof)")
    publics = public_paths or tuple(str(Path(p).parent / "public.json") for p in batch_proofs)
    return list(zip(batch_proofs, publics))


def _verify_batch_cmd(vk_path: str, batch_proofs: tuple[str, ...], proof_path: str | None,
                      public_paths: tuple[str, ...], batch: bool, find_bad: bool, as_json: bool,
                      backend: str) -> None:
    """`zkvmc verify --batch`: one batch verification, then (--find-bad) individual ones."""
    from zkvmc.artifacts.groth16_files import read_proof, read_public, read_vk
    from zkvmc.backend import get_backend
    from zkvmc.groth16.batch import find_invalid, verify_batch
    from zkvmc.errors import MalformedEntry

    paths = _batch_paths(batch_proofs, proof_path, public_paths, batch)
    be = get_backend(backend)
    with verdict_on_bad_input(as_json, proofs=len(paths)):
        vk = read_vk(vk_path, g2_subgroup_test(be))
        proofs = [read_proof(p, g2_subgroup_test(be)) for p, _ in paths]
        publics = [read_public(x) for _, x in paths]
        try:
            ok = verify_batch(vk, publics, proofs, backend=be)
            bad = find_invalid(vk, publics, proofs, be) if find_bad and not ok else []
        except MalformedEntry as e:
            raise type(e)(e.index, f"{paths[e.index][0]} with {paths[e.index][1]}: {e.message}") from None
    _batch_verdict(ok, [paths[i][0] for i in bad], len(paths), find_bad, as_json)


def _batch_verdict(ok: bool, bad: list[str], n: int, find_bad: bool, as_json: bool) -> None:
    """Report a batch verification (stdout JSON with --json); NegativeResult if it failed."""
    why = (f"invalid proofs: {', '.join(bad)}" if bad else
           f"at least one of the {n} proofs is invalid; batch verification does not say "
           "which" + ("" if find_bad else " (--find-bad names them)"))
    report_verdict(ok, why, as_json, f"valid: all {n} proofs", proofs=n, **({"invalid": bad} if find_bad else {}))


def register(group: click.Group) -> None:
    """Add setup, prove and verify to the zkvmc group."""
    for cmd in (setup_cmd, prove_cmd, verify_cmd):
        group.add_command(cmd)
