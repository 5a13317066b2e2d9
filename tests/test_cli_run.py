"""`zkvmc run` end to end on the real VM: outputs, --json, --trace, faults (exit 1), bad input (exit 2)."""

from __future__ import annotations

import glob
import json
import os

import pytest

from zkvmc.field import R
from cli_support import zkvmc

FIB = """\
; fib(n) by iteration
.public 1
.outputs 1
        read r1
        mov r2, 0
        mov r3, 1
loop:   jz r1, done
        add r4, r2, r3
        mov r2, r3
        mov r3, r4
        sub r1, r1, 1
        jmp loop
done:   write r2
        halt
.bound loop, 100
"""

DIV = "; divide public by private\n  read r1\n  secret r2\n  div r3, r1, r2\n  write r3\n  write -1\n"




@pytest.fixture
def files(tmp_path):
    def make(name: str, content: str | dict) -> str:
        p = tmp_path / name
        p.write_text(content if isinstance(content, str) else json.dumps(content))
        return str(p)
    return make


def test_run_source_prints_outputs(files, capsys) -> None:
    code, out, err = zkvmc(capsys, "run", files("fib.asm", FIB), "-i", files("in.json", {"public": [10]}))
    assert (code, out) == (0, "55\n")
    assert "halted after" in err and "1 output" in err


def test_run_image_same_as_source(files, capsys, tmp_path) -> None:
    src, inp = files("fib.asm", FIB), files("in.json", {"public": ["0x14"]})
    assert zkvmc(capsys, "assemble", src)[0] == 0
    img = str(tmp_path / "fib.json")
    for extra in ([], ["--json"]):
        from_src = zkvmc(capsys, "run", src, "-i", inp, *extra)
        from_img = zkvmc(capsys, "run", img, "-i", inp, *extra)
        assert from_src[:2] == from_img[:2]
        assert from_src[0] == 0 and "6765" in from_src[1]


def test_run_json_output(files, capsys) -> None:
    code, out, _ = zkvmc(capsys, "run", files("d.asm", DIV), "-i", files("in.json", {"public": [12], "private": [4]}),
                         "--json")
    assert code == 0
    assert json.loads(out) == {"outputs": ["3", str(R - 1)], "steps": 5}


def test_run_fault_exits_1_with_line_and_instruction(files, capsys) -> None:
    d = files("d.asm", DIV)
    code, out, err = zkvmc(capsys, "run", d, "-i", files("in.json", {"public": [12], "private": [0]}))
    assert code == 1 and out == ""
    assert f"{d}:4: div by zero" in err and "div r3, r1, r2" in err and "Traceback" not in err


def test_run_fault_json_has_fault(files, capsys) -> None:
    code, out, _ = zkvmc(capsys, "run", files("d.asm", DIV), "--json",
                         "-i", files("in.json", {"public": [12], "private": [0]}))
    doc = json.loads(out)
    assert code == 1 and doc["outputs"] == [] and doc["steps"] == 2
    assert doc["fault"] == {"pc": 2, "line": 4, "instr": "div r3, r1, r2", "reason": "div by zero"}


def test_run_without_inputs_means_empty_tapes(files, capsys) -> None:
    ok = files("w.asm", "write 7\n")
    assert zkvmc(capsys, "run", ok)[:2] == (0, "7\n")
    f = files("fib.asm", FIB)
    code, _, err = zkvmc(capsys, "run", f)
    assert code == 1 and f"{f}:4:" in err and "read r1" in err


def test_run_unread_inputs_fault_at_halt(files, capsys) -> None:
    f = files("w.asm", "write 7\n")
    code, _, err = zkvmc(capsys, "run", f, "-i", files("in.json", {"private": [1]}))
    assert code == 1 and "unread" in err and err.startswith(f"{f}: ")


