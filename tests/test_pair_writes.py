"""Files that must change together (issue 17): setup's proving_key.json + verification_key.json
and prove's proof.json + public.json. Output paths are checked before any computation; the pair
is written through temporaries, fsync and a journal, so that a process killed between the two
renames leaves readers the old pair or the new one; `--insecure-seed` marks what it makes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import CliResult
from cli_support import run_in as zkvmc
from zkvmc.artifacts.io import KILL_HOOK, PENDING, TMP_TAG

REPO = Path(__file__).resolve().parent.parent
PROGRAM = REPO / "programs" / "popcount.asm"
INPUT = REPO / "programs" / "popcount.input.json"
FAST = ("--quiet", "--backend", "python")


def ok(cwd: Path, *args: str) -> CliResult:
    res = zkvmc(cwd, *args)
    assert res.returncode == 0, res.stderr
    return res


def _killed(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run zkvmc in a real process that the test hook kills right after its first rename."""
    env = dict(os.environ, **{KILL_HOOK: "1"})
    res = subprocess.run([sys.executable, "-m", "zkvmc", *args], cwd=cwd, env=env, capture_output=True,
                         text=True, timeout=600)
    assert res.returncode == 137, res.stderr
    return res


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """A compiled circuit, keys from seed 1, a witness and a proof for input A."""
    (tmp_path / "prog.asm").write_text(PROGRAM.read_text())
    (tmp_path / "input.json").write_text(INPUT.read_text())
    (tmp_path / "input_b.json").write_text(json.dumps({"public": ["7"], "private": []}))
    ok(tmp_path, "compile", "prog.asm")
    ok(tmp_path, "setup", "--insecure-seed", "1", *FAST)
    ok(tmp_path, "witness")
    ok(tmp_path, "prove", "--insecure-seed", "2", *FAST)
    return tmp_path


def _leftovers(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir() if TMP_TAG in p.name or p.name.endswith(PENDING))


def test_output_paths_are_checked_before_computing(folder: Path) -> None:
    pk = (folder / "proving_key.json").read_bytes()
    res = zkvmc(folder, "setup", "--vk", "/nonexistent/vk.json", *FAST)
    assert res.returncode == 2 and "/nonexistent/vk.json: cannot write (no such folder)" in res.stderr
    assert "setup (" not in res.stderr and (folder / "proving_key.json").read_bytes() == pk
    (folder / "adir").mkdir()
    public = (folder / "public.json").read_bytes()
    proof = (folder / "proof.json").read_bytes()
    for args, name in ((("-p", "adir"), "adir: cannot write (is a directory)"),
                       (("--public", "proof.json/x.json"), "proof.json/x.json: cannot write (no such folder)")):
        res = zkvmc(folder, "prove", *args, *FAST)
        assert res.returncode == 2 and name in res.stderr, res.stderr
    assert (folder / "public.json").read_bytes() == public and (folder / "proof.json").read_bytes() == proof
    assert _leftovers(folder) == []


def test_setup_killed_between_renames_leaves_a_consistent_pair(folder: Path, tmp_path_factory) -> None:
    old_vk = (folder / "verification_key.json").read_bytes()
    _killed(folder, "setup", "--insecure-seed", "3", *FAST)
    # On disk the new proving key is in place and the old verification key still is, with journals.
    assert (folder / "verification_key.json").read_bytes() == old_vk
    assert any(n.endswith(PENDING) for n in _leftovers(folder))
    # Any reader completes the interrupted write first: the pair is the new one, consistent.
    ok(folder, "prove", "--insecure-seed", "4", *FAST)
    assert _leftovers(folder) == []
    ok(folder, "verify", "--backend", "python")
    ref = tmp_path_factory.mktemp("ref")
    (ref / "prog.asm").write_text(PROGRAM.read_text())
    ok(ref, "compile", "prog.asm")
    ok(ref, "setup", "--insecure-seed", "3", *FAST)
    for name in ("proving_key.json", "verification_key.json"):
        assert (folder / name).read_bytes() == (ref / name).read_bytes(), name


@pytest.mark.parametrize("reader", [("verify", "--backend", "python"), ("calldata",)])
def test_prove_killed_between_renames_leaves_a_consistent_pair(folder: Path, reader: tuple[str, ...]) -> None:
    old_public = json.loads((folder / "public.json").read_text())
    ok(folder, "witness", "-i", "input_b.json", "-o", "witness_b.json")
    _killed(folder, "prove", "-w", "witness_b.json", "--insecure-seed", "5", *FAST)
    assert json.loads((folder / "public.json").read_text()) == old_public  # the raw pair is mismatched
    ok(folder, *reader)
    assert _leftovers(folder) == []
    new_public = json.loads((folder / "public.json").read_text())
    assert new_public != old_public
    ok(folder, "verify", "--backend", "python")


def test_a_write_after_a_kill_completes_then_replaces(folder: Path) -> None:
    _killed(folder, "prove", "--insecure-seed", "6", *FAST)
    ok(folder, "witness", "-i", "input_b.json", "-o", "witness_b.json")
    ok(folder, "prove", "-w", "witness_b.json", "--insecure-seed", "7", *FAST)
    assert _leftovers(folder) == []
    ok(folder, "verify", "--backend", "python")


def test_stale_temporaries_are_removed(folder: Path) -> None:
    stale = folder / f".proof.json{TMP_TAG}999999999-abc"
    stale.write_text("junk")
    mine = folder / f".proof.json{TMP_TAG}{os.getpid()}-abc"  # a live process's: left alone
    mine.write_text("junk")
    ok(folder, "prove", *FAST)
    assert not stale.exists() and mine.exists()


def test_a_planted_journal_is_refused(folder: Path) -> None:
    (folder / f".proof.json{PENDING}").write_text(json.dumps([["/etc/passwd", str(folder / "proof.json")]]))
    res = zkvmc(folder, "verify", "--backend", "python")
    assert res.returncode == 2 and f"proof.json{PENDING}: not a zkvmc journal" in res.stderr
    assert "Traceback" not in res.stderr


def test_insecure_seed_marks_keys_and_proofs(folder: Path) -> None:
    pk = json.loads((folder / "proving_key.json").read_text())
    vk = json.loads((folder / "verification_key.json").read_text())
    proof = json.loads((folder / "proof.json").read_text())
    assert pk["insecure"] is True and vk["zkvmc"]["insecure"] is True and proof["insecure"] is True
    assert ok(folder, "verify", "--backend", "python").stderr.strip() == "valid"
    res = ok(folder, "prove", "--insecure-seed", "9", *FAST)
    assert "not zero-knowledge" in res.stderr and '"insecure": true' in res.stderr
    ok(folder, "prove", *FAST)
    assert "insecure" not in json.loads((folder / "proof.json").read_text())
    ok(folder, "setup", *FAST)
    assert "insecure" not in json.loads((folder / "proving_key.json").read_text())
    assert "insecure" not in json.loads((folder / "verification_key.json").read_text())["zkvmc"]
    ok(folder, "prove", *FAST)
    ok(folder, "verify", "--backend", "python")
