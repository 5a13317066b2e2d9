"""Parser tests: grammar.lark + parser.py give the AST with exact spans, or located syntax errors."""

from __future__ import annotations

import pytest

from zkvmc.asm import ast
from zkvmc.asm.parser import describe_expected, parse
from zkvmc.errors import SourceError, Span


def items(text: str) -> tuple[ast.Item, ...]:
    return parse(text, "t.asm").items


def syntax_error(text: str) -> SourceError:
    with pytest.raises(SourceError) as e:
        parse(text, "t.asm")
    return e.value


def test_instruction_operands_and_spans() -> None:
    (ins,) = items("   add r1, R2, -5   ; comment")
    assert isinstance(ins, ast.Instruction)
    assert ins.mnemonic == "add" and ins.text == "add r1, R2, -5"
    assert ins.span == Span("t.asm", 1, 4)
    a, b, c = ins.args
    assert a == ast.Name("r1", Span("t.asm", 1, 8))
    assert b == ast.Name("R2", Span("t.asm", 1, 12))
    assert c == ast.Number(-5, "-5", Span("t.asm", 1, 16))


def test_labels_alone_and_before_instruction() -> None:
    its = items("start:\n loop: nop # c\n\n")
    assert its == (ast.Label("start", Span("t.asm", 1, 1)), ast.Label("loop", Span("t.asm", 2, 2)),
                   ast.Instruction("nop", (), Span("t.asm", 2, 8), "nop"))


def test_hex_and_decimal_literals() -> None:
    (ins,) = items("mov r1, 0x1F")
    assert ins.args[1].value == 31
    (ins,) = items("mov r1, -0x10")
    assert ins.args[1].value == -16


@pytest.mark.parametrize("text,base,sign,offset", [
    ("[r3]", "r3", 0, None), ("[r3 + 4]", "r3", 1, 4), ("[r3-4]", "r3", -1, 4), ("[12]", 12, 0, None),
    ("[N]", "N", 0, None), ("[r1 + K]", "r1", 1, "K"),
])
def test_memory_operands(text: str, base: object, sign: int, offset: object) -> None:
    (ins,) = items(f"load r0, {text}")
    m = ins.args[1]
    assert isinstance(m, ast.MemOperand) and m.sign == sign
    assert (m.base.text if isinstance(m.base, ast.Name) else m.base.value) == base
    got = None if m.offset is None else (m.offset.text if isinstance(m.offset, ast.Name) else m.offset.value)
    assert got == offset


def test_directives() -> None:
    its = items(".const N 5\n.DATA 10: 1, -2, X\n.public 1\n.Private 0\n.outputs 2\n.bound loop, N\n")
    const, data, pub, priv, outs, bound = its
    assert const.name.text == "N" and const.value.value == 5
    assert data.addr.value == 10 and [v.text for v in data.values] == ["1", "-2", "X"]
    assert (pub.kind, priv.kind, outs.kind) == ("public", "private", "outputs")
    assert bound.label.text == "loop" and bound.count.text == "N"
    assert bound.span == Span("t.asm", 6, 1)


def test_crlf_and_no_final_newline() -> None:
    its = items("nop\r\nhalt")
    assert [i.mnemonic for i in its] == ["nop", "halt"]


@pytest.mark.parametrize("text,line,col,words", [
    ("add r1 r2, 3", 1, 8, "expected ',' or end of line"),
    ("nop\nmov r1, , 2", 2, 9, "expected an operand"),
    ("load r1, [r1", 1, 13, "expected '+', '-' or ']'"),
    (".data 5 6", 1, 9, "expected ':'"),
    (".public", 1, 8, "expected a number or a constant name"),
    (".const 5 5", 1, 8, "expected a constant name"),
    (".bound 3, 4", 1, 8, "expected a label"),
    ("@", 1, 1, "unexpected character '@'"),
    ("nop\n  .frob 1", 2, 3, "unknown directive '.frob'"),
    (".publicx 1", 1, 1, "unknown directive '.publicx'"),
    ("mov r1, 0xZZ", 1, 9, "bad hex literal '0xZZ'"),
    ("mov r1, 12ab", 1, 9, "bad number literal '12ab'"),
])
def test_syntax_errors_are_located(text: str, line: int, col: int, words: str) -> None:
    e = syntax_error(text)
    assert (e.span.line, e.span.col) == (line, col)
    assert words in e.message
    rendered = e.render()
    assert rendered.startswith(f"t.asm:{line}:{col}: error:")
    assert text.splitlines()[line - 1] in rendered and "^" in rendered


def test_syntax_error_hint_names_the_operands() -> None:
    assert "add takes rd, ra, b" in syntax_error("add r1 r2, 3").hint


def test_expected_words() -> None:
    assert describe_expected({"COMMA", "_NL"}) == "',' or end of line"
    assert "a register" in describe_expected({"NAME", "NUMBER", "LSQB"})
