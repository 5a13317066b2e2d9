"""VM tapes, tape-count directives, memory, `.data` and the trace (spec "Machine", "Directives")."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vm_support import asm, fault, go, ok
from zkvmc.artifacts.inputs import Inputs
from zkvmc.asm.program import Program
from zkvmc.field import R
from zkvmc.vm import MEM_SIZE, Fault, TraceStep, run

# ------------------------------------------------------------------ tapes


def test_read_secret_write() -> None:
    r = ok("read r1\nsecret r2\nread r3\nadd r4, r1, r2\nwrite r4\nwrite r3\nwrite 7", [10, 30], [5])
    assert r.outputs == (15, 30, 7)


def test_read_past_end_of_public_input() -> None:
    r = go("read r1\nread r2", [1])
    assert r.fault == Fault(1, 2, "read r2", "read past end of public input")


def test_read_past_end_of_private_input() -> None:
    assert fault("secret r1", [], []) == "read past end of private input"


def test_unread_public_input_faults_at_halt() -> None:
    r = go("read r1\nwrite r1\nhalt", [1, 2, 3])
    assert r.fault == Fault(2, 3, "halt", "halt with 2 unread public inputs")
    assert r.outputs == (1,)


def test_unread_private_input_faults_when_running_off_the_end() -> None:
    r = go("secret r1", [], [1, 2])
    assert r.fault == Fault(1, 0, "", "halt with 1 unread private input")


def test_outputs_before_a_fault_are_kept() -> None:
    r = go("write 1\nwrite 2\ndiv r1, r1, 0\nwrite 3")
    assert r.outputs == (1, 2) and r.fault.reason == "div by zero" and r.steps == 2


# ------------------------------------------------------------------ .public / .private / .outputs


def test_declared_counts_met() -> None:
    src = ".public 2\n.private 1\n.outputs 1\nread r1\nread r2\nsecret r3\nwrite r3"
    assert ok(src, [1, 2], [3]).outputs == (3,)


def test_reading_beyond_public_count_faults_at_the_read() -> None:
    r = go(".public 1\nread r1\nread r2", [1, 2])
    assert r.fault == Fault(1, 3, "read r2", "read exceeds .public 1")


def test_reading_beyond_private_count_faults_at_the_secret() -> None:
    assert fault(".private 0\nsecret r1", [], [5]) == "secret exceeds .private 0"


def test_writing_beyond_outputs_count_faults_at_the_write() -> None:
    r = go(".outputs 1\nwrite 1\nwrite 2")
    assert r.fault == Fault(1, 3, "write 2", "write exceeds .outputs 1")
    assert r.outputs == (1,)


def test_fewer_reads_than_declared_faults_at_halt() -> None:
    r = go(".public 2\nread r1\nhalt", [1, 2])
    assert r.fault == Fault(1, 3, "halt", "halt after reading 1 of .public 2")


def test_fewer_secrets_than_declared_faults_at_halt() -> None:
    assert fault(".private 2\nsecret r1", [], [1, 2]) == "halt after reading 1 of .private 2"


def test_fewer_writes_than_declared_faults_at_halt() -> None:
    assert fault(".outputs 2\nwrite 1") == "halt after writing 1 of .outputs 2"


def test_short_tape_with_declared_count_faults_at_the_read() -> None:
    assert fault(".public 2\nread r1\nread r2", [1]) == "read past end of public input"


def test_data_dependent_reads_follow_the_count_rule() -> None:
    # Reads n then n values; with .public 3 only n = 2 is a valid run.
    src = """
    .public 3
    .bound loop, 8
        read r1
    loop:
        jz r1, done
        read r2
        sub r1, r1, 1
        jmp loop
    done:
    """
    ok(src, [2, 7, 8])
    assert fault(src, [1, 7]) == "halt after reading 2 of .public 3"
    assert fault(src, [3, 7, 8, 9]) == "read exceeds .public 3"


# ------------------------------------------------------------------ memory


def test_store_then_load_absolute_and_relative() -> None:
    src = """
        mov r1, 100
        store [r1], 5
        store [r1 + 1], 6
        store [102], 7
        load r2, [100]
        load r3, [r1 + 1]
        mov r4, 103
        load r5, [r4 - 1]
        write r2
        write r3
        write r5
    """
    assert ok(src).outputs == (5, 6, 7)


def test_memory_starts_at_zero_and_data_sets_cells() -> None:
    src = ".data 10: 3, -1, 0x10\nload r1, [9]\nload r2, [10]\nload r3, [11]\nload r4, [12]\n" + \
        "write r1\nwrite r2\nwrite r3\nwrite r4"
    assert ok(src).outputs == (0, 3, R - 1, 16)


def test_memory_edges() -> None:
    src = f"mov r1, {MEM_SIZE - 1}\nstore [r1], 9\nload r2, [{MEM_SIZE - 1}]\nstore [0], 8\n" + \
        "load r3, [r0]\nwrite r2\nwrite r3"
    assert ok(src).outputs == (9, 8)


@pytest.mark.parametrize("addr", [MEM_SIZE, MEM_SIZE + 5, R - 1, 2**64])
def test_address_out_of_range_faults(addr: int) -> None:
    assert fault(f"mov r1, {addr}\nload r2, [r1]") == f"address out of range: {addr}"
    assert fault(f"mov r1, {addr}\nstore [r1], 1") == f"address out of range: {addr}"


def test_negative_offset_wraps_mod_r_and_faults() -> None:
    assert fault("mov r1, 2\nload r2, [r1 - 3]") == f"address out of range: {R - 1}"
    ok("mov r1, 3\nload r2, [r1 - 3]")


def test_offset_sum_is_taken_mod_r() -> None:
    # base = r - 1 and offset 1: (r - 1) + 1 = 0 mod r is address 0.
    assert ok(".data 0: 42\nmov r1, -1\nload r2, [r1 + 1]\nwrite r2").outputs == (42,)


def test_absolute_address_out_of_range_faults_when_executed_only() -> None:
    src = f"jmp over\nload r1, [{MEM_SIZE}]\nover: write 1"
    assert ok(src).outputs == (1,)
    assert fault(f"load r1, [{MEM_SIZE}]") == f"address out of range: {MEM_SIZE}"


@settings(max_examples=30)
@given(st.lists(st.tuples(st.integers(0, MEM_SIZE - 1), st.integers(0, R - 1)), max_size=12))
def test_memory_behaves_like_a_dict(writes: list[tuple[int, int]]) -> None:
    model: dict[int, int] = {}
    lines = []
    for a, v in writes:
        lines += [f"mov r1, {a}", f"mov r2, {v}", "store [r1], r2"]
        model[a] = v
    for a, _ in writes:
        lines += [f"mov r1, {a}", "load r3, [r1]", "write r3"]
    assert ok("\n".join(lines)).outputs == tuple(model[a] for a, _ in writes)


def test_data_outside_memory_is_a_fault_not_an_exception() -> None:
    p = asm("write 1")
    bad = Program(p.instrs, ((MEM_SIZE, 1),), None, None, None, (), (), "<t>", "")
    r = run(bad, Inputs((), ()))
    assert r.fault is not None and "data address" in r.fault.reason and r.outputs == ()


# ------------------------------------------------------------------ trace


def test_trace_records_every_step_and_register_writes() -> None:
    r = ok("read r1\nadd r2, r1, 1\nstore [0], r2\nload r3, [0]\nwrite r3\nhalt", [4], trace=True)
    assert r.trace == (
        TraceStep(0, 0, 1, "read r1", ((1, 4),)),
        TraceStep(1, 1, 2, "add r2, r1, 1", ((2, 5),)),
        TraceStep(2, 2, 3, "store [0], r2", ()),
        TraceStep(3, 3, 4, "load r3, [0]", ((3, 5),)),
        TraceStep(4, 4, 5, "write r3", ()),
        TraceStep(5, 5, 6, "halt", ()),
    )
    assert len(r.trace) == r.steps


def test_trace_stops_before_the_faulting_instruction() -> None:
    r = go("mov r1, 1\nassert_eq r1, 2\nwrite 1", trace=True)
    assert [t.instr for t in r.trace] == ["mov r1, 1"] and r.fault.pc == 1


def test_trace_off_by_default_and_same_result() -> None:
    src = "mov r1, 6\nl: sub r1, r1, 1\nmul r2, r1, r1\njnz r1, l\nwrite r2"
    plain, traced = ok(src), ok(src, trace=True)
    assert plain.trace is None
    assert (plain.outputs, plain.steps) == (traced.outputs, traced.steps)


def test_trace_respects_step_limit() -> None:
    r = go("l: jmp l", trace=True, max_steps=10)
    assert len(r.trace) == 10 and r.fault.reason == "step limit 10 exceeded"
