"""Assembler/checker tests: labels, consts, operand kinds, directives -> Program, or located errors."""

from __future__ import annotations

import hashlib

import pytest

from zkvmc.asm import OPERAND_KINDS, assemble_file, assemble_source
from zkvmc.asm.program import Imm, Mem, Reg, Target
from zkvmc.errors import InputError, SourceError
from zkvmc.field import R

FIB = """\
; fib(n)
.public 1
.outputs 1
        read r1
        mov r2, 0
        mov R3, 1
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


def asm(text: str):
    return assemble_source(text, "t.asm")


def error(text: str) -> SourceError:
    with pytest.raises(SourceError) as e:
        asm(text)
    return e.value


def test_fib_program() -> None:
    p = asm(FIB)
    assert [i.op for i in p.instrs][:4] == ["read", "mov", "mov", "jz"]
    assert p.instrs[2].args == (Reg(3), Imm(1)) and p.instrs[2].text == "mov R3, 1"
    assert p.instrs[3].args == (Reg(1), Target("done", 9)) and p.instrs[3].line == 7
    assert p.labels == (("loop", 3), ("done", 9))
    assert (p.public, p.private, p.outputs) == (1, None, 1)
    assert p.bounds == ((3, 100),) and p.bound_of(3) == 100
    assert p.source == "t.asm" and p.source_digest == hashlib.sha256(FIB.encode()).hexdigest()


def test_label_after_last_instruction_is_len() -> None:
    p = asm("jmp end\nnop\nend:\n")
    assert p.instrs[0].args == (Target("end", 2),)


def test_literals_reduced_mod_r() -> None:
    p = asm(f"mov r1, -5\nmov r2, {R + 7}\nmov r3, 0x1f\n")
    assert [i.args[1].value for i in p.instrs] == [R - 5, 7, 31]


def test_consts_forward_and_chained() -> None:
    p = asm("mov r1, B\n.const B A\n.const A -1\nload r2, [r1 - A]\nstore [B], r2\n")
    assert p.instrs[0].args[1] == Imm(R - 1)
    assert p.instrs[1].args[1] == Mem(1, 1)  # r1 - (r - 1) = r1 + 1 mod r
    assert p.instrs[2].args[0] == Mem(None, R - 1)


def test_memory_operand_forms() -> None:
    p = asm("load r1, [r2]\nload r1, [r2 + 3]\nload r1, [r2 - 3]\nload r1, [7]\n")
    assert [i.args[1] for i in p.instrs] == [Mem(2, 0), Mem(2, 3), Mem(2, R - 3), Mem(None, 7)]


def test_data_cells_sorted() -> None:
    p = asm(".data 20: 5\n.data 10: 1, 2, -1\n")
    assert p.data == ((10, 1), (11, 2), (12, R - 1), (20, 5))
    assert asm(".data 65535: 9").data == ((65535, 9),)


def test_every_instruction_in_the_table_assembles() -> None:
    example = {"rd": "r1", "ra": "r2", "b": "7", "L": "here", "n": "3", "mem": "[r4 + 1]"}
    lines = [f"{op} {', '.join(example[k] for k in kinds)}" for op, kinds in OPERAND_KINDS.items()]
    p = asm("here:\n" + "\n".join(lines).upper().replace("HERE", "here"))
    assert [i.op for i in p.instrs] == list(OPERAND_KINDS)
    assert all(len(i.args) == len(OPERAND_KINDS[i.op]) for i in p.instrs)


def test_b_operand_register_or_immediate() -> None:
    p = asm(".const K 4\nadd r1, r2, r3\nadd r1, r2, K\n")
    assert p.instrs[0].args[2] == Reg(3) and p.instrs[1].args[2] == Imm(4)


def test_counts_and_bounds_limits_accepted() -> None:
    p = asm("l: nop\n.public 0\n.private 4294967295\n.bound l, 0\n")
    assert (p.public, p.private, p.bounds) == (0, 4294967295, ((0, 0),))


@pytest.mark.parametrize("text,line,col,words", [
    ("frob r1", 1, 1, "unknown instruction 'frob'"),
    ("nop\nloop\njmp loop", 2, 1, "a label needs a colon: `loop:`"),
    ("asert_eq r1, 1", 1, 1, "did you mean 'assert_eq'"),
    ("add r1, r2", 1, 1, "'add' takes 3 operands, found 2"),
    ("halt r1", 1, 6, "'halt' takes 0 operands, found 1"),
    ("add r1, r2, r3, r4", 1, 17, "takes 3 operands"),
    ("jmp r1", 1, 5, "must be a label, found register r1"),
    ("l: mov r1, 2\nadd l, r1, 1", 2, 5, "must be a register, found label 'l'"),
    ("mov 5, r1", 1, 5, "must be a register, found the number 5"),
    ("mov r16, 1", 1, 5, "no register 'r16'"),
    ("add r1, r2, r99", 1, 13, "no register 'r99'"),
    ("jmp nowhere", 1, 5, "undefined label 'nowhere'"),
    ("mov r1, NOPE", 1, 9, "undefined constant 'NOPE'"),
    ("a: nop\n a: nop", 2, 2, "label 'a' is defined twice"),
    ("shl r1, r2, 64", 1, 13, "shift amount must be 0..63"),
    (".const S 64\nshr r1, r2, S", 2, 13, "S = 64"),
    ("shl r1, r2, r3", 1, 13, "must be an immediate"),
    ("range r1, 0", 1, 11, "range width must be 1..252"),
    ("range r1, 253", 1, 11, "range width must be 1..252"),
    (".data 65536: 1", 1, 7, ".data address must be an integer 0 .. 65535"),
    (".data -1: 1", 1, 7, ".data address"),
    (".data 65534: 1, 2, 3", 1, 20, ".data cell 65536 is outside memory"),
    (".data 1: 1, 2\n.data 2: 5", 2, 10, "memory cell 2 is already set by .data at line 1"),
    (".bound nope, 3", 1, 8, "undefined label 'nope'"),
    ("l: nop\n.bound l, 1\n.bound l, 2", 3, 8, "already has a .bound"),
    ("a:\nb: nop\n.bound a, 1\n.bound b, 2", 4, 8, "already has a .bound"),
    (".public 1\n.public 1", 2, 1, ".public is given twice"),
    (".outputs -1", 1, 10, "the .outputs count must be an integer 0 .. 4294967295"),
    (".private 4294967296", 1, 10, ".private count"),
    ("load r1, [r2 + r3]", 1, 16, "at most one register"),
    ("load r1, [5 + 2]", 1, 15, "absolute address is a single immediate"),
    ("load r1, r2", 1, 10, "must be a memory operand"),
    ("mov r1, [r2]", 1, 9, "must be an immediate"),
    ("l: nop\nmov r1, l", 2, 9, "'l' is a label, not a constant"),
    (".const K 1\njmp K", 2, 5, "'K' is a constant, not a label"),
    (".const A B\n.const B A", 2, 10, "defined in terms of itself"),
    (".const A A", 1, 10, "defined in terms of itself"),
    (".const X 1\n.const X 2", 2, 8, "constant 'X' is defined twice"),
    ("X: nop\n.const X 1", 2, 8, "'X' is already a label"),
    ("r3: nop", 1, 1, "register name"),
    (".const R0 1", 1, 8, "register name"),
    (".const A NOPE", 1, 10, "undefined constant 'NOPE'"),
])
def test_check_errors_are_located(text: str, line: int, col: int, words: str) -> None:
    e = error(text)
    assert (e.span.line, e.span.col) == (line, col), e.render()
    assert words in e.render()
    assert e.source_line == text.splitlines()[line - 1]


def test_assemble_file_reads_and_names_the_file(tmp_path) -> None:
    f = tmp_path / "p.asm"
    f.write_text(FIB)
    p = assemble_file(str(f))
    assert p.source == str(f) and len(p.instrs) == 11
    with pytest.raises(InputError, match="no such file"):
        assemble_file(str(tmp_path / "missing.asm"))
    f.write_bytes(b"nop\n\xff\n")
    with pytest.raises(InputError, match="not UTF-8"):
        assemble_file(str(f))
    f.write_text("nop\n\n  jmp x\n")
    with pytest.raises(SourceError) as e:
        assemble_file(str(f))
    assert str(e.value.span) == f"{f}:3:7"
