"""Two-way interop with snarkjs 0.7.6 through the iden3 binaries zkvmc exports.

snarkjs reads every example's `.r1cs` (with zkvmc's extra section, and without) with the right
counts, checks exported witnesses (and rejects a tampered one), and runs its own powers of tau,
Groth16 setup and proof on zkvmc's circuit and witness; `zkvmc verify` accepts that proof and
rejects tampered ones. (zkvmc proofs checked by snarkjs: tests/test_snarkjs_interop.py.)
Skipped only when node or node_modules/.bin/snarkjs is missing (`make node` installs them).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from cli_support import REPO, needs_snarkjs, ok, snarkjs, snarkjs_ok
from cli_support import run_in as zkvmc

PROGRAMS = sorted(p.stem for p in (REPO / "programs").glob("*.asm"))
WITH_INPUTS = [p for p in PROGRAMS if (REPO / "programs" / f"{p}.input.json").exists()]
PROVED = ["calls", "popcount"]
"""Small enough for a 2^7 powers-of-tau ceremony (constraints + public signals + 1 <= 128)."""
POWER = 7

pytestmark = needs_snarkjs


def info_counts(text: str) -> dict[str, int]:
    """{"Wires": n, "Constraints": n, ...} from `snarkjs r1cs info` output."""
    return {k: int(v) for k, v in re.findall(r"# of ([A-Za-z ]+): (\d+)", text)}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every program compiled and exported (r1cs with and without zkvmc section; wtns where inputs exist)."""
    d = tmp_path_factory.mktemp("exported")
    for p in PROGRAMS:
        ok(d, "compile", str(REPO / "programs" / f"{p}.asm"), "-o", f"{p}.r1cs.json")
        ok(d, "export", "r1cs", f"{p}.r1cs.json", "-o", f"{p}.r1cs")
        if p in WITH_INPUTS:
            ok(d, "witness", "-c", f"{p}.r1cs.json", "-i", str(REPO / "programs" / f"{p}.input.json"),
               "-o", f"{p}.witness.json")
            ok(d, "export", "wtns", f"{p}.witness.json", "-o", f"{p}.wtns")
    return d


BATCH_JS = """
const snarkjs = require(process.argv[1]);
const quiet = {info() {}, warn() {}, debug() {}, error() {}};
(async () => {
  const out = {};
  for (const [kind, r1cs, wtns] of JSON.parse(process.argv[2])) {
    if (kind === "info") {
      const c = await snarkjs.r1cs.info(r1cs);
      out[r1cs] = {"Wires": c.nVars, "Constraints": c.nConstraints, "Outputs": c.nOutputs,
                   "Public Inputs": c.nPubInputs, "Private Inputs": c.nPrvInputs, "Labels": Number(c.nLabels)};
    } else {
      out[wtns] = await snarkjs.wtns.check(r1cs, wtns, quiet);
    }
  }
  console.log(JSON.stringify(out));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
"""


def tamper_wtns(d: Path, program: str) -> str:
    """A copy of the program's .wtns with the last (private) wire's low bit flipped."""
    data = bytearray((d / f"{program}.wtns").read_bytes())
    n_wires = json.loads((d / f"{program}.r1cs.json").read_text())["n_wires"]
    data[12 + 12 + 40 + 12 + 32 * (n_wires - 1)] ^= 1
    (d / f"{program}.bad.wtns").write_bytes(bytes(data))
    return f"{program}.bad.wtns"


