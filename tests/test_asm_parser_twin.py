"""The parser (AST built in the LALR reductions) against its naive twin (tree, then walk:
tests/asm_support.py): the same items, spans and instruction texts, or the same error, on
every example program and on mutated sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asm_support import PIECES, PROGRAM_LINES, mutated, reference_parse
from zkvmc.asm.parser import parse
from zkvmc.errors import SourceError

REPO = Path(__file__).resolve().parent.parent
SOURCES = sorted(REPO.glob("programs/**/*.asm"))


def outcome(fn, text: str) -> object:  # type: ignore[no-untyped-def]
    try:
        return fn(text, "t.asm")
    except SourceError as e:
        return ("error", str(e), e.source_line, e.hint, e.notes, e.span)


def test_the_twins_differ_in_mechanism() -> None:
    """The negative twin: the comparison can fail (an AST with another text is another value)."""
    a, b = parse("add r1, r2, 3 ; c", "t.asm"), reference_parse("add r1, r2, 4 ; c", "t.asm")
    assert a != b and a.items[0].text == "add r1, r2, 3"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_example_programs(path: Path) -> None:
    text = path.read_text()
    assert outcome(parse, text) == outcome(reference_parse, text)


@pytest.mark.parametrize("text", [
    "", "\n\n", "nop", "  nop  \t; c\r\n  halt # c", "a: b: c: nop", "x:\n", "\ufeffnop\n",
    "mov r1, 0xZZ\nadd r1 r2", "add r1 r2\nmov r1, 12ab", "mov r1, 12ab\nmov r2, 0xq",
    "load r1, [r2 - 3]\t;x", "store [N + K], r1", ".data 5: 1, 2, -3 ; d", ".include \"a.asm\" # i",
    ".bound L, 0x10\nL: jmp L", "hash r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15, r1, r2",
    "mov r1, " + "9" * 5000, ".public", "add r1, , 2", "load r1, [r1", ".publicx 1", "\"x", "mov r1, ³",
])
def test_edge_cases(text: str) -> None:
    assert outcome(parse, text) == outcome(reference_parse, text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PROGRAM_LINES), min_size=1, max_size=12),
       st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(PIECES), st.booleans()), max_size=4))
def test_mutated_sources(lines: list[str], edits: list[tuple[int, str, bool]]) -> None:
    text = mutated(lines, edits)
    assert outcome(parse, text) == outcome(reference_parse, text)
