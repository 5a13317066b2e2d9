"""End to end through the CLI for every example program: compile -> setup -> witness -> prove
-> verify, and the negatives (tampered proof, wrong public signal, public + r, foreign key,
malformed points), checking exit codes (0 valid, 1 invalid, 2 malformed/mismatch)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zkvmc.curve import g2
from zkvmc.curve.adapter import FIELD_MODULUS
from zkvmc.curve.codec import g2_to_snarkjs
from zkvmc.field import R
from cli_support import REPO, ok, subprocess_zkvmc
from cli_support import run_in as zkvmc

PROGRAMS = sorted(p.stem for p in (REPO / "programs").glob("*.asm") if (REPO / "programs" / f"{p.stem}.input.json").exists())


@pytest.fixture(scope="module", params=PROGRAMS)
def proved(request, tmp_path_factory) -> tuple[str, Path]:  # type: ignore[no-untyped-def]
    """A folder with the program's circuit, keys, witness, proof and public signals (defaults)."""
    name = request.param
    d = tmp_path_factory.mktemp(name)
    ok(d, "compile", str(REPO / "programs" / f"{name}.asm"))
    res = ok(d, "setup", "--insecure-seed", "7", "--quiet")
    assert "development only" in res.stderr and "tests only" in res.stderr
    ok(d, "witness", "-i", str(REPO / "programs" / f"{name}.input.json"))
    ok(d, "prove", "--insecure-seed", "8", "--quiet")
    return name, d


def _edit(src: Path, dst: Path, fn) -> None:  # type: ignore[no-untyped-def]
    obj = json.loads(src.read_text())
    fn(obj)
    dst.write_text(json.dumps(obj))


def test_program_proof_verifies_and_tampering_is_rejected(proved) -> None:  # type: ignore[no-untyped-def]
    name, d = proved
    res = ok(d, "verify")
    assert res.stderr.strip() == "valid"
    expected = json.loads((REPO / "programs" / f"{name}.expected.json").read_text()).get("outputs", [])
    public = json.loads((d / "public.json").read_text())
    assert public[: len(expected)] == [str(int(x) % R) for x in expected]
    # tampered proof: A and C swapped (both valid points): invalid, exit 1
    _edit(d / "proof.json", d / "swapped.json", lambda o: o.update(pi_a=o["pi_c"], pi_c=o["pi_a"]))
    res = zkvmc(d, "verify", "-p", "swapped.json", "--json")
    assert res.returncode == 1 and json.loads(res.stdout)["valid"] is False
    assert res.stderr.startswith("invalid:")


@pytest.mark.parametrize("name", ["calls", "sudoku"])
def test_wrong_public_signals(name: str, tmp_path: Path) -> None:
    d = tmp_path
    ok(d, "compile", str(REPO / "programs" / f"{name}.asm"))
    ok(d, "setup", "--insecure-seed", "3", "--quiet")
    ok(d, "prove", "-i", str(REPO / "programs" / f"{name}.input.json"), "--quiet")
    public = json.loads((d / "public.json").read_text())
    if not public:  # no public signals: one extra one is malformed
        (d / "extra.json").write_text(json.dumps(["1"]))
        assert zkvmc(d, "verify", "--public", "extra.json").returncode == 2
        return
    (d / "wrong.json").write_text(json.dumps([str((int(public[0]) + 1) % R), *public[1:]]))
    assert zkvmc(d, "verify", "--public", "wrong.json").returncode == 1
    (d / "plus_r.json").write_text(json.dumps([str(int(public[0]) + R), *public[1:]]))
    res = zkvmc(d, "verify", "--public", "plus_r.json")
    assert res.returncode == 2 and "plus_r.json: [0]: not below the scalar field modulus r" in res.stderr


def test_prove_from_inputs_directly(two: Path) -> None:
    name, d = "popcount", two
    ok(d, "prove", "--pk", "popcount.pk.json", "-c", "popcount.r1cs.json",
       "-i", str(REPO / "programs" / f"{name}.input.json"), "-p", "p2.json", "--public", "pub2.json", "--quiet")
    assert (d / "pub2.json").read_text() == (d / "popcount.public.json").read_text()
    res = ok(d, "verify", "--vk", "popcount.vk.json", "-p", "p2.json", "--public", "pub2.json", "--json")
    assert json.loads(res.stdout) == {"valid": True, "reason": None}
    (d / "pub3.json").write_text(json.dumps([str(int(x) + 1) for x in json.loads((d / "pub2.json").read_text())]))
    res = zkvmc(d, "verify", "--vk", "popcount.vk.json", "-p", "p2.json", "--public", "pub3.json", "--json")
    assert res.returncode == 1 and json.loads(res.stdout)["valid"] is False


