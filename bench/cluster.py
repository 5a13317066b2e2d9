"""Prover-cluster benchmark: `zkvmc prove-many` throughput on Dask with 1 vs 2 workers.

Compiles a Poseidon hash chain (ROUNDS hashes of a public x and a private y, about 237
constraints each: 64 rounds fill a 2^14 domain), runs a seeded setup, makes PROOFS witnesses,
then proves the whole folder (zkvmc.cluster.many, as the CLI does) on a LocalCluster of 1 and of
2 single-threaded worker processes, and in one plain process for reference (zkvmc.groth16.prove
in a loop, no Dask). The proving phase is timed from submission to the last proof written:
cold, each worker loading the key and circuit on its first job (what one `zkvmc prove-many` pays),
and warm, the same jobs again on the same workers (what a long-running cluster, such as the node's,
pays); the cluster's start-up is reported apart. Target (issue 15):
2 workers >= 1.7x the throughput of 1 on this 2-core machine. Every proof is checked to be
byte-identical across the runs (same --insecure-seed).

    .venv/bin/python bench/cluster.py                       # 64 rounds (2^14), 8 proofs
    .venv/bin/python bench/cluster.py --rounds 16 --proofs 6  # quicker (2^12)
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from zkvmc.cluster.jobs import derive_seed, output_paths

PROGRAM = """; a Poseidon hash chain: ROUNDS hashes of x with y
.public 1
.private 1
.outputs 1
.const ROUNDS 64
        read r1
        secret r2
        mov r3, ROUNDS
loop:
        hash r1, r1, r2
        sub r3, r3, 1
        jnz r3, loop
        write r1
        halt
