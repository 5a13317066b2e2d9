"""`zkvmc assemble` and malformed programs through the CLI: exit 2 with file:line:col, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from zkvmc.artifacts.program_image import read_program
from zkvmc.asm import assemble_source
from cli_support import zkvmc

GOOD = "; double the input\n.public 1\n.outputs 1\n  read r1\n  add r1, r1, r1\n  write r1\n  halt\n"




def test_assemble_writes_image_next_to_source(tmp_path, capsys) -> None:
    src = tmp_path / "double.asm"
    src.write_text(GOOD)
    code, out, err = zkvmc(capsys, "assemble", str(src))
    assert code == 0 and out == ""
    assert "4 instructions" in err and "double.json" in err
    assert read_program(str(tmp_path / "double.json")) == assemble_source(GOOD, str(src))


def test_assemble_to_chosen_file(tmp_path, capsys) -> None:
    src = tmp_path / "double.asm"
    src.write_text(GOOD)
    code, _, _ = zkvmc(capsys, "assemble", str(src), "-o", str(tmp_path / "out.json"))
    assert code == 0 and (tmp_path / "out.json").exists() and not (tmp_path / "double.json").exists()


def test_assemble_refuses_to_overwrite_source(tmp_path, capsys) -> None:
    src = tmp_path / "prog.json"
    src.write_text(GOOD)
    code, _, err = zkvmc(capsys, "assemble", str(src))
    assert code == 2 and "overwrite" in err and src.read_text() == GOOD


def test_assemble_missing_file(tmp_path, capsys) -> None:
    code, _, err = zkvmc(capsys, "assemble", str(tmp_path / "nope.asm"))
    assert code == 2 and "no such file" in err and "Traceback" not in err


MALFORMED = [
    ("unknown mnemonic", "nop\nfrob r1, r2\n", 2, 1, "unknown instruction 'frob'"),
    ("too few operands", "add r1, r2\n", 1, 1, "'add' takes 3 operands, found 2"),
    ("too many operands", "neg r1, r2, r3\n", 1, 13, "'neg' takes 2 operands, found 3"),
    ("label for register", "l: nop\nadd r1, l, 2\n", 2, 9, "must be a register, found label 'l'"),
    ("immediate as destination", "mov 5, r1\n", 1, 5, "must be a register, found the number 5"),
    ("register r16", "mov r1, 0\nmov r16, 1\n", 2, 5, "no register 'r16'"),
    ("undefined label", "jz r1, nowhere\n", 1, 8, "undefined label 'nowhere'"),
    ("duplicate label", "a: nop\nb: nop\na: halt\n", 3, 1, "label 'a' is defined twice"),
    ("bad hex literal", "mov r1, 0xZZ\n", 1, 9, "bad hex literal '0xZZ'"),
    ("bad decimal literal", "mov r1, 12ab\n", 1, 9, "bad number literal '12ab'"),
    ("bad directive argument", ".public x1\n", 1, 9, "undefined constant 'x1'"),
    ("directive missing argument", ".outputs\n", 1, 9, "expected a number or a constant name"),
    ("unknown directive", ".entry main\n", 1, 1, "unknown directive '.entry'"),
    ("shift 64", "shl r1, r2, 64\n", 1, 13, "shift amount must be 0..63"),
    ("range 0", "range r1, 0\n", 1, 11, "range width must be 1..252"),
    ("range 253", "range r1, 253\n", 1, 11, "range width must be 1..252"),
    ("data address out of range", ".data 70000: 1\n", 1, 7, ".data address must be an integer 0 .. 65535"),
    ("data overlap", ".data 4: 1, 2, 3\n.data 6: 9\n", 2, 10, "memory cell 6 is already set"),
    ("bound on undefined label", "nop\n.bound loop, 3\n", 2, 8, "undefined label 'loop'"),
    ("duplicate .public", ".public 1\n.public 2\n", 2, 1, ".public is given twice"),
    ("two registers in memory operand", "load r1, [r2 + r3]\n", 1, 16, "at most one register"),
    ("missing comma", "add r1 r2, 3\n", 1, 8, "expected ',' or end of line, found 'r2'"),
    ("unclosed bracket", "load r1, [r2 + 1\n", 1, 17, "expected ']'"),
    ("stray character", "mov r1, $5\n", 1, 9, "unexpected character '$'"),
    ("const cycle", ".const A B\n.const B A\n", 2, 10, "defined in terms of itself"),
]


@pytest.mark.parametrize("name,text,line,col,words", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_program_exits_2_located(tmp_path, capsys, name, text, line, col, words) -> None:
    src = tmp_path / "bad.asm"
    src.write_text(text)
    for cmd in (["assemble", str(src)], ["run", str(src)]):
        code, out, err = zkvmc(capsys, *cmd)
        assert code == 2, err
        assert f"{src}:{line}:{col}: error:" in err and words in err, err
        assert text.splitlines()[line - 1] in err and "^" in err
        assert "Traceback" not in err and out == ""
    assert not (tmp_path / "bad.json").exists()


def test_real_binary_reports_source_error(tmp_path) -> None:
    src = tmp_path / "bad.asm"
    src.write_text("nop\n  jmp r3\n")
    exe = os.path.join(os.path.dirname(sys.executable), "zkvmc")
    res = subprocess.run([exe, "assemble", str(src)], capture_output=True, text=True)
    assert res.returncode == 2
    assert f"{src}:2:7: error: operand 1 of 'jmp' must be a label" in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""


def test_assembled_image_is_json(tmp_path, capsys) -> None:
    src = tmp_path / "d.asm"
    src.write_text(GOOD)
    zkvmc(capsys, "assemble", str(src))
    obj = json.loads((tmp_path / "d.json").read_text())
    assert obj["interface"] == {"public": 1, "private": None, "outputs": 1}
    assert [i["op"] for i in obj["instructions"]] == ["read", "add", "write", "halt"]
