"""VM control flow: jumps, call/ret, halt, step limit and `.bound` (spec "Instructions", "Directives")."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vm_support import asm, fault, go, ok
from zkvmc.artifacts.inputs import Inputs
from zkvmc.vm import run

# ------------------------------------------------------------------ jumps, halt, nop


def test_jmp_skips() -> None:
    assert ok("jmp over\nwrite 1\nover: write 2").outputs == (2,)


def test_jz_and_jnz_taken_and_not_taken() -> None:
    src = """
        jz r1, a        ; r1 = 0: taken
        write 100
    a:  jnz r1, b       ; not taken
        write 1
        mov r1, 5
        jz r1, b        ; not taken
        write 2
        jnz r1, b       ; taken
        write 200
    b:  write 3
    """
    assert ok(src).outputs == (1, 2, 3)


def test_jz_on_field_nonzero() -> None:
    assert ok("mov r1, -1\njz r1, out\nwrite 7\nout: nop").outputs == (7,)


def test_halt_stops_and_nop_does_nothing() -> None:
    r = ok("nop\nwrite 1\nhalt\nwrite 2")
    assert r.outputs == (1,) and r.steps == 3


def test_running_past_the_end_halts() -> None:
    r = ok("write 1\nwrite 2")
    assert r.outputs == (1, 2) and r.steps == 2


def test_jump_to_label_after_last_instruction_ends() -> None:
    assert ok("jmp end\nwrite 1\nend:").outputs == ()


def test_empty_program() -> None:
    assert ok("").steps == 0


# ------------------------------------------------------------------ call / ret


def test_call_ret_subroutine_called_twice() -> None:
    src = """
        mov r1, 3
        call sq
        write r2
        mov r1, 5
        call sq
        write r2
        halt
    sq: mul r2, r1, r1
        ret
    """
    assert ok(src).outputs == (9, 25)


def test_nested_calls_return_in_order() -> None:
    src = """
        call f
        write 3
        halt
    f:  call g
        write 2
        ret
    g:  write 1
        ret
    """
    assert ok(src).outputs == (1, 2, 3)


def _recursion(depth: int) -> str:
    """A program whose call stack grows to `depth` return addresses (r1 counts the inner calls)."""
    return f"""
        mov r2, {depth - 1}
        call f
        write r1
        halt
    f:  jz r2, base
        sub r2, r2, 1
        add r1, r1, 1
        call f
    base:
        ret
    """


def test_call_depth_64_is_allowed() -> None:
    assert ok(_recursion(64)).outputs == (63,)


def test_call_at_depth_64_faults() -> None:
    r = go(_recursion(65))
    assert r.fault.reason == "call depth exceeds 64"
    assert r.fault.instr == "call f"


def test_ret_on_empty_stack_faults() -> None:
    r = go("write 1\nret\nwrite 2")
    assert r.fault.reason == "ret with empty call stack"
    assert r.outputs == (1,) and r.fault.line == 2


# ------------------------------------------------------------------ step limit


def test_step_limit() -> None:
    r = go("loop: jmp loop", max_steps=1000)
    assert r.fault.reason == "step limit 1000 exceeded"
    assert r.steps == 1000 and r.fault.pc == 0


def test_step_limit_exactly_enough_is_clean() -> None:
    assert ok("nop\nnop\nhalt", max_steps=3).steps == 3
    assert ok("nop\nnop", max_steps=2).steps == 2
    assert go("nop\nnop\nhalt", max_steps=2).fault.reason == "step limit 2 exceeded"


# ------------------------------------------------------------------ .bound

COUNTDOWN = """
    .public 1
    .bound loop, 5
        read r1
    loop:
        sub r1, r1, 1
        jnz r1, loop      ; backward jump: counted
        write 1
"""


def test_bound_allows_n_backward_jumps() -> None:
    # n = 6 iterations = 5 backward jumps.
    assert ok(COUNTDOWN, [6]).outputs == (1,)


def test_bound_faults_on_the_n_plus_first_jump() -> None:
    r = go(COUNTDOWN, [7])
    # The loop is named by the line of its first instruction (the label stands alone above it).
    assert r.fault.reason == "loop at line 6 exceeds .bound 5"
    assert r.fault.instr == "jnz r1, loop"


@settings(max_examples=25)
@given(st.integers(1, 12), st.integers(0, 12))
def test_bound_agrees_with_trip_count(trips: int, bound: int) -> None:
    src = COUNTDOWN.replace(".bound loop, 5", f".bound loop, {bound}")
    r = go(src, [trips])
    assert (r.fault is None) == (trips - 1 <= bound)


NESTED = """
    .bound outer, 2
    .bound inner, 3
        mov r1, 3             ; outer trips
    outer:
        mov r2, r9            ; inner trips (r9 set by the test via .data-free trick below)
    inner:
        add r5, r5, 1
        sub r2, r2, 1
        jnz r2, inner
        sub r1, r1, 1
        jnz r1, outer
        write r5
