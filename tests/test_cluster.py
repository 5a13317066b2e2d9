"""`zkvmc prove-many` on a Dask LocalCluster (127.0.0.1): proofs byte-identical to `zkvmc prove`
with the derived seed (and verifying, and not for another witness's public signals), the key
loaded once per worker, a task whose worker is SIGKILLed while running it moved to another worker,
an unsatisfied witness named with exit 1, and bad input refused with exit 2 before any proving."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli_support import run_in as zkvmc
from cluster_support import OTHER, KillOnce, circuit_dir, cluster, make_circuit, ok  # noqa: F401
from zkvmc.cluster.jobs import derive_seed, witness_files
from zkvmc.cluster.many import plan, prove_all
from zkvmc.cluster.session import ClusterSession, check_scheduler
from zkvmc.errors import InputError

NAMES = ["w1", "w2", "w3", "w4"]


def local_proof(d: Path, name: str, seed: int) -> tuple[bytes, bytes]:
    """(proof.json, public.json) bytes of `zkvmc prove` on witness w/NAME.json with NAME's derived seed."""
    ok(d, "prove", "-w", f"w/{name}.json", "--insecure-seed", str(derive_seed(seed, name)),
       "-p", f"local-{name}-proof.json", "--public", f"local-{name}-public.json", "--quiet")
    return (d / f"local-{name}-proof.json").read_bytes(), (d / f"local-{name}-public.json").read_bytes()


def test_prove_many_on_its_own_local_cluster_equals_local_proving(circuit_dir: Path) -> None:
    d = circuit_dir
    res = zkvmc(d, "prove-many", "w", "-o", "out", "--workers", "2", "--insecure-seed", "5", "--json")
    assert res.returncode == 0, res.stderr
    records = json.loads(res.stdout)
    assert [r["name"] for r in records] == NAMES and all(r["status"] == "proved" for r in records)
    assert len({r["worker"] for r in records}) == 2  # both workers proved
    assert sum(r["loaded_key"] for r in records) == 2  # once per worker, not once per proof
    for name in NAMES:
        proof, public = local_proof(d, name, 5)
        assert (d / "out" / name / "proof.json").read_bytes() == proof
        assert (d / "out" / name / "public.json").read_bytes() == public
        assert ok(d, "verify", "-p", f"out/{name}/proof.json", "--public", f"out/{name}/public.json")
    # negative twin: w1's proof with w2's public signals does not verify
    assert zkvmc(d, "verify", "-p", "out/w1/proof.json", "--public", "out/w2/public.json").returncode == 1
    # another seed gives other proofs of the same statements
    res = zkvmc(d, "prove-many", "w", "-o", "out6", "--scheduler", "local", "--workers", "1", "--insecure-seed", "6")
    assert res.returncode == 0, res.stderr
    assert (d / "out6/w1/proof.json").read_bytes() != (d / "out/w1/proof.json").read_bytes()
    assert (d / "out6/w1/public.json").read_bytes() == (d / "out/w1/public.json").read_bytes()


def test_scheduler_address_and_secure_randomness(circuit_dir: Path, cluster: ClusterSession) -> None:
    d = circuit_dir
    addr = cluster.client.scheduler.address
    for out in ("s1", "s2"):
        res = zkvmc(d, "prove-many", "w", "-o", out, "--scheduler", addr)
        assert res.returncode == 0, res.stderr
        assert "insecure" not in (d / out / "w1" / "proof.json").read_text()
        assert ok(d, "verify", "-p", f"{out}/w3/proof.json", "--public", f"{out}/w3/public.json")
    assert (d / "s1/w3/proof.json").read_bytes() != (d / "s2/w3/proof.json").read_bytes()  # fresh r, s


def test_a_killed_workers_task_is_retried_elsewhere(circuit_dir: Path, cluster: ClusterSession,
                                                   tmp_path: Path) -> None:
    d = circuit_dir
    marker = tmp_path / "killed"
    cluster.client.register_plugin(KillOnce("zkvmc-prove-w2-", str(marker)))
    try:
        outcomes = prove_all(cluster, plan(str(d / "w"), str(d / "proving_key.json"),
                                           str(d / "circuit.r1cs.json"), 5), str(tmp_path / "out"))
    finally:
        cluster.client.unregister_worker_plugin(KillOnce.name)
    key, pid = marker.read_text().split()
    assert key.startswith("zkvmc-prove-w2-")  # the worker died with w2's proof in flight
    story = cluster.cluster.scheduler.story(key)
    moves = [(e[1], e[2]) for e in story]  # (start, finish) of each of the task's transitions
    assert ("processing", "released") in moves  # the scheduler lost it with the worker ...
    assert moves.count(("processing", "memory")) == 1  # ... ran it again, and it finished once
    assert [o.exit_code for o in outcomes] == [0, 0, 0, 0]
    w2 = outcomes[1]
    assert w2.name == "w2" and not w2.worker.endswith(f":{pid}")  # proved by another process
    for name in NAMES:
        proof, public = local_proof(d, name, 5)
        assert (tmp_path / "out" / name / "proof.json").read_bytes() == proof
        assert (tmp_path / "out" / name / "public.json").read_bytes() == public


