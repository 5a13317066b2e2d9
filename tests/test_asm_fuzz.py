"""Fuzzing the assembler: any text gives a Program or a located SourceError, never anything else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zkvmc.asm import OPERAND_KINDS, assemble_source
from zkvmc.asm.program import Program
from zkvmc.errors import SourceError

TOKENS = sorted(OPERAND_KINDS) + [
    "r0", "R15", "r16", "r", "x", "loop", "loop:", "N", "-", "+", "[", "]", ",", ":", "5", "-7", "0x1f",
    "0xZZ", "12ab", "99999999999999999999999999999999999999999999999999999999999999999999999999999999",
    ".const", ".data", ".public", ".private", ".outputs", ".bound", ".frob", ";c", "#c", "\n", "\n",
    " ", "\t", "\r\n", "\r", "\x0b", "\u2028", "é", "\x00", "@", "64", "253", "65536",
]


def check(text: str) -> None:
    try:
        p = assemble_source(text, "f.asm")
    except SourceError as e:
        lines = text.split("\n")
        assert 1 <= e.span.line <= len(lines), e.render()
        assert e.source_line == lines[e.span.line - 1].removesuffix("\r")
        assert e.span.col >= 1
        assert e.render().startswith(f"f.asm:{e.span.line}:{e.span.col}: error: ")
        return
    assert isinstance(p, Program)
    assert all(i.op in OPERAND_KINDS for i in p.instrs)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join))
def test_token_soup(text: str) -> None:
    check(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text(text: str) -> None:
    check(text)


LINE = st.sampled_from([
    "add r1, r2, 3", "jmp loop", "loop:", "jz r1, end", "end: halt", ".const N 3", ".data 0: 1, 2",
    ".public 1", ".bound loop, N", "load r1, [r2 + N]", "store [N], r1", "shl r1, r2, 63",
    "range r1, 252", "mov r1, N", "call loop", "ret",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(LINE, max_size=12).map("\n".join))
def test_line_soup(text: str) -> None:
    check(text)
