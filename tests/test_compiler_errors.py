"""Compile errors: each raises SourceError naming the right line, with a hint; and the twin
with the directive (or bound) that makes the same program compile, faulting where the VM does."""

from __future__ import annotations

import pytest

from compiler_support import agree, asm
from zkvmc.artifacts.inputs import Inputs
from zkvmc.compiler import compile_program
from zkvmc.errors import SourceError

UNBOUNDED = """\
read r1
mov r2, 0
loop:
    add r2, r2, r1
    sub r1, r1, 1
    jnz r1, loop
write r2
"""


def _error(src: str, **kw: int) -> SourceError:
    with pytest.raises(SourceError) as e:
        compile_program(asm(src), **kw)
    return e.value


def test_runtime_exit_loop_without_bound() -> None:
    e = _error(UNBOUNDED)
    assert e.span.line == 4 and "loop" in e.message and "no .bound" in e.message
    assert "`.bound loop, N`" in e.hint
    assert e.span.file == "t.asm" and e.source_line.strip() == "add r2, r2, r1"


def test_runtime_exit_by_forward_branch_without_bound() -> None:
    src = "read r1\nhead:\n  jz r1, out\n  sub r1, r1, 1\n  jmp head\nout:\n  write r1\n"
    e = _error(src)
    assert e.span.line == 3 and "head" in e.message


def test_bound_makes_it_compile_and_fault_past_the_bound() -> None:
    p = asm(".bound loop, 3\n" + UNBOUNDED)
    for n, want in ((1, (1,)), (3, (6,)), (4, (10,))):
        r, o = agree(p, Inputs((n,), ()), 2)
        assert r.fault is None and o.outputs == want
    r, o = agree(p, Inputs((5,), ()), 2)
    assert r.fault is not None and o.unsatisfied is not None


def test_constant_trip_loop_needs_no_bound() -> None:
    c = compile_program(asm("mov r1, 5\nmov r2, 0\nl:\nadd r2, r2, r1\nsub r1, r1, 1\njnz r1, l\nwrite r2\n"))
    assert c.r1cs.n_outputs == 1 and len(c.r1cs.constraints) == 1  # out = 15


def test_certain_fault_inside_the_body_is_not_a_runtime_exit() -> None:
    """A branch inside a constant-trip loop whose side faults for certain (div by 0) does not
    leave the loop: the trip count is still constant, so no `.bound` is needed."""
    src = "read r1\nmov r2, 3\nl:\n  jnz r1, fine\n  div r3, r2, 0\nfine:\n  sub r2, r2, 1\n  jnz r2, l\nwrite r1\n"
    p = asm(src)
    assert agree(p, Inputs((0,), ()), 2)[0].fault is not None
    assert agree(p, Inputs((4,), ()), 2)[1].outputs == (4,)


def test_exit_to_a_fault_outside_the_loop_still_needs_a_bound() -> None:
    """Leaving the loop on a run-time value is a run-time exit wherever it leads (spec)."""
    e = _error("read r1\nmov r2, 3\nl:\n  jz r1, bad\n  sub r2, r2, 1\n  jnz r2, l\nwrite r1\nhalt\nbad:\n  assert_eq r2, -1\n")
    assert e.span.line == 4 and "'l'" in e.message


@pytest.mark.parametrize("directive,body,line,word", [
    (".public", "read r1\njz r1, a\nread r2\na:\nhalt\n", 5, "public"),
    (".private", "read r1\njz r1, a\nsecret r2\na:\nhalt\n", 5, "private"),
    (".outputs", "read r1\njz r1, a\nwrite r1\na:\nhalt\n", 5, "output"),
])
def test_counts_that_differ_need_a_directive(directive: str, body: str, line: int, word: str) -> None:
    e = _error(body)
    assert e.span.line == line and word in e.message and "differs" in e.message
    assert directive in e.hint


@pytest.mark.parametrize("src,pub,priv,ok", [
    (".public 2\nread r1\njz r1, a\nread r2\na:\nhalt\n", (1, 9), (), True),
    (".public 2\nread r1\njz r1, a\nread r2\na:\nhalt\n", (0, 9), (), False),
    (".private 1\nread r1\njz r1, a\nsecret r2\na:\nhalt\n", (1,), (4,), True),
    (".private 1\nread r1\njz r1, a\nsecret r2\na:\nhalt\n", (0,), (4,), False),
    (".outputs 1\nread r1\njz r1, a\nwrite r1\na:\nhalt\n", (3,), (), True),
    (".outputs 1\nread r1\njz r1, a\nwrite r1\na:\nhalt\n", (0,), (), False),
])
def test_directive_makes_the_other_runs_faults(src: str, pub: tuple, priv: tuple, ok: bool) -> None:
    r, o = agree(asm(src), Inputs(pub, priv), 2)
    assert (r.fault is None) == ok and (o.unsatisfied is None) == ok


def test_symbolic_step_budget() -> None:
    # A loop with an exit (a constant trip count) that is too long; a loop with no exit at all is
    # refused before the budget is spent (tests/test_compiler_refusals.py).
    e = _error("mov r1, 100000\nspin:\n  sub r1, r1, 1\n  jnz r1, spin\nhalt\n", max_steps=1000)
    assert e.span.line in (3, 4) and "1000" in e.message and e.hint


def test_constraint_budget() -> None:
    e = _error("read r1\nread r2\nhash r3, r1, r2\nwrite r3\n", max_constraints=100)
    assert e.span.line == 3 and "100" in e.message and e.hint
    assert compile_program(asm("read r1\nread r2\nhash r3, r1, r2\nwrite r3\n"), max_constraints=300)


def test_call_depth_is_a_predicated_fault_not_an_error() -> None:
    """Recursion 65 deep faults (VM), 64 deep is fine; the compiler only makes the deep run unsatisfiable."""
    def rec(depth: int) -> str:
        return f"mov r1, {depth}\ncall f\nwrite r2\nhalt\nf:\n  sub r1, r1, 1\n  add r2, r2, 1\n  jz r1, done\n  call f\ndone:\n  ret\n"
    r, o = agree(asm(rec(64)), Inputs((), ()), 2)
    assert r.fault is None and o.outputs == (64,)
    r, o = agree(asm(rec(65)), Inputs((), ()), 2)
    assert r.fault is not None and o.unsatisfied is not None
