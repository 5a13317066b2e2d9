"""`zkvmc aggregate-setup`, `aggregate`, `verify-aggregate` end to end on small files: exit codes
0 / 1 / 2 with a negative twin for each positive, `--public` with several files, and the pure
Python backend."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from zkvmc.aggregate.files import read_srs, write_srs
from zkvmc.artifacts.groth16_files import write_proof_and_public, write_vk
from zkvmc.backend import available, get_backend
from zkvmc.curve.adapter import G1_GEN, reference_g1_add
from zkvmc.field import R
from zkvmc.groth16 import Proof, prove, public_signals, setup
from zkvmc.r1cs.system import R1CS, Constraint

from cli_support import run_in as zkvmc

pytestmark = pytest.mark.skipif("mcl" not in available(), reason="builds its proofs with mcl")

MUL = R1CS(4, 1, 1, (Constraint(((2, 1),), ((3, 1),), ((1, 1),)),))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """vk.json, vk2.json, p0..p4/{proof,public}.json (valid), bad/ (a tampered proof), srs.json (8), srs2.json (8)."""
    d, be, rng = tmp_path_factory.mktemp("agg"), get_backend("mcl"), random.Random(21)
    pk, vk = setup(MUL, rng, backend=be)
    write_vk(str(d / "vk.json"), vk)
    write_vk(str(d / "vk2.json"), setup(MUL, rng, backend=be)[1])
    for i in range(5):
        x, y = rng.randrange(R), rng.randrange(R)
        w = [1, x * y % R, x, y]
        (d / f"p{i}").mkdir()
        write_proof_and_public(str(d / f"p{i}" / "proof.json"), prove(pk, MUL, w, rng, backend=be),
                               str(d / f"p{i}" / "public.json"), public_signals(MUL, w))
    good = json.loads((d / "p0" / "proof.json").read_text())
    (d / "bad").mkdir()
    p = Proof(None, None, reference_g1_add((int(good["pi_c"][0]), int(good["pi_c"][1])), G1_GEN))
    good["pi_c"] = [str(p.c[0]), str(p.c[1]), "1"]
    (d / "bad" / "proof.json").write_text(json.dumps(good))
    for name, seed in (("srs.json", "1"), ("srs2.json", "2")):
        assert zkvmc(d, "aggregate-setup", "--size", "8", "--insecure-seed", seed, "-o", name).returncode == 0
    return d


def _files(n: int, kind: str) -> list[str]:
    return [f"p{i}/{kind}.json" for i in range(n)]


def test_aggregate_then_verify(folder: Path) -> None:
    r = zkvmc(folder, "aggregate", "--vk", "vk.json", "--srs", "srs.json", *_files(5, "proof"),
              "--public", *_files(5, "public"), "-o", "agg5.json")
    assert r.returncode == 0, r.stderr
    assert "aggregated 5 proofs (padded to 8)" in r.stderr
    ok = zkvmc(folder, "verify-aggregate", "--vk", "vk.json", "--srs", "srs.json", "agg5.json",
               "--public", *_files(5, "public"), "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout) == {"valid": True, "reason": None}
    # negative twins: publics reordered, another key, another SRS
    swapped = [_files(5, "public")[1], _files(5, "public")[0], *_files(5, "public")[2:]]
    for args in (["--vk", "vk.json", "--srs", "srs.json", "--public", *swapped],
                 ["--vk", "vk2.json", "--srs", "srs.json", "--public", *_files(5, "public")],
                 ["--vk", "vk.json", "--srs", "srs2.json", "--public", *_files(5, "public")]):
        bad = zkvmc(folder, "verify-aggregate", "agg5.json", *args, "--json")
        assert bad.returncode == 1, (args, bad.stderr)
        assert json.loads(bad.stdout)["valid"] is False


def test_public_given_once_per_proof_works_too(folder: Path) -> None:
    pubs = [a for f in _files(2, "public") for a in ("--public", f)]
    assert zkvmc(folder, "aggregate", "--vk", "vk.json", "--srs", "srs.json", *_files(2, "proof"), *pubs,
                 "-o", "agg2.json").returncode == 0
    assert zkvmc(folder, "verify-aggregate", "--vk", "vk.json", "--srs", "srs.json", "agg2.json", *pubs).returncode == 0


def test_bad_inputs_exit_2_naming_the_file(folder: Path) -> None:
    base = ["aggregate", "--vk", "vk.json", "--srs", "srs.json"]
    r = zkvmc(folder, *base, *_files(3, "proof"), "--public", *_files(2, "public"), "-o", "x.json")
    assert r.returncode == 2 and "3 proofs but 2 --public" in r.stderr
    big = zkvmc(folder, "aggregate-setup", "--size", "2", "--insecure-seed", "3", "-o", "srs_small.json")
    assert big.returncode == 0
    r = zkvmc(folder, "aggregate", "--vk", "vk.json", "--srs", "srs_small.json", *_files(3, "proof"),
              "--public", *_files(3, "public"), "-o", "x.json")
    assert r.returncode == 2 and "exceed the SRS" in r.stderr
    assert zkvmc(folder, "aggregate-setup", "--size", "6", "-o", "s.json").returncode == 2
    assert zkvmc(folder, *base, "p0/proof.json", "--public", "p0/proof.json", "-o", "x.json").returncode == 2
    assert not (folder / "x.json").exists()
    srs = read_srs(str(folder / "srs.json"))
    write_srs(str(folder / "same.json"), replace(srs, g_beta=srs.g_alpha, h_beta=srs.h_alpha), "test", True)
    assert zkvmc(folder, *base, *_files(2, "proof"), "--public", *_files(2, "public"), "-o", "ab.json").returncode == 0
    r = zkvmc(folder, "verify-aggregate", "--vk", "vk.json", "--srs", "same.json", "ab.json",
              "--public", *_files(2, "public"))
    assert r.returncode == 2 and "same.json" in r.stderr and "two secrets" in r.stderr, r.stderr
    r = zkvmc(folder, *base, *_files(2, "proof"), "--public", *_files(2, "public"), "--srs", "same.json", "-o", "x.json")
    assert r.returncode == 2 and "same.json" in r.stderr and not (folder / "x.json").exists()


def test_truncated_or_edited_aggregate_is_rejected(folder: Path) -> None:
    assert zkvmc(folder, "aggregate", "--vk", "vk.json", "--srs", "srs.json", *_files(3, "proof"),
                 "--public", *_files(3, "public"), "-o", "agg3.json").returncode == 0
    text = (folder / "agg3.json").read_text()
    (folder / "cut.json").write_text(text[: len(text) // 2])
    obj = json.loads(text)
    obj["rounds"] = obj["rounds"][:-1]
    (folder / "short.json").write_text(json.dumps(obj))
    obj = json.loads(text)
    obj["rounds"][0]["zab_l"] = "00" * 384
    (folder / "zero.json").write_text(json.dumps(obj))
    verify = ["verify-aggregate", "--vk", "vk.json", "--srs", "srs.json"]
    for name, where in (("cut.json", "not valid JSON"), ("short.json", "rounds"), ("zero.json", "rounds[0].zab_l")):
        r = zkvmc(folder, *verify, name, "--public", *_files(3, "public"))
        assert r.returncode == 2 and name in r.stderr and where in r.stderr, r.stderr
    r = zkvmc(folder, *verify, "agg3.json", "--public", *_files(2, "public"))
    assert r.returncode == 2 and "aggregates 3 proofs but 2 --public" in r.stderr


def test_an_invalid_proof_is_named_and_not_aggregated(folder: Path) -> None:
    r = zkvmc(folder, "aggregate", "--vk", "vk.json", "--srs", "srs.json", "p1/proof.json", "bad/proof.json",
              "--public", "p1/public.json", "p0/public.json", "-o", "never.json")
    assert r.returncode == 1 and "bad/proof.json" in r.stderr and "p1/proof.json" not in r.stderr.split("invalid")[-1]
    assert not (folder / "never.json").exists()


def test_python_backend_aggregate_verifies_with_mcl(folder: Path) -> None:
    r = zkvmc(folder, "aggregate", "--backend", "python", "--vk", "vk.json", "--srs", "srs.json",
              *_files(2, "proof"), "--public", *_files(2, "public"), "-o", "agg_py.json")
    assert r.returncode == 0, r.stderr
    v = ["verify-aggregate", "--vk", "vk.json", "--srs", "srs.json", "agg_py.json", "--public"]
    assert zkvmc(folder, *v, *_files(2, "public")).returncode == 0
    assert zkvmc(folder, *v, *reversed(_files(2, "public"))).returncode == 1


SNARKJS = Path(__file__).resolve().parent.parent / "node_modules" / ".bin" / "snarkjs"


@pytest.mark.skipif(shutil.which("node") is None or not SNARKJS.exists(), reason="snarkjs not installed (make node)")
def test_srs_from_two_ceremonies(folder: Path, tmp_path: Path) -> None:
    """Two snarkjs powers-of-tau ceremonies (one contribution each) give a working SRS; a ceremony
    nobody contributed to (tau = 1), the same ceremony twice, or a cut file are refused."""
    def snarkjs(*args: str) -> None:
        subprocess.run([str(SNARKJS), *args], cwd=tmp_path, check=True, capture_output=True, timeout=120)

    for name, entropy in (("a", "first ceremony"), ("b", "second ceremony")):
        snarkjs("powersoftau", "new", "bn128", "4", f"{name}0.ptau")
        snarkjs("powersoftau", "contribute", f"{name}0.ptau", f"{name}1.ptau", f"-e={entropy}")
    srs = str(tmp_path / "srs.json")
    ok = zkvmc(tmp_path, "aggregate-setup", "--size", "8", "--ptau", "a1.ptau", "--ptau", "b1.ptau", "-o", srs)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(Path(srs).read_text())["insecure"] is False
    assert zkvmc(folder, "aggregate", "--vk", "vk.json", "--srs", srs, *_files(3, "proof"),
                 "--public", *_files(3, "public"), "-o", "agg_pt.json").returncode == 0
    v = ["verify-aggregate", "--vk", "vk.json", "agg_pt.json", "--public", *_files(3, "public")]
    assert zkvmc(folder, *v, "--srs", srs).returncode == 0
    assert zkvmc(folder, *v, "--srs", "srs.json").returncode == 1
    (tmp_path / "cut.ptau").write_bytes((tmp_path / "b1.ptau").read_bytes()[:3000])
    for a, b, why in (("a0.ptau", "b1.ptau", "tau is 1"), ("a1.ptau", "a1.ptau", "the same tau"),
                      ("a1.ptau", "cut.ptau", "cut.ptau")):
        r = zkvmc(tmp_path, "aggregate-setup", "--size", "8", "--ptau", a, "--ptau", b, "-o", "x.json")
        assert r.returncode == 2 and why in r.stderr, r.stderr
    r = zkvmc(tmp_path, "aggregate-setup", "--size", "16", "--ptau", "a1.ptau", "--ptau", "b1.ptau", "-o", "x.json")
    assert r.returncode == 2 and "31 of these powers, 32 are needed" in r.stderr