def test_unsatisfied_witness_exits_1_naming_it(circuit_dir: Path, cluster: ClusterSession, tmp_path: Path) -> None:
    d = circuit_dir
    (tmp_path / "w").mkdir()
    shutil.copy(d / "w/w1.json", tmp_path / "w/good.json")
    obj = json.loads((d / "w/w2.json").read_text())
    obj["witness"][3] = str(int(obj["witness"][3]) + 1)  # a private wire: still below r, no longer consistent
    (tmp_path / "w/bad.json").write_text(json.dumps(obj))
    res = zkvmc(tmp_path, "prove-many", "w", "--pk", str(d / "proving_key.json"), "-c", str(d / "circuit.r1cs.json"),
                "--scheduler", cluster.client.scheduler.address, "--json")
    assert res.returncode == 1, res.stderr
    assert "unsatisfied: bad" in res.stderr and "does not satisfy constraint" in res.stderr
    status = {r["name"]: r["status"] for r in json.loads(res.stdout)}
    assert status == {"bad": "unsatisfied", "good": "proved"}
    assert (tmp_path / "proofs/good/proof.json").exists() and not (tmp_path / "proofs/bad").exists()


def test_bad_input_exits_2_before_proving(circuit_dir: Path, cluster: ClusterSession, tmp_path: Path) -> None:
    d = circuit_dir
    addr = cluster.client.scheduler.address
    pk, circ = str(d / "proving_key.json"), str(d / "circuit.r1cs.json")

    def run(folder: str, *extra: str) -> str:
        res = zkvmc(tmp_path, "prove-many", folder, "--pk", pk, "-c", circ, "--scheduler", addr, *extra)
        assert res.returncode == 2, (res.returncode, res.stderr)
        assert "Traceback" not in res.stderr
        return res.stderr

    assert "not a directory" in run("nowhere")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty/notes.txt").write_text("no witnesses here")
    assert "no witness files" in run("empty")
    (tmp_path / "bad").mkdir()
    shutil.copy(d / "w/w1.json", tmp_path / "bad/w1.json")
    (tmp_path / "bad/w2.json").write_text('{"format": "zkvmc-witness"}')
    assert "bad/w2.json: version" in run("bad")
    other = make_circuit(tmp_path / "other", OTHER, [(4,)])
    (tmp_path / "mixed").mkdir()
    shutil.copy(d / "w/w1.json", tmp_path / "mixed/w1.json")
    shutil.copy(other / "w/w1.json", tmp_path / "mixed/foreign.json")
    assert "mixed/foreign.json: circuit_digest" in run("mixed")
    assert "--scheduler 'udp://x'" in run(str(d / "w"), "--scheduler", "udp://x")
    assert "--workers: only for a LocalCluster" in run(str(d / "w"), "--workers", "3")
    assert not (tmp_path / "proofs").exists()  # nothing was proved or written
    # a key for another circuit: found by the workers, each witness reported
    res = zkvmc(tmp_path, "prove-many", str(d / "w"), "--pk", str(other / "proving_key.json"), "-c", circ,
                "--scheduler", addr)
    assert res.returncode == 2 and "bad input: w1, w2, w3, w4" in res.stderr
    assert "proving key was made for another circuit" in res.stderr


def test_unreachable_scheduler_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("zkvmc.cluster.session.CONNECT_TIMEOUT", 0.5)
    with pytest.raises(InputError, match="cannot connect"):
        ClusterSession("tcp://127.0.0.1:1")


def test_jobs_layout_seeds_and_addresses(tmp_path: Path) -> None:
    for name in ("b.json", "a.json", "notes.txt", ".json"):
        (tmp_path / name).write_text("{}")
    (tmp_path / "sub.json").mkdir()
    assert [n for n, _ in witness_files(str(tmp_path))] == ["a", "b"]
    assert derive_seed(5, "a") == derive_seed(5, "a") != derive_seed(5, "b") != derive_seed(6, "b")
    assert 0 <= derive_seed(5, "a") < 2**63
    assert check_scheduler("tcp://10.0.0.2:8786") == "tcp://10.0.0.2:8786" and check_scheduler(None) is None
    for bad in ("10.0.0.2:8786", "tcp://host", "tcp://host:0", "tcp://host:99999", "http://host:80"):
        with pytest.raises(InputError):
            check_scheduler(bad)
