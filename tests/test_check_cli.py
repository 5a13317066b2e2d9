"""`zkvmc check`: broken hand-built circuits are flagged with the wire, constraint and line;
clean twins, every example program and the rollup program (compiled small) pass; a circuit the
analysis cannot decide is inconclusive, never clean. circom circuits: test_circom_validator.py."""

from __future__ import annotations

import glob
import json
import os

import pytest

from zkvmc.artifacts.circuit_file import write_circuit
from zkvmc.compiler.circuit import Circuit, Step
from zkvmc.field import R
from zkvmc.r1cs.system import Constraint, R1CS, make_lc
from cli_support import zkvmc

PROGRAMS = os.path.join(os.path.dirname(__file__), "..", "programs")
ONE = 0




def lc(**terms: int) -> tuple:
    """lc(w1=3, w0=1) -> {1: 3, 0: 1}."""
    return make_lc({int(k[1:]): v for k, v in terms.items()})


def circuit(n_wires: int, n_out: int, n_pub: int, cons: list[tuple], steps: list[Step], n_priv: int = 0) -> Circuit:
    """A hand-built circuit whose wires are its signals; constraint k sits on source line k + 1."""
    constraints = tuple(Constraint(a, b, c) for a, b, c in cons)
    return Circuit(r1cs=R1CS(n_wires, n_out, n_pub, constraints), n_signals=n_wires, steps=tuple(steps),
                   wire_map=tuple(range(n_wires)), lines=tuple(range(1, len(cons) + 1)),
                   line_text=tuple((k + 1, f"instr{k + 1}") for k in range(len(cons))),
                   n_private_inputs=n_priv, source="fixture.asm", source_digest="0" * 64)


def inp(wire: int, tape: int, index: int) -> Step:
    return Step("input", (wire,), (), (tape, index))


# --- fixtures: each broken one has a clean twin -------------------------------------------------

def square_output(pinned: bool) -> Circuit:
    """out = x² for public x. Broken: only out·out = t is constrained (out's sign is free)."""
    # wires: 1 out, 2 x (public input), 3 t
    steps = [inp(2, 0, 0), Step("mul", (1,), (lc(w2=1), lc(w2=1))), Step("mul", (3,), (lc(w1=1), lc(w1=1)))]
    cons = [(lc(w1=1), lc(w1=1), lc(w3=1))]
    if pinned:
        cons.append((lc(w2=1), lc(w2=1), lc(w1=1)))
    return circuit(4, 1, 1, cons, steps)


def unused_wire(clean: bool) -> Circuit:
    """out = x·x; broken: also computes a private wire no constraint uses."""
    steps = [inp(2, 0, 0), Step("mul", (1,), (lc(w2=1), lc(w2=1)))]
    cons = [(lc(w2=1), lc(w2=1), lc(w1=1))]
    if not clean:
        steps.append(Step("mul", (3,), (lc(w2=1), lc(w1=1))))
        return circuit(4, 1, 1, cons, steps)
    return circuit(3, 1, 1, cons, steps)


def low_bit(booleanity: bool) -> Circuit:
    """out = low bit of a 2-bit public x: x = b0 + 2·b1, out = b0; broken: no b·(b-1) = 0."""
    # wires: 1 out, 2 x, 3 b0, 4 b1
    steps = [inp(2, 0, 0), Step("bits", (3, 4), (lc(w2=1),), (2,)), Step("lc", (1,), (lc(w3=1),))]
    cons = [(lc(w0=1), lc(w3=1, w4=2), lc(w2=1)), (lc(w0=1), lc(w3=1), lc(w1=1))]
    if booleanity:
        cons += [(lc(w3=1), lc(w3=1, w0=R - 1), ()), (lc(w4=1), lc(w4=1, w0=R - 1), ())]
    return circuit(5, 1, 1, cons, steps)


def division(nonzero_check: bool) -> Circuit:
    """out = a / b for public a, private b; broken: only b·out = a (b = 0 = a leaves out free)."""
    # wires: 1 out, 2 a (public), 3 b (private), 4 inv
    steps = [inp(2, 0, 0), inp(3, 1, 0), Step("div0", (1,), (lc(w2=1), lc(w3=1))), Step("inv0", (4,), (lc(w3=1),))]
    cons = [(lc(w3=1), lc(w1=1), lc(w2=1))]
    if nonzero_check:
        cons.append((lc(w3=1), lc(w4=1), lc(w0=1)))
    return circuit(5, 1, 1, cons, steps, n_priv=1)