@pytest.fixture(scope="module")
def batch(exported: Path) -> dict:
    """snarkjs's own r1cs info and wtns check (its library, one node process) on every export."""
    jobs = [["info", f"{p}.r1cs", None] for p in PROGRAMS]
    jobs += [["check", f"{p}.r1cs", f"{p}.wtns"] for p in WITH_INPUTS]
    jobs += [["check", f"{p}.r1cs", tamper_wtns(exported, p)] for p in WITH_INPUTS]
    res = subprocess.run(["node", "-e", BATCH_JS, str(REPO / "node_modules" / "snarkjs"), json.dumps(jobs)],
                         cwd=exported, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


@pytest.mark.parametrize("program", PROGRAMS)
def test_snarkjs_r1cs_info_reads_every_program(exported: Path, batch: dict, program: str) -> None:
    c = json.loads((exported / f"{program}.r1cs.json").read_text())
    counts = batch[f"{program}.r1cs"]
    assert counts["Wires"] == c["n_wires"] and counts["Constraints"] == c["n_constraints"]
    assert counts["Outputs"] == c["n_outputs"] and counts["Public Inputs"] == c["n_pub_inputs"]
    assert counts["Labels"] == c["n_signals"] and 0 <= counts["Private Inputs"] <= c["n_private_inputs"]


@pytest.mark.parametrize("program", WITH_INPUTS)
def test_snarkjs_wtns_check_accepts_exported_and_rejects_tampered(batch: dict, program: str) -> None:
    assert batch[f"{program}.wtns"] is True
    assert batch[f"{program}.bad.wtns"] is False


def test_snarkjs_cli_reads_files_with_and_without_zkvmc_section(exported: Path) -> None:
    ok(exported, "export", "r1cs", "fib.r1cs.json", "-o", "fib.plain.r1cs", "--no-metadata")
    assert (exported / "fib.plain.r1cs").stat().st_size < (exported / "fib.r1cs").stat().st_size
    full = info_counts(snarkjs_ok(exported, "r1cs", "info", "fib.r1cs"))
    assert full == info_counts(snarkjs_ok(exported, "r1cs", "info", "fib.plain.r1cs"))
    c = json.loads((exported / "fib.r1cs.json").read_text())
    assert (full["Wires"], full["Constraints"], full["Outputs"]) == (c["n_wires"], c["n_constraints"], c["n_outputs"])


def test_snarkjs_cli_wtns_check_exit_codes(exported: Path) -> None:
    assert "WITNESS IS CORRECT" in snarkjs_ok(exported, "wtns", "check", "fib.r1cs", "fib.wtns")
    res = snarkjs(exported, "wtns", "check", "fib.r1cs", tamper_wtns(exported, "fib"))
    assert res.returncode != 0 and "WITNESS IS NOT CORRECT" in res.stdout + res.stderr


@pytest.fixture(scope="module")
def ptau(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2^POWER powers-of-tau file made by snarkjs (one non-interactive contribution)."""
    d = tmp_path_factory.mktemp("ptau")
    snarkjs_ok(d, "powersoftau", "new", "bn128", str(POWER), "pot0.ptau")
    snarkjs_ok(d, "powersoftau", "contribute", "pot0.ptau", "pot1.ptau", "-e=zkvmc interop test", "-name=test")
    snarkjs_ok(d, "powersoftau", "prepare", "phase2", "pot1.ptau", "pot.ptau")
    return d / "pot.ptau"


@pytest.fixture(scope="module", params=PROVED)
def snarkjs_proof(request: pytest.FixtureRequest, exported: Path, ptau: Path) -> tuple[Path, str]:
    """snarkjs's own setup and proof for zkvmc's exported circuit and witness."""
    p, d = request.param, exported
    snarkjs_ok(d, "groth16", "setup", f"{p}.r1cs", str(ptau), f"{p}.zkey")
    snarkjs_ok(d, "zkey", "export", "verificationkey", f"{p}.zkey", f"{p}.vk.json")
    snarkjs_ok(d, "groth16", "prove", f"{p}.zkey", f"{p}.wtns", f"{p}.proof.json", f"{p}.public.json")
    return d, p


def test_zkvmc_verifies_snarkjs_proof(snarkjs_proof: tuple[Path, str]) -> None:
    d, p = snarkjs_proof
    witness = json.loads((d / f"{p}.witness.json").read_text())["witness"]
    n_public = json.loads(ok(d, "info", f"{p}.r1cs.json", "--json").stdout)
    n = n_public["public_outputs"] + n_public["public_inputs"]
    assert json.loads((d / f"{p}.public.json").read_text()) == witness[1 : 1 + n]
    res = ok(d, "verify", "--vk", f"{p}.vk.json", "-p", f"{p}.proof.json", "--public", f"{p}.public.json", "--json")
    assert json.loads(res.stdout)["valid"] is True


def test_zkvmc_rejects_tampered_snarkjs_proof(snarkjs_proof: tuple[Path, str]) -> None:
    d, p = snarkjs_proof
    proof = json.loads((d / f"{p}.proof.json").read_text())
    proof["pi_a"], proof["pi_c"] = proof["pi_c"], proof["pi_a"]
    (d / f"{p}.tampered.json").write_text(json.dumps(proof))
    res = zkvmc(d, "verify", "--vk", f"{p}.vk.json", "-p", f"{p}.tampered.json", "--public", f"{p}.public.json")
    assert res.returncode == 1
    public = json.loads((d / f"{p}.public.json").read_text())
    (d / f"{p}.wrong.json").write_text(json.dumps([str(int(public[0]) + 1), *public[1:]]))
    res = zkvmc(d, "verify", "--vk", f"{p}.vk.json", "-p", f"{p}.proof.json", "--public", f"{p}.wrong.json")
    assert res.returncode == 1
