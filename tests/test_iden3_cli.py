"""`zkvmc export r1cs|wtns` and `zkvmc import r1cs|wtns`: exact round trips, binding a foreign
witness to a circuit, proving from imported artefacts, and clean errors (exit 1 / 2, no traceback)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from cli_support import REPO, ok, subprocess_zkvmc
from cli_support import run_in as zkvmc


@pytest.fixture(scope="module")
def fib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("fib")
    ok(d, "compile", str(REPO / "programs" / "fib.asm"))
    ok(d, "witness", "-i", str(REPO / "programs" / "fib.input.json"))
    ok(d, "export", "r1cs", "circuit.r1cs.json", "-o", "circuit.r1cs")
    ok(d, "export", "wtns", "witness.json", "-o", "witness.wtns")
    ok(d, "export", "r1cs", "circuit.r1cs.json", "-o", "plain.r1cs", "--no-metadata")
    ok(d, "export", "wtns", "witness.json", "-o", "plain.wtns", "--no-metadata")
    return d


def test_circuit_round_trip_is_byte_exact(fib: Path) -> None:
    ok(fib, "import", "r1cs", "circuit.r1cs", "-o", "back.r1cs.json")
    assert (fib / "back.r1cs.json").read_bytes() == (fib / "circuit.r1cs.json").read_bytes()
    info = json.loads(ok(fib, "info", "back.r1cs.json", "--json").stdout)
    assert info["digest"] == json.loads(ok(fib, "info", "--json").stdout)["digest"]


def test_witness_round_trip_is_byte_exact(fib: Path) -> None:
    ok(fib, "import", "wtns", "witness.wtns", "-o", "back.json")
    assert (fib / "back.json").read_bytes() == (fib / "witness.json").read_bytes()
    ok(fib, "import", "wtns", "plain.wtns", "-o", "bound.json", "-c", "circuit.r1cs.json")
    assert (fib / "bound.json").read_bytes() == (fib / "witness.json").read_bytes()


def test_plain_circuit_imports_without_witness_program(fib: Path) -> None:
    res = ok(fib, "import", "r1cs", "plain.r1cs", "-o", "plain.r1cs.json")
    assert "no witness program" in res.stderr and "import wtns" in res.stderr
    a, b = (json.loads((fib / n).read_text()) for n in ("plain.r1cs.json", "circuit.r1cs.json"))
    assert a["constraints"] == b["constraints"] and a["wire_map"] == b["wire_map"]
    assert a["witness_program"] == [] and a["digest"] != b["digest"]


def test_prove_from_imported_plain_circuit_and_foreign_witness(fib: Path) -> None:
    ok(fib, "import", "r1cs", "plain.r1cs", "-o", "p.r1cs.json")
    res = ok(fib, "import", "wtns", "witness.wtns", "-c", "p.r1cs.json", "-o", "p.witness.json")
    assert "now bound to p.r1cs.json" in res.stderr
    ok(fib, "setup", "-c", "p.r1cs.json", "--pk", "p.pk.json", "--vk", "p.vk.json", "--insecure-seed", "5", "--quiet")
    ok(fib, "prove", "-c", "p.r1cs.json", "--pk", "p.pk.json", "-w", "p.witness.json", "-p", "p.proof.json",
       "--public", "p.public.json", "--insecure-seed", "6", "--quiet")
    assert json.loads((fib / "p.public.json").read_text()) == ["6765", "20"]
    ok(fib, "verify", "--vk", "p.vk.json", "-p", "p.proof.json", "--public", "p.public.json")
    (fib / "p.wrong.json").write_text(json.dumps(["6766", "20"]))
    assert zkvmc(fib, "verify", "--vk", "p.vk.json", "-p", "p.proof.json", "--public", "p.wrong.json").returncode == 1


def tampered(src: Path, dst: Path, wire: int) -> None:
    data = bytearray(src.read_bytes())
    # Section 2 of a wtns starts after magic, version, nSections (12), section 1 (12 + 40) and its header (12).
    off = 12 + 12 + 40 + 12 + 32 * wire
    data[off] ^= 1
    dst.write_bytes(bytes(data))


def test_unsatisfying_witness_is_a_negative_result(fib: Path) -> None:
    tampered(fib / "witness.wtns", fib / "bad.wtns", 100)
    res = zkvmc(fib, "import", "wtns", "bad.wtns", "-c", "circuit.r1cs.json", "-o", "bad.json")
    assert res.returncode == 1 and "does not satisfy" in res.stderr and "constraint" in res.stderr
    assert not (fib / "bad.json").exists()
    # Without -c the values are not checked: the file is only read.
    assert zkvmc(fib, "import", "wtns", "bad.wtns", "-o", "unchecked.json").returncode == 0


def test_witness_without_circuit_needs_c(fib: Path) -> None:
    res = zkvmc(fib, "import", "wtns", "plain.wtns", "-o", "x.json")
    assert res.returncode == 2 and "-c" in res.stderr and not (fib / "x.json").exists()


def test_witness_of_another_size_is_rejected(fib: Path, tmp_path: Path) -> None:
    ok(tmp_path, "compile", str(REPO / "programs" / "popcount.asm"))
    res = zkvmc(tmp_path, "import", "wtns", str(fib / "witness.wtns"), "-c", "circuit.r1cs.json")
    assert res.returncode == 2 and "nWitness" in res.stderr and "65 wires" in res.stderr


@pytest.mark.parametrize("content,what", [
    (b"", "magic"), (b"r1cs\x01\x00\x00\x00\x05\x00\x00\x00", "section[0].type"),
    (b"r1cs" + struct.pack("<II", 1, 1) + struct.pack("<IQ", 1, 10**9), "truncated"),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "magic"),
])
def test_garbage_r1cs_is_a_clean_error(tmp_path: Path, content: bytes, what: str) -> None:
    (tmp_path / "g.r1cs").write_bytes(content)
    res = subprocess_zkvmc(tmp_path, "import", "r1cs", "g.r1cs")
    assert res.returncode == 2 and res.stderr.startswith("g.r1cs: ") and what in res.stderr
    assert "Traceback" not in res.stderr and not (tmp_path / "circuit.r1cs.json").exists()


def test_missing_files_and_wrong_kinds(fib: Path) -> None:
    res = zkvmc(fib, "import", "wtns", "nope.wtns")
    assert res.returncode == 2 and "nope.wtns: no such file" in res.stderr
    res = zkvmc(fib, "import", "wtns", "circuit.r1cs")
    assert res.returncode == 2 and "magic" in res.stderr
    res = zkvmc(fib, "export", "wtns", "circuit.r1cs.json", "-o", "x.wtns")
    assert res.returncode == 2 and "format" in res.stderr and not (fib / "x.wtns").exists()