def test_run_trace_lists_steps_and_writes(files, capsys) -> None:
    code, out, err = zkvmc(capsys, "run", files("fib.asm", FIB), "-i", files("in.json", {"public": [2]}), "--trace")
    assert (code, out) == (0, "1\n")
    lines = [ln for ln in err.splitlines() if "pc=" in ln]
    assert len(lines) == 3 + 2 * 6 + 3  # prologue, two iterations, the exiting jz, write, halt
    first = lines[0].split()
    assert first[0] == "0" and first[1] == "pc=0" and first[2].endswith("fib.asm:4")
    assert "read r1" in lines[0] and lines[0].endswith("r1=2")
    assert "add r4, r2, r3" in lines[4] and lines[4].endswith("r4=1")


def test_run_max_steps(files, capsys) -> None:
    f, inp = files("fib.asm", FIB), files("in.json", {"public": [10]})
    code, out, err = zkvmc(capsys, "run", f, "-i", inp, "--max-steps", "20")
    assert code == 1 and out == "" and "step limit" in err
    assert zkvmc(capsys, "run", f, "-i", inp, "--max-steps", "66")[:2] == (0, "55\n")


def test_run_bound_exceeded_is_a_fault(files, capsys) -> None:
    f = files("fib.asm", FIB)
    assert zkvmc(capsys, "run", f, "-i", files("a.json", {"public": [100]}))[0] == 0
    code, _, err = zkvmc(capsys, "run", f, "-i", files("b.json", {"public": [101]}))
    assert code == 1 and ".bound" in err and f"{f}:12:" in err


@pytest.mark.parametrize("inputs,field", [
    ({"public": ["ten"]}, "public[0]"),
    ({"public": 5}, "public"),
    ({"secret": []}, "secret"),
    ([1, 2], ""),
])
def test_run_malformed_inputs_exit_2(files, capsys, inputs, field) -> None:
    inp = files("in.json", inputs)
    code, out, err = zkvmc(capsys, "run", files("fib.asm", FIB), "-i", inp)
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith(f"{inp}: {field}") if field else err.startswith(f"{inp}: ")


def test_run_missing_inputs_file(files, capsys, tmp_path) -> None:
    code, _, err = zkvmc(capsys, "run", files("fib.asm", FIB), "-i", str(tmp_path / "none.json"))
    assert code == 2 and "no such file" in err


def test_run_rejects_other_json(files, capsys) -> None:
    other = files("c.json", {"format": "zkvmc-circuit", "version": 1})
    code, _, err = zkvmc(capsys, "run", other)
    assert code == 2 and f"{other}: format:" in err
    broken = files("p.json", '{"format": "zkvmc-program", "version": 1, "source": 3}')
    code, _, err = zkvmc(capsys, "run", broken)
    assert code == 2 and f"{broken}: source: expected str" in err
    bad = files("q.json", '{"format": ')
    code, _, err = zkvmc(capsys, "run", bad)
    assert code == 2 and "not valid JSON" in err


def test_run_missing_program(capsys, tmp_path) -> None:
    code, _, err = zkvmc(capsys, "run", str(tmp_path / "none.asm"))
    assert code == 2 and "no such file" in err


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = sorted(glob.glob(os.path.join(ROOT, "programs", "*.asm")))


@pytest.mark.parametrize("src", EXAMPLES, ids=[os.path.basename(p) for p in EXAMPLES])
def test_examples_source_and_image_agree_with_expected(src, capsys, tmp_path) -> None:
    base = src[: -len(".asm")]
    with open(base + ".expected.json") as f:
        expected = json.load(f)["outputs"]
    img = str(tmp_path / "p.json")
    assert zkvmc(capsys, "assemble", src, "-o", img)[0] == 0
    from_src = zkvmc(capsys, "run", src, "-i", base + ".input.json", "--json")
    from_img = zkvmc(capsys, "run", img, "-i", base + ".input.json", "--json")
    assert from_src[0] == from_img[0] == 0
    assert json.loads(from_src[1]) == json.loads(from_img[1])
    assert json.loads(from_src[1])["outputs"] == expected
