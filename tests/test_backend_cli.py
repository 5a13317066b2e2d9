"""`--backend` and `--jobs` on setup, prove and verify: same files whatever the choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import REPO, ok
from cli_support import run_in as zkvmc
from zkvmc.backend import available

BACKENDS = available()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    d = tmp_path_factory.mktemp("backends")
    ok(d, "compile", str(REPO / "programs" / "factorial.asm"))
    ok(d, "witness", "-i", str(REPO / "programs" / "factorial.input.json"))
    return d


def test_keys_and_proofs_are_byte_identical_across_backends_and_jobs(folder: Path) -> None:
    keys = {}
    for b in BACKENDS:
        ok(folder, "setup", "--insecure-seed", "3", "--quiet", "--backend", b, "--jobs", "2",
           "--pk", f"pk_{b}.json", "--vk", f"vk_{b}.json")
        keys[b] = ((folder / f"pk_{b}.json").read_bytes(), (folder / f"vk_{b}.json").read_bytes())
    assert len(set(keys.values())) == 1
    proofs = set()
    for b in BACKENDS:
        for jobs in ("1", "2"):
            ok(folder, "prove", "--insecure-seed", "4", "--quiet", "--backend", b, "--jobs", jobs,
               "--pk", f"pk_{BACKENDS[0]}.json", "-p", f"proof_{b}_{jobs}.json")
            proofs.add((folder / f"proof_{b}_{jobs}.json").read_bytes())
    assert len(proofs) == 1
    ok(folder, "prove", "--insecure-seed", "5", "--quiet", "--pk", f"pk_{BACKENDS[0]}.json", "-p", "other.json")
    assert (folder / "other.json").read_bytes() not in proofs  # fresh randomness, another proof


@pytest.mark.parametrize("backend", BACKENDS + ["auto"])
def test_verify_on_every_backend_accepts_and_rejects_alike(folder: Path, backend: str) -> None:
    ok(folder, "setup", "--insecure-seed", "3", "--quiet", "--pk", "pk.json", "--vk", "vk.json")
    ok(folder, "prove", "--insecure-seed", "4", "--quiet", "--pk", "pk.json", "-p", "proof.json")
    assert zkvmc(folder, "verify", "--backend", backend, "--vk", "vk.json", "-p", "proof.json").returncode == 0
    (folder / "wrong.json").write_text('["3628801", "10"]')
    res = zkvmc(folder, "verify", "--backend", backend, "--vk", "vk.json", "-p", "proof.json", "--public", "wrong.json")
    assert res.returncode == 1 and "invalid" in res.stderr


@pytest.mark.parametrize("args", [["--backend", "gpu"], ["--jobs", "0"], ["--jobs", "x"]])
def test_bad_backend_or_jobs_is_a_usage_error(folder: Path, args: list[str]) -> None:
    res = zkvmc(folder, "prove", "--quiet", *args)
    assert res.returncode == 2 and ("backend" in res.stderr or "jobs" in res.stderr)
