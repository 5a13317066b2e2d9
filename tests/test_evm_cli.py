"""`zkvmc export-verifier`, `export-bridge` and `calldata` without an EVM: the generated source
carries the key exactly (G2 imaginary parts first), output is deterministic, bad keys and proofs
give exit 2 naming file and field, and `calldata` prints what `snarkjs zkey export
soliditycalldata` prints for the same files (when node and snarkjs are installed)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from evm_support import REPO, proved, zkvmc, ok

SNARKJS = REPO / "node_modules" / ".bin" / "snarkjs"


def constants(source: str) -> dict[str, int]:
    return {m[1]: int(m[2]) for m in re.finditer(r"uint256 internal constant (\w+) = (\d+);", source)}


def copy_of(program: str, tmp: Path) -> Path:
    for name in ("verification_key.json", "proof.json", "public.json"):
        shutil.copy(proved(program) / name, tmp / name)
    return tmp


def test_verifier_constants_are_the_key(tmp_path: Path) -> None:
    d = copy_of("fib", tmp_path)
    res = ok(d, "export-verifier")
    assert "Verifier.sol" in res.stderr and res.stdout == ""
    source = (d / "Verifier.sol").read_text()
    vk = json.loads((d / "verification_key.json").read_text())
    k = constants(source)
    assert (k["ALPHA_X"], k["ALPHA_Y"]) == tuple(int(v) for v in vk["vk_alpha_1"][:2])
    for name, key in (("BETA", "vk_beta_2"), ("GAMMA", "vk_gamma_2"), ("DELTA", "vk_delta_2")):
        (x0, x1), (y0, y1) = vk[key][:2]
        assert (k[f"{name}_X1"], k[f"{name}_X2"], k[f"{name}_Y1"], k[f"{name}_Y2"]) == \
            (int(x1), int(x0), int(y1), int(y0)), name  # imaginary part first, as EIP-197 reads it
    for i, p in enumerate(vk["IC"]):
        assert (k[f"IC{i}_X"], k[f"IC{i}_Y"]) == (int(p[0]), int(p[1]))
    assert f"IC{len(vk['IC'])}_X" not in k
    assert "uint256[2] calldata input" in source and "contract Groth16Verifier" in source
    assert "contract Bridge" not in source


def test_export_is_deterministic(tmp_path: Path) -> None:
    d = copy_of("fib", tmp_path)
    ok(d, "export-bridge", "-o", "one.sol")
    ok(d, "export-bridge", "-o", "two.sol")
    assert (d / "one.sol").read_bytes() == (d / "two.sol").read_bytes()
    assert "contract Bridge is Groth16Verifier" in (d / "one.sol").read_text()


def test_missing_and_malformed_keys(tmp_path: Path) -> None:
    d = copy_of("fib", tmp_path)
    res = zkvmc(d, "export-verifier", "--vk", "nope.json")
    assert res.returncode == 2 and "nope.json" in res.stderr and "Traceback" not in res.stderr
    vk = json.loads((d / "verification_key.json").read_text())
    vk["IC"][1][1] = str(int(vk["IC"][1][1]) + 1)
    (d / "bad.json").write_text(json.dumps(vk))
    res = zkvmc(d, "export-verifier", "--vk", "bad.json", "-o", "V.sol")
    assert res.returncode == 2 and "bad.json: IC[1]" in res.stderr
    assert not (d / "V.sol").exists()


def test_key_without_public_signals_is_refused(tmp_path: Path) -> None:
    d = copy_of("fib", tmp_path)
    vk = json.loads((d / "verification_key.json").read_text())
    vk.update(nPublic=0, IC=vk["IC"][:1])
    (d / "vk0.json").write_text(json.dumps(vk))
    res = zkvmc(d, "export-verifier", "--vk", "vk0.json")
    assert res.returncode == 2 and "vk0.json: nPublic:" in res.stderr and "at least one public signal" in res.stderr
    assert not (d / "Verifier.sol").exists()


def test_bridge_needs_exactly_two_signals(tmp_path: Path) -> None:
    d = copy_of("preimage", tmp_path)
    res = zkvmc(d, "export-bridge")
    assert res.returncode == 2
    assert "verification_key.json: nPublic: the bridge binds exactly 2 public signals" in res.stderr
    assert not (d / "Bridge.sol").exists()
    assert ok(d, "export-verifier").returncode == 0  # the plain verifier takes any count


def test_calldata_format(tmp_path: Path) -> None:
    d = copy_of("fib", tmp_path)
    text = ok(d, "calldata").stdout
    assert text.endswith("]\n") and text.count("\n") == 1
    a, b, c, inputs = json.loads(f"[{text}]")
    proof, public = json.loads((d / "proof.json").read_text()), json.loads((d / "public.json").read_text())
    as_int = lambda xs: [int(x, 16) for x in xs]  # noqa: E731
    assert all(re.fullmatch(r"0x[0-9a-f]{64}", w) for w in [*a, *b[0], *b[1], *c, *inputs])
    assert as_int(a) == [int(v) for v in proof["pi_a"][:2]]
    assert [as_int(row) for row in b] == [[int(row[1]), int(row[0])] for row in proof["pi_b"][:2]]
    assert as_int(c) == [int(v) for v in proof["pi_c"][:2]]
    assert as_int(inputs) == [int(v) for v in public]
    abi = bytes.fromhex(ok(d, "calldata", "--abi").stdout.strip().removeprefix("0x"))
    assert len(abi) == 32 * (8 + len(public))


def test_calldata_of_malformed_proof(tmp_path: Path) -> None:
    d = copy_of("fib", tmp_path)
    proof = json.loads((d / "proof.json").read_text())
    proof["pi_c"][0] = "12"
    (d / "proof.json").write_text(json.dumps(proof))
    res = zkvmc(d, "calldata")
    assert res.returncode == 2 and "proof.json: pi_c" in res.stderr and res.stdout == ""


@pytest.mark.node
@pytest.mark.skipif(shutil.which("node") is None or not SNARKJS.exists(), reason="node or snarkjs not installed (make node)")
@pytest.mark.parametrize("program", ["calls", "state_update"])
def test_calldata_equals_snarkjs(program: str, tmp_path: Path) -> None:
    d = copy_of(program, tmp_path)
    theirs = subprocess.run([str(SNARKJS), "zkey", "export", "soliditycalldata", "public.json", "proof.json"],
                            cwd=d, capture_output=True, text=True, timeout=300, check=True).stdout
    assert ok(d, "calldata").stdout == theirs


def test_docs_name_every_revert_reason_and_command(tmp_path: Path) -> None:
    d = copy_of("fib", tmp_path)
    ok(d, "export-bridge")
    reasons = set(re.findall(r'"(Bridge: [^"]+)"', (d / "Bridge.sol").read_text()))
    assert len(reasons) == 4
    docs = (REPO / "docs" / "l1.md").read_text()
    for reason in reasons:
        assert f'"{reason}"' in docs, reason
    for command in ("zkvmc export-verifier", "zkvmc export-bridge", "zkvmc calldata"):
        assert command in docs
