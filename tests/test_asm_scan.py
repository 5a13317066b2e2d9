"""The line scanner (zkvmc/asm/scan.py, the parser's fast path) against its twin, the LALR parse
(parser.parse_lalr): wherever the scanner gives items they are the LALR parser's items, spans
and instruction texts; wherever the LALR parser fails, the scanner declines (gives None), so
the error comes from the one definition. It must also really be taken on ordinary sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asm_support import PIECES, PROGRAM_LINES, mutated
from zkvmc.asm.parser import parse, parse_lalr
from zkvmc.asm.scan import scan
from zkvmc.errors import SourceError

REPO = Path(__file__).resolve().parent.parent
SOURCES = sorted(REPO.glob("programs/**/*.asm"))


def agree(text: str) -> bool:
    """The scanner gives the LALR parser's items, or None where it fails or the scanner declines."""
    fast = scan(text, "t.asm")
    try:
        slow = parse_lalr(text, "t.asm").items
    except SourceError:
        return fast is None
    return fast is None or tuple(fast) == slow


def test_the_twins_can_disagree() -> None:
    """The negative twin: another text gives other items, which the comparison sees."""
    fast = scan("load r1, [r2 - 3] ; c", "t.asm")
    assert fast is not None and tuple(fast) != parse_lalr("load r1, [r2 - 4] ; c", "t.asm").items


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_example_programs_take_the_fast_path(path: Path) -> None:
    text = path.read_text()
    fast = scan(text, str(path))
    assert fast is not None, "the scanner declined an example program"
    assert tuple(fast) == parse_lalr(text, str(path)).items


@pytest.mark.parametrize("text", [
    "", "\n", "nop", "  nop  \t; c\r\n  halt # c", "a: b: c: nop", "x:\n", "\ufeffnop\n", "L:.public 1",
    "load r1, [r2 - 3]\t;x", "load r1,[r2-3]", "load r1, [r2 --3]", "load r1, [-3]", "load r1, [r2 + -3]",
    "store [N + K], r1", ".data 5: 1, 2, -3 ; d", ".DATA 0x5:N", ".bound L, 0x10\nL: jmp L", ".Const X Y",
    "add-5", "hash r1, r2, r3, r4, r5, r6, r7, r8", "a:b", "mov r1, -0x1f", "x ; \"quoted\" comment",
])
def test_accepted_shapes(text: str) -> None:
    """Shapes the scanner reads itself, each equal to the LALR parse."""
    fast = scan(text, "t.asm")
    assert fast is not None
    assert tuple(fast) == parse_lalr(text, "t.asm").items


@pytest.mark.parametrize("text", [
    "mov r1, 0xZZ", "add r1 r2", "mov r1, 12ab", ".public", "add r1, , 2", "add r1, 2,", "load r1, [r1",
    "load r1, [r1 + ]", ".publicx 1", "\"x", "mov r1, \u00b3", ".include \"a.asm\"", ".data 5:", ".data 5: 1,",
    ".const 5 5", ".bound L 5", "a: :", "nop\vnop", ".con\u017ft X 1", "[r1]", "5", "load r1, [r2 * 3]",
])
def test_declined_shapes(text: str) -> None:
    """Errors and `.include` are left to the LALR parser, and parse still reports the same way."""
    assert scan(text, "t.asm") is None
    try:
        slow: object = parse_lalr(text, "t.asm")
    except SourceError as e:
        slow = str(e)
    try:
        whole: object = parse(text, "t.asm")
    except SourceError as e:
        whole = str(e)
    assert whole == slow


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PROGRAM_LINES), min_size=1, max_size=12),
       st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(PIECES), st.booleans()), max_size=4))
def test_mutated_sources(lines: list[str], edits: list[tuple[int, str, bool]]) -> None:
    text = mutated(lines, edits)
    assert agree(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES + [" ", " ", ", ", "r2", "7", "[", "]", "+"]), max_size=14))
def test_token_soup(pieces: list[str]) -> None:
    """Random runs of tokens and separators (mostly not valid lines): never a different reading."""
    assert agree("".join(pieces))
