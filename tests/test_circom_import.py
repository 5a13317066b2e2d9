"""A circom circuit into zkvmc: circom2 (WebAssembly circom 2, pinned in package.json) compiles
tests/circom/multiplier.circom, its generated wasm computes the witness, zkvmc imports the
.r1cs and .wtns, then proves and verifies with its own Groth16 (and rejects the wrong claims).
Skipped only when node or node_modules/.bin/circom2 is missing (`make node` installs them).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from cli_support import REPO, ok
from cli_support import run_in as zkvmc

from zkvmc.field import R

CIRCOM2 = REPO / "node_modules" / ".bin" / "circom2"
CIRCUIT = Path(__file__).resolve().parent / "circom" / "multiplier.circom"
A, B, K = 3, 11, 7

pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(shutil.which("node") is None, reason="node not installed"),
    pytest.mark.skipif(not CIRCOM2.exists(), reason="circom2 not installed (make node)"),
]


def run(cwd: Path, *args: str) -> None:
    res = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.fixture(scope="module")
def circom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """circom's multiplier.r1cs and the witness its wasm computes for a=3, b=11, k=7."""
    d = tmp_path_factory.mktemp("circom")
    run(d, str(CIRCOM2), str(CIRCUIT), "--r1cs", "--wasm", "-o", ".")
    (d / "input.json").write_text(json.dumps({"a": str(A), "b": str(B), "k": str(K)}))
    js = d / "multiplier_js"
    run(d, "node", str(js / "generate_witness.js"), str(js / "multiplier.wasm"), "input.json", "witness.wtns")
    return d


def test_import_circom_r1cs(circom: Path) -> None:
    ok(circom, "import", "r1cs", "multiplier.r1cs", "-o", "circuit.r1cs.json")
    c = json.loads((circom / "circuit.r1cs.json").read_text())
    # circom's counts: 6 wires, 2 constraints, 1 output, 1 public input, 2 private inputs.
    assert (c["n_wires"], c["n_constraints"], c["n_outputs"], c["n_pub_inputs"], c["n_private_inputs"]) == (6, 2, 1, 1, 2)
    assert c["witness_program"] == [] and c["source"] == "multiplier.r1cs"
    # Re-exported without zkvmc section it reads back to the same constraint system and counts.
    ok(circom, "export", "r1cs", "circuit.r1cs.json", "--no-metadata", "-o", "again.r1cs")
    ok(circom, "import", "r1cs", "again.r1cs", "-o", "again.r1cs.json")
    again = json.loads((circom / "again.r1cs.json").read_text())
    for key in ("constraints", "wire_map", "n_wires", "n_outputs", "n_pub_inputs", "n_private_inputs", "n_signals"):
        assert again[key] == c[key], key


def test_prove_and_verify_circom_circuit_with_zkvmc(circom: Path) -> None:
    ok(circom, "import", "r1cs", "multiplier.r1cs", "-o", "circuit.r1cs.json")
    ok(circom, "import", "wtns", "witness.wtns", "-c", "circuit.r1cs.json", "-o", "witness.json")
    ok(circom, "setup", "--insecure-seed", "1", "--quiet")
    ok(circom, "prove", "--insecure-seed", "2", "--quiet")
    assert json.loads((circom / "public.json").read_text()) == [str(A * B * K + 1), str(K)]
    ok(circom, "verify")
    (circom / "wrong.json").write_text(json.dumps([str(A * B * K + 2), str(K)]))
    res = zkvmc(circom, "verify", "--public", "wrong.json")
    assert res.returncode == 1 and "invalid" in res.stderr


def test_circom_witness_that_lies_is_rejected(circom: Path) -> None:
    ok(circom, "import", "r1cs", "multiplier.r1cs", "-o", "circuit.r1cs.json")
    data = bytearray((circom / "witness.wtns").read_bytes())
    off = 12 + 12 + 40 + 12 + 32 * 1  # wire 1: the output c
    data[off : off + 32] = (A * B * K + 2).to_bytes(32, "little")
    (circom / "lie.wtns").write_bytes(bytes(data))
    res = zkvmc(circom, "import", "wtns", "lie.wtns", "-c", "circuit.r1cs.json", "-o", "lie.json")
    assert res.returncode == 1 and "does not satisfy" in res.stderr and not (circom / "lie.json").exists()
    data[off : off + 32] = R.to_bytes(32, "little")
    (circom / "big.wtns").write_bytes(bytes(data))
    res = zkvmc(circom, "import", "wtns", "big.wtns", "-c", "circuit.r1cs.json")
    assert res.returncode == 2 and "values)[1]" in res.stderr
