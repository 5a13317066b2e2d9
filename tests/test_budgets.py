"""Constraint budgets for the example programs: a lowering change that costs more fails here.

COUNTS holds the counts measured when the budget was set, (O0, O2); each budget is that plus
5 %. Lower counts pass (then update COUNTS so the budget keeps tracking). Compile times are
bench/compile.py's to measure, not asserted (a timed assert fails on a busy machine).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zkvmc.asm import assemble_file
from zkvmc.compiler import compile_program

PROGRAMS = Path(__file__).resolve().parent.parent / "programs"

COUNTS: dict[str, tuple[int, int]] = {
    "calls": (9, 6),
    "factorial": (166, 161),
    "fib": (269, 261),
    "merkle": (1945, 1936),
    "popcount": (67, 64),
    "preimage": (241, 240),
    "signed_vote": (6714, 6704),  # one eddsa (4,975) and seven Poseidon hashes
    "sort": (1446, 1419),
    "state_update": (2680, 2668),
    "sudoku": (112, 84),  # 46 before private inputs were kept through O2 (see docs/compiler.md)
}
"""Program stem -> (constraints at O0, at O2) when the budgets were set."""


def budget(count: int) -> int:
    """count + 5 %, rounded up, at least count + 1."""
    return max(count + 1, -(-count * 105 // 100))


def test_every_example_has_a_budget() -> None:
    missing = sorted({p.stem for p in PROGRAMS.glob("*.asm")} - set(COUNTS))
    assert missing == [], f"add {missing} to COUNTS (constraints at O0 and O2)"


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_within_budget(name: str) -> None:
    program = assemble_file(str(PROGRAMS / f"{name}.asm"))
    for level, count in zip((0, 2), COUNTS[name]):
        n = len(compile_program(program, level).r1cs.constraints)
        assert n <= budget(count), f"{name} at O{level}: {n} constraints, budget {budget(count)}"


def test_budget_catches_a_regression() -> None:
    """The negative twin: a count 10 % over the recorded one is over budget."""
    assert budget(2910) < 2910 * 110 // 100
    assert budget(6) == 7
