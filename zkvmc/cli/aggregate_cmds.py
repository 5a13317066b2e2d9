"""CLI: `aggregate-setup`, `aggregate`, `verify-aggregate` — SnarkPack aggregation of Groth16 proofs.

Thin layer over zkvmc.aggregate (docs/aggregation.md): reads and validates the files (every error
names file and field, exit 2), checks the proofs before aggregating them (an invalid one: exit 1,
named), and writes atomically. `--public` takes one or more files (a shell glob works), paired
with the proofs in order; a count mismatch is exit 2. verify-aggregate: exit 0 valid, 1 invalid,
2 malformed input; `--json` prints {"valid": ..., "reason": ...} on stdout.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

import click

from zkvmc.cli.console import err
from zkvmc.cli.proof_cmds import (PublicListCommand, _backend_and_jobs, _rng, backend_options, report_verdict,
                                   verdict_on_bad_input)
from zkvmc.errors import ArtifactError, InputError, NegativeResult

if TYPE_CHECKING:
    from zkvmc.backend import Backend
    from zkvmc.groth16.keys import Proof, VerificationKey

INSECURE_SRS_WARNING = ("warning: this aggregation SRS is made by one party (this process) from secrets it knew: "
                        "whoever knows them can forge aggregates. For production derive it from two public "
                        "powers-of-tau ceremonies (docs/aggregation.md).")


@click.command("aggregate-setup")
@click.option("--size", type=int, default=1024, show_default=True,
              help="Most proofs an aggregate may hold (a power of two >= 2).")
@click.option("-o", "--output", "out_path", default="srs.json", show_default=True, help="SRS file to write.")
@click.option("--insecure-seed", type=int, default=None, help="TESTS ONLY: derive the two secrets from this seed.")
@click.option("--ptau", "ptau_paths", multiple=True, metavar="FILE.ptau",
              help="Twice: the SRS from two independent powers-of-tau ceremonies (snarkjs .ptau, BN254).")
@backend_options
def setup_cmd(size: int, out_path: str, insecure_seed: int | None, ptau_paths: tuple[str, ...], backend: str,
              jobs: int | None) -> None:
    """Make an aggregation SRS: from two ceremonies (--ptau A --ptau B), or single-party (development only)."""
    from zkvmc.aggregate.files import write_srs
    from zkvmc.aggregate.srs import insecure_setup, is_size
    from zkvmc.artifacts.io import check_writable

    if not is_size(size):
        raise InputError(f"--size: expected a power of two >= 2, got {size}")
    check_writable(out_path)
    be, n_jobs = _backend_and_jobs(backend, jobs)
    if ptau_paths:
        _from_ceremonies(size, out_path, ptau_paths, insecure_seed, be)
        return
    err(INSECURE_SRS_WARNING)
    t0 = time.perf_counter()
    srs = insecure_setup(size, _rng(insecure_seed), be, n_jobs)
    write_srs(out_path, srs, "zkvmc aggregate-setup (single party)", insecure_seed is not None)
    err(f"aggregation SRS for up to {size} proofs ({time.perf_counter() - t0:.2f} s) -> {out_path}")


def _from_ceremonies(size: int, out_path: str, paths: tuple[str, ...], seed: int | None, be: Backend) -> None:
    """aggregate-setup --ptau A --ptau B: a from A's tau, b from B's (checked to be two real secrets)."""
    from zkvmc.aggregate.files import write_srs
    from zkvmc.aggregate.ptau import srs_from_ceremonies
    from zkvmc.aggregate.srs import structure_ok

    if len(paths) != 2 or seed is not None:
        raise InputError("--ptau: give exactly two ceremony files (and no --insecure-seed)")
    srs = srs_from_ceremonies(paths[0], paths[1], size, be)
    if not structure_ok(srs, be):
        trivial = [p for p, g in zip(paths, (srs.g_alpha[1], srs.g_beta[1])) if g == srs.g_alpha[0]]
        if trivial:
            raise ArtifactError(trivial[0], "tauG1", "tau is 1 (a ceremony without contributions): no secret")
        raise ArtifactError(paths[1], "tauG1", f"not usable with {paths[0]}: the same tau, or inconsistent powers")
    write_srs(out_path, srs, f"powers of tau: {os.path.basename(paths[0])} (a), {os.path.basename(paths[1])} (b)", False)
    err(f"aggregation SRS for up to {size} proofs from {paths[0]} and {paths[1]} -> {out_path}")


def _vk_and_publics(vk_path: str, public_paths: tuple[str, ...]) -> tuple[VerificationKey, list[list[int]]]:
    """The key and the public inputs, each list as long as the key says (exit 2 otherwise)."""
    from zkvmc.artifacts.groth16_files import read_public, read_vk

    vk = read_vk(vk_path)
    publics = [read_public(p) for p in public_paths]
    for path, xs in zip(public_paths, publics):
        if len(xs) != vk.n_public:
            raise ArtifactError(path, "", f"expected {vk.n_public} public signals (the key's nPublic), found {len(xs)}")
    return vk, publics


def _statements(vk_path: str, proof_paths: tuple[str, ...], public_paths: tuple[str, ...]
                ) -> tuple[VerificationKey, list[Proof], list[list[int]]]:
    """The key, proofs and public inputs, read and validated; counts must agree (exit 2)."""
    from zkvmc.artifacts.groth16_files import read_proof

    if not proof_paths:
        raise InputError("no proofs given (zkvmc aggregate ... PROOF... --public PUBLIC...)")
    if len(public_paths) != len(proof_paths):
        raise InputError(f"{len(proof_paths)} proofs but {len(public_paths)} --public files (one per proof, same order)")
    vk, publics = _vk_and_publics(vk_path, public_paths)
    return vk, [read_proof(p) for p in proof_paths], publics


def _check_proofs(vk: VerificationKey, proofs: list[Proof], publics: list[list[int]], paths: tuple[str, ...],
                  be: Backend) -> None:
    """Refuse to aggregate an invalid proof (exit 1, naming it): one batch check, then one by one."""
    from zkvmc.groth16.batch import find_invalid, verify_batch

    if not verify_batch(vk, publics, proofs, backend=be):
        bad = find_invalid(vk, publics, proofs, be)
        names = ", ".join(paths[i] for i in bad) or "(the batch check failed)"
        raise NegativeResult(f"invalid proof(s), nothing aggregated: {names}")


@click.command("aggregate", cls=PublicListCommand)
@click.argument("proof_paths", nargs=-1, metavar="PROOF...")
@click.option("--vk", "vk_path", default="verification_key.json", show_default=True, help="Verification key.")
@click.option("--srs", "srs_path", default="srs.json", show_default=True, help="Aggregation SRS.")
@click.option("--public", "public_paths", multiple=True, metavar="PUBLIC...",
              help="Public signals of each PROOF, same order (one or more files).")
@click.option("-o", "--output", "out_path", default="aggregate.json", show_default=True, help="Aggregate to write.")
@click.option("--backend", type=click.Choice(["auto", "python", "mcl"]), default="auto", show_default=True,
              help="Curve arithmetic: mcl (native, the fast extra) or pure Python.")
def aggregate_cmd(proof_paths: tuple[str, ...], vk_path: str, srs_path: str, public_paths: tuple[str, ...],
                  out_path: str, backend: str) -> None:
    """Aggregate Groth16 proofs of one key into one SnarkPack proof (O(log n) size)."""
    from zkvmc.aggregate import aggregate_proofs, padded_size
    from zkvmc.aggregate.files import compact_size, read_srs, write_aggregate
    from zkvmc.aggregate.srs import structure_ok
    from zkvmc.artifacts.io import check_writable

    check_writable(out_path)
    be, _ = _backend_and_jobs(backend, 1)
    vk, proofs, publics = _statements(vk_path, proof_paths, public_paths)
    m = padded_size(len(proofs))
    srs = read_srs(srs_path, subgroup_prefix=m, be=be)
    if m > srs.max_proofs:
        raise InputError(f"{len(proofs)} proofs (padded to {m}) exceed the SRS's maximum of {srs.max_proofs} "
                         f"({srs_path}); make a larger one with `zkvmc aggregate-setup --size {m}`")
    if not structure_ok(srs, be):
        raise ArtifactError(srs_path, "", "its powers are not consistent powers of two secrets (not an aggregation SRS)")
    _check_proofs(vk, proofs, publics, proof_paths, be)
    t0 = time.perf_counter()
    agg = aggregate_proofs(vk, publics, proofs, srs, be)
    write_aggregate(out_path, agg)
    err(f"aggregated {agg.n} proofs (padded to {agg.padded}) in {time.perf_counter() - t0:.2f} s -> {out_path} "
        f"({os.path.getsize(out_path)} bytes as JSON, {compact_size(agg)} as raw group elements)")


def _verify(vk_path: str, srs_path: str, agg_path: str, public_paths: tuple[str, ...], be: Backend) -> bool:
    from zkvmc.aggregate import verify_aggregate, verifier_srs
    from zkvmc.errors import BadSRS, MalformedAggregate
    from zkvmc.aggregate.files import read_aggregate, read_srs

    agg = read_aggregate(agg_path)
    if len(public_paths) != agg.n:
        raise InputError(f"{agg_path} aggregates {agg.n} proofs but {len(public_paths)} --public files were given")
    vk, publics = _vk_and_publics(vk_path, public_paths)
    vs = verifier_srs(read_srs(srs_path, be=be))
    try:
        return verify_aggregate(vk, publics, agg, vs, be)
    except MalformedAggregate as e:
        raise ArtifactError(agg_path, e.field, e.message) from None
    except BadSRS as e:
        raise ArtifactError(srs_path, "", str(e)) from None


@click.command("verify-aggregate", cls=PublicListCommand)
@click.argument("agg_path", metavar="AGGREGATE")
@click.option("--vk", "vk_path", default="verification_key.json", show_default=True, help="Verification key.")
@click.option("--srs", "srs_path", default="srs.json", show_default=True, help="Aggregation SRS.")
@click.option("--public", "public_paths", multiple=True, metavar="PUBLIC...",
              help="Public signals of each aggregated proof, in the aggregation's order.")
@click.option("--json", "as_json", is_flag=True, help='Print {"valid": ..., "reason": ...} on stdout.')
@click.option("--backend", type=click.Choice(["auto", "python", "mcl"]), default="auto", show_default=True,
              help="Curve arithmetic: mcl (native, the fast extra) or pure Python.")
def verify_cmd(agg_path: str, vk_path: str, srs_path: str, public_paths: tuple[str, ...], as_json: bool,
               backend: str) -> None:
    """Check a SnarkPack aggregate: exit 0 valid, 1 invalid, 2 malformed input."""
    from zkvmc.backend import get_backend

    with verdict_on_bad_input(as_json):
        ok = _verify(vk_path, srs_path, agg_path, public_paths, get_backend(backend))
    report_verdict(ok, "the aggregate does not prove these public inputs under this key and SRS", as_json)


def register(group: click.Group) -> None:
    """Add aggregate-setup, aggregate and verify-aggregate to the zkvmc group."""
    for cmd in (setup_cmd, aggregate_cmd, verify_cmd):
        group.add_command(cmd)

