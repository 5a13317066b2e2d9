"""The zkVM interpreter: a Program and its input tapes give a Run (outputs, steps, fault, trace).

Spec: docs/language.md ("Machine", "Instructions", "Directives", "VM decisions"). Each
instruction is compiled once (by its builder in zkvmc.vm.semantics, where every instruction's meaning is
tabulated) into a closure `step() -> next pc` over the machine state, so the main loop is one
list index and one call per step. This module adds what is not one instruction's meaning: the
`.bound` bookkeeping, the step limit and the end-of-run rules. A fault inside a step raises semantics.Trap, which run() turns into a Fault: program behaviour
never escapes as an exception.

Choices where the spec is silent (docs repeat them):
- `steps` counts completed instructions (`halt` included, a faulting one not).
- `.public n`: reading the (n+1)-th public value faults at that `read`; halting after fewer than
  n reads faults at the `halt` (pc = len(instrs), line 0 when the run fell off the end).
  `.private n` and `.outputs n` likewise. Then values left unread on a tape fault at the halt.
- `.bound L, n`: a backward jump is a taken jmp/jz/jnz to L from a pc >= pc(L); any other
  arrival at L (fall-through, forward jump, call, ret) resets L's count; the (n+1)-th backward
  jump since the last reset faults at the jump.
"""

from __future__ import annotations

from zkvmc.asm.machine import MEM_SIZE, Inputs
from zkvmc.asm.program import Instr, Program, Target
from zkvmc.field import R
from zkvmc.vm.semantics import DEST_OPS, JUMPS, State, Step, Trap, builder_for
from zkvmc.vm.types import Fault, Run, TraceStep


class _Stop(Exception):
    """Raised by the sentinel step at pc = len(instrs): the run has ended."""


# ---------------------------------------------------------------- .bound

def _reaches_head(ins: Instr, pc: int, heads: dict[int, int]) -> bool:
    """Whether executing ins can put control on a `.bound` loop head."""
    if not heads:
        return False
    target = ins.args[-1].pc if ins.args and isinstance(ins.args[-1], Target) else None
    return ins.op == "ret" or pc + 1 in heads or target in heads


def _bounded(step: Step, ins: Instr, pc: int, st: State) -> Step:
    """Wrap step with the `.bound` bookkeeping for the loop heads it can reach."""
    bounds, counts, instrs = st.bounds, st.counts, st.program.instrs
    target = ins.args[-1].pc if ins.op in JUMPS else None
    back = target if target is not None and target <= pc else -1

    def wrapped() -> int:
        npc = step()
        limit = bounds.get(npc)
        if limit is not None:
            if npc == back:
                count = counts[npc] + 1
                if count > limit:
                    raise Trap(f"loop at line {instrs[npc].line} exceeds .bound {limit}")
                counts[npc] = count
            else:
                counts[npc] = 0
        return npc

    return wrapped


# ---------------------------------------------------------------- running

def _stop() -> int:
    """The sentinel step at pc = len(instrs)."""
    raise _Stop


def _compile(st: State) -> list[Step]:
    """One closure per instruction, plus the end sentinel."""
    code: list[Step] = []
    for pc, ins in enumerate(st.program.instrs):
        step = builder_for(ins.op)(ins, pc, st)
        if _reaches_head(ins, pc, st.bounds):
            step = _bounded(step, ins, pc, st)
        code.append(step)
    code.append(_stop)
    return code


def _out_of_steps(code: list[Step], max_steps: int, pc: int) -> tuple[int, int, str | None]:
    """After max_steps steps: a clean end if the last one ended the run, else the step limit."""
    if pc == len(code) - 1:
        return max_steps, pc, None
    return max_steps, pc, f"step limit {max_steps} exceeded"


def _loop(code: list[Step], max_steps: int) -> tuple[int, int, str | None]:
    """Run from pc 0; gives (steps, pc where it stopped, fault reason or None)."""
    pc = 0
    try:
        for i in range(max_steps):
            pc = code[pc]()
    except _Stop:
        return i, pc, None
    except Trap as t:
        return i, pc, t.reason
    return _out_of_steps(code, max_steps, pc)


def _loop_traced(code: list[Step], max_steps: int, st: State,
                 trace: list[TraceStep]) -> tuple[int, int, str | None]:
    """_loop, recording a TraceStep (with the register written) per completed instruction."""
    instrs, regs, pc = st.program.instrs, st.regs, 0
    dests = [ins.args[0].n if ins.op in DEST_OPS else None for ins in instrs]
    try:
        for i in range(max_steps):
            npc = code[pc]()
            d, ins = dests[pc], instrs[pc]
            writes = ((d, regs[d]),) if d is not None else ()
            trace.append(TraceStep(i, pc, ins.line, ins.text, writes))
            pc = npc
    except _Stop:
        return i, pc, None
    except Trap as t:
        return i, pc, t.reason
    return _out_of_steps(code, max_steps, pc)


def _count_fault(what: str, done: int, declared: int | None, verb: str) -> str | None:
    """A fault when a declared tape count was not reached."""
    if declared is not None and done < declared:
        return f"halt after {verb} {done} of .{what} {declared}"
    return None


def _end_fault(st: State) -> str | None:
    """The tape-count rules checked when the run halts (spec: "Tapes" and `.public`...)."""
    p, inp = st.program, st.inputs
    return (_count_fault("public", st.pub_pos, p.public, "reading")
            or _count_fault("private", st.priv_pos, p.private, "reading")
            or _count_fault("outputs", len(st.outputs), p.outputs, "writing")
            or _unread("public", len(inp.public) - st.pub_pos)
            or _unread("private", len(inp.private) - st.priv_pos))


def _unread(tape: str, left: int) -> str | None:
    """A fault when values were left on an input tape."""
    if left > 0:
        return f"halt with {left} unread {tape} input{'s' if left > 1 else ''}"
    return None


def _data_fault(st: State) -> Fault | None:
    """Load `.data` into memory; a cell outside memory is reported as a fault before pc 0."""
    for addr, value in st.program.data:
        if not 0 <= addr < MEM_SIZE:
            return Fault(0, 0, "", f".data address out of range: {addr}")
        st.mem[addr] = value % R
    return None


def _fault_at(st: State, pc: int, reason: str) -> Fault:
    """A Fault naming the instruction at pc (or none, for pc = len(instrs))."""
    if pc < st.end:
        ins = st.program.instrs[pc]
        return Fault(pc, ins.line, ins.text, reason)
    return Fault(pc, 0, "", reason)


def run(program: Program, inputs: Inputs, max_steps: int = 10_000_000,
        trace: bool = False) -> Run:
    """Run program on the tapes; faults are returned in Run.fault, never raised."""
    st = State(program, inputs)
    steps_trace: list[TraceStep] = []
    fault = _data_fault(st)
    steps = 0
    if fault is None:
        code = _compile(st)
        if trace:
            steps, pc, reason = _loop_traced(code, max_steps, st, steps_trace)
        else:
            steps, pc, reason = _loop(code, max_steps)
        if reason is None and (reason := _end_fault(st)) is not None:
            pc = st.halt_pc if st.halt_pc is not None else st.end
        fault = None if reason is None else _fault_at(st, pc, reason)
    return Run(tuple(st.outputs), steps, fault, tuple(steps_trace) if trace else None)
