"""`zkvmc compile` / `info` / `witness` end to end, and the circuit and witness file formats."""

from __future__ import annotations

import json
import os

import pytest

from zkvmc.artifacts.circuit_file import circuit_digest, read_circuit
from zkvmc.artifacts.witness_file import read_witness
from zkvmc.r1cs.system import first_unsatisfied
from cli_support import zkvmc

PROGRAMS = os.path.join(os.path.dirname(__file__), "..", "programs")


def prog(name: str) -> str:
    return os.path.abspath(os.path.join(PROGRAMS, name))




@pytest.fixture
def fib_circuit(tmp_path, capsys) -> str:
    out = str(tmp_path / "circuit.r1cs.json")
    code, _, err = zkvmc(capsys, "compile", prog("fib.asm"), "-o", out)
    assert code == 0, err
    return out


def test_compile_is_byte_identical(tmp_path, capsys, fib_circuit) -> None:
    again = str(tmp_path / "again.json")
    assert zkvmc(capsys, "compile", prog("fib.asm"), "-o", again)[0] == 0
    assert open(fib_circuit, "rb").read() == open(again, "rb").read()


def test_compile_from_image_equals_compile_from_source(tmp_path, capsys, fib_circuit) -> None:
    img = str(tmp_path / "fib.json")
    assert zkvmc(capsys, "assemble", prog("fib.asm"), "-o", img)[0] == 0
    out = str(tmp_path / "from_image.json")
    assert zkvmc(capsys, "compile", img, "-o", out)[0] == 0
    assert read_circuit(out).r1cs == read_circuit(fib_circuit).r1cs


def test_optimisation_levels_shrink_or_keep(tmp_path, capsys) -> None:
    sizes = []
    for level in ("--O0", "--O1", "--O2"):
        out = str(tmp_path / f"c{level}.json")
        code, stdout, _ = zkvmc(capsys, "compile", prog("sort.asm"), level, "-o", out, "--json")
        assert code == 0
        sizes.append(json.loads(stdout)["constraints"])
    assert sizes[0] >= sizes[1] >= sizes[2] and sizes[0] > sizes[2]


def test_info_and_profile(capsys, fib_circuit) -> None:
    code, out, _ = zkvmc(capsys, "info", fib_circuit, "--profile", "--json")
    assert code == 0
    info = json.loads(out)
    c = read_circuit(fib_circuit)
    assert info["constraints"] == len(c.r1cs.constraints)
    assert info["digest"] == circuit_digest(c)
    assert sum(row["constraints"] for row in info["profile"]) == len(c.r1cs.constraints)
    costs = [row["constraints"] for row in info["profile"]]
    assert costs == sorted(costs, reverse=True)
    code, table, _ = zkvmc(capsys, "info", fib_circuit, "--profile")
    assert code == 0 and "fib.asm:" in table and "constraints per source line" in table


def test_witness_reproduces_vm_outputs(tmp_path, capsys, fib_circuit) -> None:
    w_path = str(tmp_path / "witness.json")
    code, out, err = zkvmc(capsys, "witness", "-c", fib_circuit, "-i", prog("fib.input.json"), "-o", w_path)
    assert code == 0, err
    expected = json.load(open(prog("fib.expected.json")))["outputs"]
    assert out.split() == expected
    w = read_witness(w_path)
    c = read_circuit(fib_circuit)
    assert w.circuit_digest == circuit_digest(c)
    assert first_unsatisfied(c.r1cs, list(w.values)) is None


def test_witness_unsatisfied_names_the_line(tmp_path, capsys, fib_circuit) -> None:
    bad = tmp_path / "in.json"
    bad.write_text('{"public": ["70"]}')  # fib.asm's loop has .bound 64
    code, _, err = zkvmc(capsys, "witness", "-c", fib_circuit, "-i", str(bad), "-o", str(tmp_path / "w.json"))
    assert code == 1
    assert "unsatisfied" in err and "fib.asm:" in err
    assert not (tmp_path / "w.json").exists()


def test_witness_wrong_input_count_is_negative(tmp_path, capsys, fib_circuit) -> None:
    bad = tmp_path / "in.json"
    bad.write_text('{"public": ["5", "6"]}')
    code, _, err = zkvmc(capsys, "witness", "-c", fib_circuit, "-i", str(bad), "-o", str(tmp_path / "w.json"))
    assert code == 1 and "exactly 1 public input" in err


@pytest.mark.parametrize("mutate, field", [
    (lambda o: o.update(format="nope"), "format"),
    (lambda o: o.update(version=9), "version"),
    (lambda o: o.update(curve="bls12_381"), "curve"),
    (lambda o: o["constraints"][0][0].update({"1": "7"}), "digest"),
    (lambda o: o.update(prime="7"), "prime"),
])
def test_malformed_circuit_names_field(tmp_path, capsys, fib_circuit, mutate, field) -> None:
    obj = json.load(open(fib_circuit))
    mutate(obj)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(obj))
    code, _, err = zkvmc(capsys, "info", str(bad))
    assert code == 2 and f"{field}:" in err and "Traceback" not in err


def test_circuit_with_consistent_digest_but_bad_index(tmp_path, capsys, fib_circuit) -> None:
    from zkvmc.artifacts.io import digest

    obj = json.load(open(fib_circuit))
    obj["constraints"][0][0] = {str(obj["n_wires"] + 5): "1"}
    body = {k: v for k, v in obj.items() if k not in ("format", "version", "curve", "prime", "digest")}
    obj["digest"] = digest(body)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(obj))
    code, _, err = zkvmc(capsys, "info", str(bad))
    assert code == 2 and "constraints[0][0]" in err and "out of range" in err


def test_missing_circuit_file(tmp_path, capsys) -> None:
    code, _, err = zkvmc(capsys, "info", str(tmp_path / "nope.json"))
    assert code == 2 and "no such file" in err


def test_compile_error_exit_2_with_location(tmp_path, capsys) -> None:
    src = tmp_path / "loop.asm"
    src.write_text("read r1\nloop: sub r1, r1, 1\njnz r1, loop\nhalt\n")
    code, _, err = zkvmc(capsys, "compile", str(src), "-o", str(tmp_path / "c.json"))
    assert code == 2 and "loop.asm:" in err and ".bound" in err
    assert not (tmp_path / "c.json").exists()


@pytest.mark.parametrize("level", ["--O0", "--O1", "--O2"])
def test_witness_rejects_a_private_tape_the_vm_rejects(tmp_path, capsys, level) -> None:
    # A private input pinned by a linear constraint must survive optimisation: otherwise
    # `zkvmc witness` would accept a tape on which the VM faults.
    src = tmp_path / "pin.asm"
    src.write_text(".private 1\n.outputs 1\nsecret r1\nassert_eq r1, 5\nwrite 1\n")
    circ = str(tmp_path / "c.json")
    assert zkvmc(capsys, "compile", str(src), level, "-o", circ)[0] == 0
    for value, want in (("5", 0), ("7", 1)):
        inp = tmp_path / "in.json"
        inp.write_text(json.dumps({"private": [value]}))
        vm_code = zkvmc(capsys, "run", str(src), "-i", str(inp))[0]
        code, _, err = zkvmc(capsys, "witness", "-c", circ, "-i", str(inp), "-o", str(tmp_path / "w.json"))
        assert code == vm_code == want, err


def test_read_circuit_and_digest_gives_the_verified_digest(fib_circuit) -> None:
    from zkvmc.artifacts.circuit_file import read_circuit_and_digest

    c, d = read_circuit_and_digest(fib_circuit)
    assert d == circuit_digest(c) == json.load(open(fib_circuit))["digest"]
