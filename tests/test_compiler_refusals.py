"""Hopeless programs are refused up front (issue 17, zkvmc/compiler/hopeless.py): a loop no run
can leave, and a loop whose exits are all run-time branches with a `.bound` too large for the
step budget, are a SourceError at the loop's line as soon as a state shows it, instead of after
the budget is spent. The twins show that unreachable traps, traps and loops whose `.bound` fits,
loops with a constant exit and loops that may fault still compile, the circuit agreeing with the
VM. The verdicts are tested, not the time (bench/asm.py measures it)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from cli_support import run_in
from compiler_support import agree, asm
from zkvmc.artifacts.inputs import Inputs
from zkvmc.compiler import compile_program
from zkvmc.compiler.hopeless import Refusals, round_path, traps
from zkvmc.compiler.loops import find_loops
from zkvmc.errors import SourceError

SPIN = "L: jmp L\n"
HUGE_BOUND = ".bound L, 4294967295\nnop\nL:\n  add r1, r1, 1\n  jmp L\n"
SPIN_ON_ZERO = "read r1\njz r1, spin\nwrite r1\nhalt\nspin:\n  nop\n  jmp spin\n"
COUNTDOWN = "  read r1\nL:\n  sub r1, r1, 1\n  jnz r1, L\n  write r1\n"
"""A loop whose only exit is a run-time branch: it unrolls to its `.bound`."""
HUGE = ".bound L, 4294967295\n"


def _refusal(src: str) -> SourceError:
    with pytest.raises(SourceError) as e:
        compile_program(asm(src))
    return e.value


@pytest.mark.parametrize("src,line,words", [
    (SPIN, 1, "never exits"),
    (HUGE_BOUND, 4, "4294967295 more iterations"),
    (SPIN_ON_ZERO, 6, "never exits"),  # reached on a run-time path: that path can never halt
    ("nop\nouter:\n  mov r2, 3\ninner:\n  sub r2, r2, 1\n  jnz r2, inner\n  jmp outer\n", 3, "never exits"),
    (HUGE + COUNTDOWN, 4, "unrolls all 4294967295 iterations"),
    (".bound L, 3000000\n" + COUNTDOWN, 4, "unrolls all 3000000 iterations"),
    (HUGE + "  read r1\n  read r2\nL:\n  mul r3, r1, r2\n  add r1, r1, 7\n  jz r3, out\n  mov r2, r3\n"
     "  jnz r1, L\nout:\n  write r3\n", 5, "unrolls all"),  # two run-time exits
])
def test_loop_without_exit_is_refused(src: str, line: int, words: str) -> None:
    e = _refusal(src)
    assert e.span.file == "t.asm" and e.span.line == line and words in e.message and e.hint


def test_refusal_is_a_usage_error_at_file_line_col(tmp_path: Path) -> None:
    (tmp_path / "spin.asm").write_text("; spins\n" + HUGE_BOUND)
    r = run_in(tmp_path, "compile", "spin.asm", "-o", "c.json")
    assert r.returncode == 2 and "spin.asm:5:1: error:" in r.stderr and "hint:" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "c.json").exists()


@pytest.mark.parametrize("src", [
    "jmp end\nL: jmp L\nend:\n  halt\n",            # the trap is unreachable
    "mov r1, 1\njz r1, L\nhalt\nL: jmp L\n",         # reachable only on a branch that is never taken
])
def test_unreached_trap_still_compiles(src: str) -> None:
    assert traps(asm(src)) and compile_program(asm(src)).r1cs.constraints is not None


@pytest.mark.parametrize("x,ok", [(5, True), (0, False)])
def test_trap_with_a_small_bound_compiles_as_a_fault(x: int, ok: bool) -> None:
    """`.bound spin, 3` makes the spinning run a fault: unrolled, not refused; circuit == VM."""
    r, o = agree(asm(".bound spin, 3\n" + SPIN_ON_ZERO), Inputs((x,), ()), 2)
    assert (r.fault is None) == ok and (o.unsatisfied is None) == ok


@pytest.mark.parametrize("src,trapped", [
    (SPIN, {0}),
    ("L: read r1\njmp L\n", set()),        # read may fault (with .public n): not a trap
    ("L: call f\njmp L\nf: ret\n", set()),  # call/ret: not a trap
    ("L: jnz r1, L\nhalt\n", set()),       # an exit
    (HUGE_BOUND, {0, 1, 2}),               # the nop before the loop falls into it
])
def test_traps(src: str, trapped: set[int]) -> None:
    assert traps(asm(src)) == trapped


def test_loop_that_may_fault_is_unrolled_not_refused() -> None:
    """`read` can fault (past `.public 2`): the loop ends there, so the program compiles."""
    r, o = agree(asm(".public 2\nL:\n  read r1\n  write r1\n  jmp L\n"), Inputs((1, 2), ()), 0)
    assert r.fault is not None and o.unsatisfied is not None


@pytest.mark.parametrize("src", [
    ".bound L, 5\n" + COUNTDOWN,                               # the bound fits: unrolled
    HUGE + "  read r1\n  mov r2, 10\nL:\n  jz r1, out\n  sub r1, r1, 1\n  sub r2, r2, 1\n"
    "  jnz r2, L\nout:\n  write r1\n",                        # a constant exit after 10
    HUGE + "  read r1\n  mov r2, 3\nL:\n  jnz r1, a\n  nop\na:\n  sub r2, r2, 1\n  jnz r2, L\n"
    "  write r1\n",                                             # both sides of jnz r1 stay in the body
    HUGE + "  read r1\nL:\n  sub r2, r1, r1\n  jz r2, out\n  sub r1, r1, 1\n  jnz r1, L\nout:\n  write r1\n",
])
def test_loops_that_may_end_early_still_compile(src: str) -> None:
    """Not refused: a constant (r1 - r1 = 0, a counter) ends these loops before their bound."""
    assert compile_program(asm(src), 0).r1cs.constraints


@pytest.mark.parametrize("x,ok", [(3, True), (0, False), (9, False)])
def test_countdown_within_its_bound_agrees_with_the_vm(x: int, ok: bool) -> None:
    """The negative twin of the refusal: `.bound L, 5` compiles; x = 0 wraps round, 9 > 5 faults."""
    r, o = agree(asm(".bound L, 5\n" + COUNTDOWN), Inputs((x,), ()), 2)
    assert (r.fault is None) == ok and (o.unsatisfied is None) == ok


def test_round_path_shapes() -> None:
    def path(src: str) -> object:
        p = asm(src)
        (loop,) = find_loops(p).values()
        return round_path(p, loop)
    assert path(COUNTDOWN) == ((1, False), (2, True))
    assert path("L:\n  jz r1, x\n  nop\n  jmp L\nx:\n  halt\n") == ((0, False), (1, False), (2, True))
    assert path("L:\n  load r2, [r1]\n  jnz r2, L\n") is None              # load may fault
    assert path("L:\n  jz r1, y\n  nop\ny:\n  jnz r1, L\n") is None     # two ways round
    assert path(".public 1\nL:\n  read r1\n  jnz r1, L\n") is None        # a declared tape may fault


def _random_loop(rng: random.Random) -> str:
    """A bounded loop of instructions the rules reason about, exits and the back edge included."""
    lines = [f".bound L, {rng.randint(1, 400)}"] + ([".public 2"] if rng.random() < 0.3 else [])
    lines += [rng.choice([f"  read r{r}", f"  mov r{r}, {rng.randint(0, 3)}"]) for r in range(1, 5)] + ["L:"]
    for _ in range(rng.randint(1, 6)):
        a, b, c = (rng.randint(1, 4) for _ in range(3))
        lines.append(rng.choice([
            f"  jz r{a}, out", f"  jnz r{a}, out", f"  {rng.choice(['add', 'sub', 'mul'])} r{a}, r{b}, {rng.choice([0, 1, 7])}",
            f"  {rng.choice(['add', 'sub', 'mul', 'eq'])} r{a}, r{b}, r{c}", f"  read r{a}", f"  neg r{a}, r{b}",
            f"  mov r{a}, r{b}", f"  hash r{a}, r{b}, r{c}", f"  lt r{a}, r{b}, r{c}", f"  sub r{a}, r{a}, 1"]))
    lines.append(rng.choice([f"  jnz r{rng.randint(1, 4)}, L", f"  jz r{rng.randint(1, 4)}, L", "  jmp L"]))
    return "\n".join(lines + ["out:", "  write r1", "  halt"]) + "\n"


def _verdict(src: str, steps: int) -> str:
    try:
        compile_program(asm(src), 0, max_steps=steps, max_constraints=4_000)
        return "compiled"
    except SourceError as e:
        return e.message


def test_refusals_only_where_the_budget_runs_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """On random loops with a small step budget: every refusal is a program that, compiled
    without the refusals, fails too (the rules are certainties, not guesses); the rest agree."""
    rng, refused = random.Random(17), 0
    for _ in range(50):
        src, steps = _random_loop(rng), rng.choice([200, 400])
        with_rules = _verdict(src, steps)
        with monkeypatch.context() as m:
            m.setattr(Refusals, "check", lambda self, st, left: None)
            without = _verdict(src, steps)
        if "never exits" in with_rules or "runs to its .bound" in with_rules:
            refused += 1
            assert without != "compiled", src
        else:
            assert with_rules == without, src
    assert refused >= 3  # the rules did fire