"""

SEED = 11
"""--insecure-seed of every run, so the proofs can be compared byte for byte."""


def zkvmc(cwd: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "zkvmc", *args], cwd=cwd, check=True, capture_output=True)


def prepare(d: Path, rounds: int, proofs: int) -> None:
    """d/circuit.r1cs.json, d/proving_key.json, d/w/p01.json .. (the CLI, as a user would)."""
    (d / "chain.asm").write_text(PROGRAM)
    zkvmc(d, "compile", "chain.asm", "-D", f"ROUNDS={rounds}")
    zkvmc(d, "setup", "--insecure-seed", "1", "--quiet")
    (d / "w").mkdir()
    for k in range(1, proofs + 1):
        (d / f"in{k}.json").write_text('{"public": ["%d"], "private": ["%d"]}' % (k, 1000 + k))
        zkvmc(d, "witness", "-i", f"in{k}.json", "-o", f"w/p{k:02d}.json")


Row = tuple[str, float, float, float]
"""(label, proving s, CPU s of all provers, CPU s of the busiest prover)."""


def _timed(session: Any, jobs: list[Any], out: str, label: str) -> Row:
    """Prove the jobs on the session's workers, timing the wall clock and the workers' CPU."""
    from zkvmc.cluster.many import prove_all

    cpu0 = session.client.run(time.process_time)
    t0 = time.perf_counter()
    outcomes = prove_all(session, jobs, out)
    wall = time.perf_counter() - t0
    cpu1 = session.client.run(time.process_time)
    assert all(o.exit_code == 0 for o in outcomes), [o.message for o in outcomes if o.exit_code]
    used = [cpu1[w] - cpu0[w] for w in cpu1 if w in cpu0]
    return label, wall, sum(used), max(used)


def on_cluster(d: Path, workers: int) -> tuple[float, Row, Row]:
    """(start-up s, a cold run: each worker loads the key, a warm run: keys already loaded) on a LocalCluster."""
    from zkvmc.cluster.many import plan
    from zkvmc.cluster.session import ClusterSession

    jobs = plan(str(d / "w"), str(d / "proving_key.json"), str(d / "circuit.r1cs.json"), SEED)
    t0 = time.perf_counter()
    with ClusterSession(None, workers) as session:
        session.client.wait_for_workers(workers, timeout=120)
        start = time.perf_counter() - t0
        cold = _timed(session, jobs, str(d / f"out{workers}"), f"Dask, {workers} worker(s), cold")
        warm = _timed(session, jobs, str(d / f"warm{workers}"), f"Dask, {workers} worker(s), warm")
    return start, cold, warm


def in_process(d: Path) -> tuple[float, float]:
    """(seconds, CPU seconds) to read the key once and prove every witness in this process (no Dask)."""
    from zkvmc.artifacts.circuit_file import read_circuit_and_digest
    from zkvmc.artifacts.groth16_files import read_pk, write_proof_and_public
    from zkvmc.artifacts.witness_file import read_witness
    from zkvmc.groth16 import prove, public_signals

    t0, cpu0 = time.perf_counter(), time.process_time()
    pk, (c, _) = read_pk(str(d / "proving_key.json")), read_circuit_and_digest(str(d / "circuit.r1cs.json"))
    for w in sorted((d / "w").iterdir()):
        values = read_witness(str(w)).values
        proof = prove(pk, c.r1cs, values, random.Random(derive_seed(SEED, w.stem)), None, None, 1)
        proof_path, public_path = output_paths(str(d / "out0"), w.stem)
        os.makedirs(os.path.dirname(proof_path), exist_ok=True)
        write_proof_and_public(proof_path, proof, public_path, public_signals(c.r1cs, values), insecure=True)
    return time.perf_counter() - t0, time.process_time() - cpu0


def same_proofs(d: Path, names: list[str]) -> bool:
    """Whether every run wrote byte-identical proof.json and public.json files."""
    return all(len({(d / out / n / f).read_bytes() for out in ("out0", "out1", "out2", "warm1", "warm2")}) == 1
               for n in names for f in ("proof.json", "public.json"))


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=64, help="Poseidon hashes in the circuit (64: 2^14 domain)")
    ap.add_argument("--proofs", type=int, default=8, help="witnesses to prove")
    args = ap.parse_args(argv)
    from zkvmc.backend import get_backend

    with tempfile.TemporaryDirectory(prefix="zkvmc-bench-cluster-") as tmp:
        d = Path(tmp)
        prepare(d, args.rounds, args.proofs)
        from zkvmc.artifacts.circuit_file import read_circuit

        n_cons = len(read_circuit(str(d / "circuit.r1cs.json")).r1cs.constraints)
        print(f"prove-many on a Dask LocalCluster (127.0.0.1): {args.proofs} proofs of a {args.rounds}-round Poseidon "
              f"chain ({n_cons} constraints), {get_backend(None).name} backend, {os.cpu_count()} cores")
        local, local_cpu = in_process(d)
        (start1, cold1, warm1), (start2, cold2, warm2) = on_cluster(d, 1), on_cluster(d, 2)
        names = sorted(p.stem for p in (d / "w").iterdir())
        print(f"{'':<28} {'proving s':>10} {'proofs/s':>9} {'CPU s':>7} {'busiest':>8} {'vs 1 worker':>11}")
        rows = [("1 process, no Dask", local, local_cpu, local_cpu), cold1, cold2, warm1, warm2]
        for label, wall, cpu, busiest in rows:
            base = warm1[1] if "warm" in label else cold1[1]
            print(f"{label:<28} {wall:>10.2f} {args.proofs / wall:>9.2f} {cpu:>7.2f} {busiest:>8.2f} {base / wall:>10.2f}x")
        print(f"cluster start-up (not in the times above): {start1:.2f} s for 1 worker, {start2:.2f} s for 2")
        print("proving s: submission to the last proof written; cold: each worker loads the key and circuit first, "
              "warm: the same jobs again with them loaded; CPU s: of the provers, busiest: of the busiest one "
              "(wall well above busiest: the cores were busy with other work)")
        for kind, one, two in (("cold", cold1, cold2), ("warm", warm1, warm2)):
            print(f"speed-up, 2 workers vs 1, {kind}: {one[1] / two[1]:.2f}x measured, {one[3] / two[3]:.2f}x from the "
                  "busiest worker's CPU time (target >= 1.7x)")
        print(f"proofs byte-identical across the runs: {same_proofs(d, names)}")

if __name__ == "__main__":
    main(sys.argv[1:])
