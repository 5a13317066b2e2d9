"""CLI: `zkvmc prove-many` -- prove a folder of witnesses on a Dask cluster (zkvmc.cluster).

WITNESS_DIR/NAME.json -> OUT/NAME/proof.json + OUT/NAME/public.json, on the workers of
--scheduler tcp://host:port or of a LocalCluster on 127.0.0.1 (--workers processes). Messages on
stderr, one line per witness; --json prints the per-witness results on stdout. Exit 0 when every
witness was proved, 1 if a witness does not satisfy the circuit (named), 2 for bad input (found
before any proving where it can be), 3 if the cluster gave up on a task.
"""

from __future__ import annotations

import json
import os
import time
from typing import TYPE_CHECKING, Any

import click

from zkvmc.cli.console import err, out
from zkvmc.errors import EXIT_INTERNAL, EXIT_NEGATIVE, EXIT_OK, InputError, InternalError, NegativeResult

if TYPE_CHECKING:
    from zkvmc.cluster.jobs import ProveOutcome


def _line(o: ProveOutcome) -> str:
    """One witness's result, for a person."""
    if o.exit_code == EXIT_OK:
        loaded = ", loaded the key" if o.loaded_key else ""
        return f"proved {o.name} ({o.seconds:.2f} s on {o.worker}{loaded})"
    kind = {EXIT_NEGATIVE: "unsatisfied", EXIT_INTERNAL: "failed"}.get(o.exit_code, "bad input")
    return f"{kind}: {o.name}: {o.message}"


def _record(o: ProveOutcome, out_dir: str) -> dict[str, Any]:
    """One witness's result, for scripts (--json)."""
    from zkvmc.cluster.jobs import output_paths

    status = {EXIT_OK: "proved", EXIT_NEGATIVE: "unsatisfied", EXIT_INTERNAL: "failed"}.get(o.exit_code, "bad input")
    rec: dict[str, Any] = {"name": o.name, "status": status, "exit_code": o.exit_code, "worker": o.worker}
    if o.exit_code == EXIT_OK:
        proof, public = output_paths(out_dir, o.name)
        rec.update(proof=proof, public=public, seconds=round(o.seconds, 3), loaded_key=o.loaded_key)
    else:
        rec["message"] = o.message
    return rec


def _verdict(outcomes: list[ProveOutcome]) -> None:
    """Raise the error of the worst outcome (internal > bad input > unsatisfied), naming the witnesses."""
    worst = max((o.exit_code for o in outcomes), default=EXIT_OK)
    if worst == EXIT_OK:
        return
    names = ", ".join(o.name for o in outcomes if o.exit_code == worst)
    n = sum(o.exit_code != EXIT_OK for o in outcomes)
    if worst == EXIT_NEGATIVE:
        raise NegativeResult(f"{n} of {len(outcomes)} witness(es) not proved; unsatisfied: {names}")
    if worst == EXIT_INTERNAL:
        raise InternalError(f"{n} of {len(outcomes)} witness(es) not proved; the cluster gave up on: {names}")
    raise InputError(f"{n} of {len(outcomes)} witness(es) not proved; bad input: {names}")


@click.command("prove-many")
@click.argument("witness_dir", metavar="WITNESS_DIR")
@click.option("-o", "--out", "out_dir", default="proofs", show_default=True,
              help="Output folder: OUT/NAME/proof.json and OUT/NAME/public.json per witness NAME.json.")
@click.option("--pk", "pk_path", default="proving_key.json", show_default=True,
              help="Proving key (a path every worker can read).")
@click.option("-c", "--circuit", default="circuit.r1cs.json", show_default=True,
              help="Circuit file (a path every worker can read).")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="A Dask scheduler [default: a LocalCluster on 127.0.0.1].")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="LocalCluster worker processes [default: number of cores].")
@click.option("--insecure-seed", type=int, default=None,
              help="TESTS ONLY: derive each proof's blinding from this seed and the witness's name.")
@click.option("--backend", type=click.Choice(["auto", "python", "mcl"]), default="auto", show_default=True,
              help="Curve arithmetic on the workers.")
@click.option("--json", "as_json", is_flag=True, help="Print the per-witness results as JSON on stdout.")
def prove_many_cmd(witness_dir: str, out_dir: str, pk_path: str, circuit: str, scheduler: str | None,
                   workers: int | None, insecure_seed: int | None, backend: str, as_json: bool) -> None:
    """Prove every witness NAME.json in WITNESS_DIR on a Dask cluster (the `cluster` extra)."""
    from zkvmc.backend.parallel import default_jobs
    from zkvmc.cli.proof_cmds import SEED_WARNING
    from zkvmc.cluster.many import plan, prepare_output, prove_all
    from zkvmc.cluster.session import LOCAL, ClusterSession, check_scheduler, require_distributed

    if check_scheduler(scheduler) not in (None, LOCAL) and workers is not None:
        raise InputError("--workers: only for a LocalCluster; a scheduler's workers are started with it")
    require_distributed()
    jobs = plan(witness_dir, pk_path, circuit, insecure_seed, backend)
    prepare_output(out_dir, jobs)
    if insecure_seed is not None:
        err(SEED_WARNING)
    t0 = time.perf_counter()
    with ClusterSession(scheduler, workers or default_jobs()) as session:
        err(f"proving {len(jobs)} witness(es) from {witness_dir} on {session.describe()}")
        outcomes = prove_all(session, jobs, out_dir, on_outcome=lambda o: err(_line(o)))
    proved = sum(o.exit_code == EXIT_OK for o in outcomes)
    loads = sum(o.loaded_key for o in outcomes)
    err(f"{proved} of {len(outcomes)} proved in {time.perf_counter() - t0:.2f} s -> {os.path.join(out_dir, 'NAME')} "
        f"(the key was loaded {loads} time(s))")
    if as_json:
        out(json.dumps([_record(o, out_dir) for o in outcomes], indent=1))
    _verdict(outcomes)


def register(group: click.Group) -> None:
    """Add prove-many to the zkvmc group."""
    group.add_command(prove_many_cmd)