"""


def _nested(inner_trips: int) -> str:
    return NESTED.replace("mov r2, r9", f"mov r2, {inner_trips}")


def test_nested_inner_count_resets_on_each_outer_iteration() -> None:
    # 3 outer iterations x 4 inner iterations: the inner loop takes 3 backward jumps each time
    # it is entered (by fall-through), 9 in all, within its bound 3 per entry.
    assert ok(_nested(4)).outputs == (12,)


def test_nested_inner_bound_exceeded() -> None:
    assert fault(_nested(5)) == "loop at line 8 exceeds .bound 3"


def test_nested_outer_bound_exceeded() -> None:
    src = _nested(1).replace("mov r1, 3", "mov r1, 4")
    assert fault(src) == "loop at line 6 exceeds .bound 2"


def test_reentry_by_forward_jump_resets() -> None:
    src = """
    .bound loop, 2
        mov r3, 3           ; enter the loop three times
    again:
        mov r1, 3
        jmp loop            ; forward jump to the head: an entry, resets the count
        nop
    loop:
        sub r1, r1, 1
        jnz r1, loop
        sub r3, r3, 1
        jnz r3, again
        write 9
    """
    assert ok(src).outputs == (9,)
    assert fault(src.replace("mov r1, 3", "mov r1, 4")) == "loop at line 9 exceeds .bound 2"


def test_reentry_by_call_resets() -> None:
    src = """
    .bound body, 1
        mov r1, 2
        call body
        mov r1, {second}
        call body           ; a call to the head is an entry: count back to 0
        write 1
        halt
    body:
        sub r1, r1, 1
        jnz r1, body
        ret
    """
    # Without the reset the second call's single backward jump would be the second in all.
    assert ok(src.format(second=2)).outputs == (1,)
    assert fault(src.format(second=3)) == "loop at line 10 exceeds .bound 1"


def test_reentry_by_ret_resets() -> None:
    # The loop head is the instruction after a call: returning there is an entry.
    src = """
    .bound head, 1
        mov r3, 2           ; two rounds
    top:
        mov r1, {trips}
        call f
    head:
        sub r1, r1, 1
        jnz r1, head        ; trips - 1 backward jumps per round
        sub r3, r3, 1
        jnz r3, top
        write 1
        halt
    f:  ret
    """
    # Two rounds of one backward jump each: only legal if the ret into head resets the count.
    assert ok(src.format(trips=2)).outputs == (1,)
    assert fault(src.format(trips=3)) == "loop at line 8 exceeds .bound 1"


def test_backward_jump_count_is_not_reset_by_the_body() -> None:
    # Jumps to other labels inside the body do not reset the head's count.
    src = """
    .bound loop, 2
        mov r1, 4
    loop:
        jmp mid
    mid:
        sub r1, r1, 1
        jnz r1, loop
    """
    assert fault(src) == "loop at line 5 exceeds .bound 2"
    ok(src.replace("mov r1, 4", "mov r1, 3"))


def test_self_loop_jump_is_backward() -> None:
    src = """
    .bound spin, 3
        mov r1, 4
    spin:
        sub r1, r1, 1
        jnz r1, spin
    """
    ok(src)
    src2 = ".bound s, 2\nmov r1, 5\ns: jz r0, s"
    assert fault(src2) == "loop at line 3 exceeds .bound 2"


def test_bound_zero_forbids_any_backward_jump() -> None:
    src = ".bound l, 0\nmov r1, 1\nl: sub r1, r1, 1\njnz r1, l\nwrite 5"
    assert ok(src).outputs == (5,)
    assert fault(src.replace("mov r1, 1", "mov r1, 2")) == "loop at line 3 exceeds .bound 0"


def test_unbounded_loops_run_until_the_step_limit() -> None:
    r = run(asm("l: jmp l"), Inputs((), ()), max_steps=50)
    assert r.fault.reason == "step limit 50 exceeded"


def test_malformed_program_is_an_internal_error_not_a_fault() -> None:
    # A Program the assembler would never give (unknown op, label where a register belongs)
    # is a bug upstream: run() refuses it up front instead of reporting a program fault.
    import dataclasses

    import pytest

    from zkvmc.asm.program import Instr, Target
    from zkvmc.vm import MalformedProgram

    p = asm("nop")
    for bad in (Instr("frob", (), 1, "frob"), Instr("jz", (Target("x", 0), Target("x", 0)), 1, "jz x, x")):
        with pytest.raises(MalformedProgram):
            run(dataclasses.replace(p, instrs=(bad,)), Inputs((), ()))