@pytest.fixture(scope="module")
def two(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """Two small programs set up side by side in one folder."""
    d = tmp_path_factory.mktemp("two")
    for name in ("popcount", "factorial"):
        ok(d, "compile", str(REPO / "programs" / f"{name}.asm"), "-o", f"{name}.r1cs.json")
        ok(d, "setup", "-c", f"{name}.r1cs.json", "--pk", f"{name}.pk.json", "--vk", f"{name}.vk.json",
           "--insecure-seed", "1")
        ok(d, "witness", "-c", f"{name}.r1cs.json", "-i", str(REPO / "programs" / f"{name}.input.json"),
           "-o", f"{name}.w.json")
        ok(d, "prove", "--pk", f"{name}.pk.json", "-c", f"{name}.r1cs.json", "-w", f"{name}.w.json",
           "-p", f"{name}.proof.json", "--public", f"{name}.public.json")
    return d


def test_key_from_another_circuit_is_exit_2(two: Path) -> None:
    res = zkvmc(two, "prove", "--pk", "popcount.pk.json", "-c", "factorial.r1cs.json", "-w", "factorial.w.json")
    assert res.returncode == 2 and "popcount.pk.json: circuit_digest" in res.stderr
    res = zkvmc(two, "prove", "--pk", "popcount.pk.json", "-c", "popcount.r1cs.json", "-w", "factorial.w.json")
    assert res.returncode == 2 and "factorial.w.json: circuit_digest" in res.stderr
    ok(two, "verify", "--vk", "popcount.vk.json", "-p", "popcount.proof.json", "--public", "popcount.public.json")
    res = zkvmc(two, "verify", "--vk", "factorial.vk.json", "-p", "popcount.proof.json",
                "--public", "popcount.public.json")
    assert res.returncode == 1


def test_malformed_points_are_exit_2(two: Path) -> None:
    base = two / "popcount.proof.json"
    cases = {
        "off.json": (lambda o: o["pi_a"].__setitem__(1, "5"), "pi_a: point is not on the curve"),
        "big.json": (lambda o: o["pi_c"].__setitem__(0, str(int(o["pi_c"][0]) + FIELD_MODULUS)),
                     "pi_c[0]: not below the field modulus"),
        "sub.json": (lambda o: o.__setitem__("pi_b", g2_to_snarkjs(g2.hash_to_twist(b"cli"))),
                     "pi_b: point is not in the prime-order subgroup"),
    }
    for fname, (fn, message) in cases.items():
        _edit(base, two / fname, fn)
        res = zkvmc(two, "verify", "--vk", "popcount.vk.json", "-p", fname, "--public", "popcount.public.json")
        assert res.returncode == 2 and f"{fname}: {message}" in res.stderr, res.stderr
    res = zkvmc(two, "verify", "--vk", "popcount.vk.json", "-p", "missing.json", "--public", "popcount.public.json")
    assert res.returncode == 2 and "missing.json: no such file" in res.stderr


def test_unsatisfiable_inputs_are_exit_1(two: Path) -> None:
    (two / "bad_input.json").write_text(json.dumps({"public": [], "private": []}))
    res = zkvmc(two, "prove", "--pk", "popcount.pk.json", "-c", "popcount.r1cs.json", "-i", "bad_input.json")
    assert res.returncode == 1 and "Traceback" not in res.stderr and "input" in res.stderr


def test_exit_codes_of_a_real_process(two: Path) -> None:
    args = ["verify", "--vk", "popcount.vk.json", "--public", "popcount.public.json", "-p"]
    res = subprocess_zkvmc(two, *args, "popcount.proof.json")
    assert res.returncode == 0 and res.stderr.strip() == "valid" and res.stdout == ""
    res = subprocess_zkvmc(two, "verify", "--vk", "factorial.vk.json", "--public", "popcount.public.json",
                           "-p", "popcount.proof.json", "--json")
    assert res.returncode == 1 and json.loads(res.stdout)["valid"] is False
    res = subprocess_zkvmc(two, *args, "nope.json")
    assert res.returncode == 2 and "Traceback" not in res.stderr


@pytest.mark.parametrize("digits", ["\u00b3", "\u0663", "\u0661\u0665"])  # superscript 3, Arabic-Indic 3, 15
def test_non_ascii_digits_are_exit_2(two: Path, digits: str) -> None:
    """str.isdigit() takes these; snarkjs and Solidity do not: ASCII decimal only (exit 2, never 3)."""
    public = json.loads((two / "popcount.public.json").read_text())
    (two / "u_public.json").write_text(json.dumps([digits] + public[1:], ensure_ascii=False))
    res = zkvmc(two, "verify", "--vk", "popcount.vk.json", "-p", "popcount.proof.json", "--public", "u_public.json")
    assert res.returncode == 2 and "u_public.json: [0]: expected a decimal string" in res.stderr, res.stderr
    _edit(two / "popcount.proof.json", two / "u_proof.json", lambda o: o["pi_a"].__setitem__(2, digits))
    res = zkvmc(two, "verify", "--vk", "popcount.vk.json", "-p", "u_proof.json", "--public", "popcount.public.json",
                "--json")
    assert res.returncode == 2 and "u_proof.json: pi_a[2]: expected a decimal string" in res.stderr, res.stderr
    assert json.loads(res.stdout)["valid"] is False
    _edit(two / "popcount.vk.json", two / "u_vk.json", lambda o: o["IC"][0].__setitem__(0, digits))
    res = zkvmc(two, "verify", "--vk", "u_vk.json", "-p", "popcount.proof.json", "--public", "popcount.public.json")
    assert res.returncode == 2 and "u_vk.json: IC[0][0]: expected a decimal string" in res.stderr, res.stderr