CASES = [  # (fixture, inputs for the witness, the kind zkvmc check must report)
    (square_output, {"public": ["3"]}, "under-constrained"),
    (unused_wire, {"public": ["3"]}, "unused-wire"),
    (low_bit, {"public": ["2"]}, "under-constrained"),
    (division, {"public": ["0"], "private": ["0"]}, "under-constrained"),
]


@pytest.mark.parametrize("make, inputs, kind", CASES, ids=[c[0].__name__ for c in CASES])
def test_broken_fixture_is_flagged_and_its_twin_is_clean(tmp_path, capsys, make, inputs, kind) -> None:
    (tmp_path / "in.json").write_text(json.dumps(inputs))
    write_circuit(str(tmp_path / "broken.json"), make(False))
    write_circuit(str(tmp_path / "clean.json"), make(True))
    code, out, _ = zkvmc(capsys, "check", str(tmp_path / "broken.json"), "-i", str(tmp_path / "in.json"), "--json")
    report = json.loads(out)
    assert code == 1 and not report["clean"]
    hits = [f for f in report["findings"] if f["kind"] == kind]
    assert hits, report
    assert all(f["wire"] is not None for f in hits)
    assert all(f["line"] >= 1 and f["instruction"].startswith("instr") for f in hits if kind != "unused-wire")
    if make is not division:  # the twin of a division of 0 by 0 is (rightly) unsatisfiable
        code, out, err = zkvmc(capsys, "check", str(tmp_path / "clean.json"), "-i", str(tmp_path / "in.json"))
        assert code == 0, out + err


def test_division_twin_rejects_zero_divisor_and_is_clean_otherwise(tmp_path, capsys) -> None:
    write_circuit(str(tmp_path / "clean.json"), division(True))
    (tmp_path / "in.json").write_text('{"public": ["0"], "private": ["0"]}')
    code, out, _ = zkvmc(capsys, "check", str(tmp_path / "clean.json"), "-i", str(tmp_path / "in.json"))
    assert code == 1 and "unsatisfied" in out and "fixture.asm:2" in out
    (tmp_path / "in.json").write_text('{"public": ["6"], "private": ["3"]}')
    assert zkvmc(capsys, "check", str(tmp_path / "clean.json"), "-i", str(tmp_path / "in.json"))[0] == 0


def test_static_only_flags_unused_wire_without_witness(tmp_path, capsys) -> None:
    write_circuit(str(tmp_path / "c.json"), unused_wire(False))
    code, out, _ = zkvmc(capsys, "check", str(tmp_path / "c.json"))
    assert code == 1 and "unused-wire" in out and "wire 3" in out


@pytest.mark.parametrize("asm", sorted(glob.glob(os.path.join(PROGRAMS, "*.asm"))), ids=os.path.basename)
def test_every_example_program_is_clean(tmp_path, capsys, asm) -> None:
    circ = str(tmp_path / "c.json")
    assert zkvmc(capsys, "compile", asm, "-o", circ)[0] == 0
    code, out, err = zkvmc(capsys, "check", circ, "-i", asm.replace(".asm", ".input.json"), "--json")
    report = json.loads(out)
    assert code == 0 and report["clean"], report
    assert all(f["kind"] == "free-hint" for f in report["findings"])


def test_witness_from_another_circuit_is_exit_2(tmp_path, capsys) -> None:
    fib = os.path.join(PROGRAMS, "fib.asm")
    calls = os.path.join(PROGRAMS, "calls.asm")
    assert zkvmc(capsys, "compile", fib, "-o", str(tmp_path / "fib.json"))[0] == 0
    assert zkvmc(capsys, "compile", calls, "-o", str(tmp_path / "calls.json"))[0] == 0
    assert zkvmc(capsys, "witness", "-c", str(tmp_path / "calls.json"), "-i", calls.replace(".asm", ".input.json"),
                 "-o", str(tmp_path / "w.json"))[0] == 0
    code, _, err = zkvmc(capsys, "check", str(tmp_path / "fib.json"), "-w", str(tmp_path / "w.json"))
    assert code == 2 and "circuit_digest" in err


def test_tampered_witness_names_the_constraint(tmp_path, capsys) -> None:
    fib = os.path.join(PROGRAMS, "fib.asm")
    assert zkvmc(capsys, "compile", fib, "-o", str(tmp_path / "c.json"))[0] == 0
    assert zkvmc(capsys, "witness", "-c", str(tmp_path / "c.json"), "-i", fib.replace(".asm", ".input.json"),
                 "-o", str(tmp_path / "w.json"))[0] == 0
    obj = json.load(open(tmp_path / "w.json"))
    obj["witness"][5] = str((int(obj["witness"][5]) + 1) % R)
    (tmp_path / "w.json").write_text(json.dumps(obj))
    code, out, _ = zkvmc(capsys, "check", str(tmp_path / "c.json"), "-w", str(tmp_path / "w.json"))
    assert code == 1 and "unsatisfied" in out and "fib.asm:" in out and "A = " in out


