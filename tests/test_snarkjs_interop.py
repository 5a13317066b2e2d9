"""snarkjs 0.7.6 (the repo's node_modules) accepts zkvmc's Groth16 files and rejects tampered ones.

Also checks vk_alphabeta_12 against ffjavascript's own pairing of vk_alpha_1 and vk_beta_2.
Skipped only when node or node_modules/.bin/snarkjs is missing (`make node` installs them).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from cli_support import REPO, SNARKJS, needs_snarkjs, ok

FFJS = REPO / "node_modules" / "ffjavascript"

pytestmark = needs_snarkjs

PROGRAMS = ["calls", "factorial", "preimage"]

ALPHABETA_JS = """
const ff = require(process.argv[1]);
const vk = ff.utils.unstringifyBigInts(JSON.parse(require("fs").readFileSync(process.argv[2])));
ff.buildBn128(true).then(async (curve) => {
  const e = curve.pairing(curve.G1.fromObject(vk.vk_alpha_1), curve.G2.fromObject(vk.vk_beta_2));
  console.log(JSON.stringify(ff.utils.stringifyBigInts(curve.Gt.toObject(e))));
  await curve.terminate();
});
"""


def snarkjs_verify(cwd: Path, vk: str, public: str, proof: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SNARKJS), "groth16", "verify", vk, public, proof], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module", params=PROGRAMS)
def proved(request, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    d = tmp_path_factory.mktemp(request.param)
    ok(d, "compile", str(REPO / "programs" / f"{request.param}.asm"))
    ok(d, "setup", "--quiet")
    ok(d, "prove", "-i", str(REPO / "programs" / f"{request.param}.input.json"), "--quiet")
    return d


def test_snarkjs_accepts_zkvmc_proof(proved: Path) -> None:
    res = snarkjs_verify(proved, "verification_key.json", "public.json", "proof.json")
    assert res.returncode == 0 and "OK" in res.stdout + res.stderr, res.stdout + res.stderr


def test_snarkjs_rejects_tampered_proof(proved: Path) -> None:
    proof = json.loads((proved / "proof.json").read_text())
    proof["pi_a"], proof["pi_c"] = proof["pi_c"], proof["pi_a"]
    (proved / "tampered.json").write_text(json.dumps(proof))
    res = snarkjs_verify(proved, "verification_key.json", "public.json", "tampered.json")
    assert res.returncode != 0 and "Invalid proof" in res.stdout + res.stderr
    public = json.loads((proved / "public.json").read_text())
    if public:
        (proved / "wrong.json").write_text(json.dumps([str(int(public[0]) + 1), *public[1:]]))
        assert snarkjs_verify(proved, "verification_key.json", "wrong.json", "proof.json").returncode != 0


@pytest.mark.skipif(not FFJS.exists(), reason="ffjavascript missing")
def test_alphabeta_matches_ffjavascript(proved: Path) -> None:
    res = subprocess.run(["node", "-e", ALPHABETA_JS, str(FFJS), str(proved / "verification_key.json")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    vk = json.loads((proved / "verification_key.json").read_text())
    assert json.loads(res.stdout) == vk["vk_alphabeta_12"]


def test_snarkjs_reads_files_marked_insecure(tmp_path: Path) -> None:
    """Keys and proofs made with --insecure-seed carry "insecure": true; snarkjs ignores it."""
    ok(tmp_path, "compile", str(REPO / "programs" / "factorial.asm"))
    ok(tmp_path, "setup", "--quiet", "--insecure-seed", "1")
    ok(tmp_path, "prove", "-i", str(REPO / "programs" / "factorial.input.json"), "--quiet", "--insecure-seed", "2")
    assert json.loads((tmp_path / "proof.json").read_text())["insecure"] is True
    assert json.loads((tmp_path / "verification_key.json").read_text())["zkvmc"]["insecure"] is True
    res = snarkjs_verify(tmp_path, "verification_key.json", "public.json", "proof.json")
    assert res.returncode == 0 and "OK" in res.stdout + res.stderr, res.stdout + res.stderr
