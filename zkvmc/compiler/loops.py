"""Static loop structure for `.bound` bookkeeping and for ordering symbolic states.

Takes a Program, gives its loops: a head is a label some jmp/jz/jnz at or after it jumps to
(the VM's "backward jump", spec `.bound`); the body is head .. the last such jump. A loop is
single-entry when nothing outside the body jumps or calls into the body past its head: then a
state that leaves the body (and has no return address inside it) can drop the loop's counter,
so the states leaving after different trip counts merge.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.asm.program import Program, Target

JUMPS = frozenset({"jmp", "jz", "jnz"})
"""Instructions whose taken jump to a head at or before them is a backward jump."""


@dataclass(frozen=True)
class Loop:
    """One loop: head pc, body end, its `.bound` and whether it is single-entry."""

    head: int
    """pc of the head label."""
    end: int
    """pc of the last backward jump to the head."""
    bound: int | None
    """`.bound` n, or None."""
    single_entry: bool
    """Whether control can enter the body only through the head."""
    name: str
    """The head's label (for messages)."""

    def contains(self, pc: int) -> bool:
        """Whether pc is in the body."""
        return self.head <= pc <= self.end


def target_of(program: Program, pc: int) -> int | None:
    """The label pc of a jump/call instruction's last operand."""
    args = program.instrs[pc].args
    return args[-1].pc if args and isinstance(args[-1], Target) else None


def _single_entry(program: Program, head: int, end: int) -> bool:
    """No jump from outside the body, and no call at all, lands in the body past its head."""
    for pc, ins in enumerate(program.instrs):
        t = target_of(program, pc) if ins.op in JUMPS or ins.op == "call" else None
        if t is not None and head < t <= end and (ins.op == "call" or not head <= pc <= end):
            return False
    return True


def find_loops(program: Program) -> dict[int, Loop]:
    """Every loop, keyed by head pc."""
    ends: dict[int, int] = {}
    for pc, ins in enumerate(program.instrs):
        t = target_of(program, pc) if ins.op in JUMPS else None
        if t is not None and t <= pc:
            ends[t] = max(ends.get(t, pc), pc)
    names = {pc: name for name, pc in reversed(program.labels)}
    return {h: Loop(h, e, program.bound_of(h), _single_entry(program, h, e), names.get(h, f"pc{h}"))
            for h, e in ends.items()}


def join_points(program: Program) -> frozenset[int]:
    """pcs more than one path can reach: jump and call targets and return addresses."""
    out = set()
    for pc, ins in enumerate(program.instrs):
        t = target_of(program, pc) if ins.op in JUMPS or ins.op == "call" else None
        if t is not None:
            out.add(t)
        if ins.op == "call":
            out.add(pc + 1)
    return frozenset(out)