# --- the determinism verdicts: inconclusive is never clean ------------------------------------

def cube_root() -> Circuit:
    """out³ = x (out·out = t, t·out = x): three cube roots in F_r, which neither propagation nor
    the repair search can decide. Wires: 1 out, 2 x (public input), 3 t."""
    steps = [inp(2, 0, 0)]
    cons = [(lc(w1=1), lc(w1=1), lc(w3=1)), (lc(w3=1), lc(w1=1), lc(w2=1))]
    return circuit(4, 1, 1, cons, steps)


def test_undecided_wires_make_the_check_inconclusive(tmp_path, capsys) -> None:
    from zkvmc.artifacts.circuit_file import circuit_digest
    from zkvmc.artifacts.witness_file import Witness, write_witness

    c = cube_root()
    write_circuit(str(tmp_path / "c.json"), c)
    write_witness(str(tmp_path / "w.json"), Witness((1, 2, 8, 4), circuit_digest(c)))
    code, out, err = zkvmc(capsys, "check", str(tmp_path / "c.json"), "-w", str(tmp_path / "w.json"), "--json")
    report = json.loads(out)
    assert code == 1 and report["verdict"] == "inconclusive" and not report["clean"]
    assert [(f["kind"], f["severity"], f["wire"]) for f in report["findings"]] == [
        ("undetermined", "unknown", 1), ("undetermined", "unknown", 3)]
    assert "inconclusive: 0 finding(s), 2 undetermined" in err and "clean" not in err
    code, out, err = zkvmc(capsys, "check", str(tmp_path / "c.json"), "-w", str(tmp_path / "w.json"),
                           "--allow-unknown")
    assert code == 0 and "undetermined" in out and "inconclusive" in err


def test_sym_file_errors_are_exit_2(tmp_path, capsys) -> None:
    write_circuit(str(tmp_path / "c.json"), square_output(True))
    (tmp_path / "in.json").write_text('{"public": ["3"]}')
    (tmp_path / "bad.sym").write_text("1,1,0,main.out\nnot a line\n")
    code, _, err = zkvmc(capsys, "check", str(tmp_path / "c.json"), "-i", str(tmp_path / "in.json"),
                         "--sym", str(tmp_path / "bad.sym"))
    assert code == 2 and "bad.sym: line 2" in err
    (tmp_path / "big.sym").write_text("1,9,0,main.out\n")
    code, _, err = zkvmc(capsys, "check", str(tmp_path / "c.json"), "--sym", str(tmp_path / "big.sym"))
    assert code == 2 and "another circuit" in err
    (tmp_path / "ok.sym").write_text("1,1,0,main.out\n2,2,0,main.x\n3,3,0,main.t\n")
    code, out, _ = zkvmc(capsys, "check", str(tmp_path / "c.json"), "-i", str(tmp_path / "in.json"),
                         "--sym", str(tmp_path / "ok.sym"))
    assert code == 0 and out == ""


def test_rollup_program_compiled_small_is_clean(tmp_path, capsys) -> None:
    """programs/rollup/rollup.asm at DEPTH=2, BATCH=1, checked on a deposit into account 1."""
    from zkvmc.crypto.eddsa import prv2pub
    from zkvmc.hash.poseidon import poseidon

    ax, ay = prv2pub(bytes(range(32)))
    z1 = poseidon([0, 0])
    tx = [1, 0, 1, 5, 0, ax, ay, 0, 0, 0]              # deposit of 5 into account 1, key (ax, ay)
    sender = [0, 0, 0, 0] + [0, 0, z1, 0]              # empty account 0, path: (sibling, bit) x 2
    receiver = [0, 0, 0, 0] + [0, 1, z1, 0]            # empty account 1
    inputs = {"public": [str(poseidon([z1, z1])), "1"], "private": [str(x) for x in tx + sender + receiver]}
    (tmp_path / "in.json").write_text(json.dumps(inputs))
    circ = str(tmp_path / "rollup.json")
    asm = os.path.join(PROGRAMS, "rollup", "rollup.asm")
    assert zkvmc(capsys, "compile", asm, "-D", "DEPTH=2", "-D", "BATCH=1", "-o", circ)[0] == 0
    code, out, err = zkvmc(capsys, "check", circ, "-i", str(tmp_path / "in.json"), "--json")
    report = json.loads(out)
    assert code == 0 and report["verdict"] == "clean", report["findings"][:3]
    assert report["findings"] and all(f["kind"] == "free-hint" for f in report["findings"])
