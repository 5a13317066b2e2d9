"""Register liveness: which registers an instruction's successors may still read.

Takes a Program, gives live-in register sets per pc. Merging two states needs a select only
for registers live at the merge point (a dead one is overwritten before any read, so either
value will do). Conservative across calls: `call` and `ret` count as reading every register.
"""

from __future__ import annotations

from zkvmc.asm.machine import ALL_REGS
from zkvmc.asm.program import Mem, Program, Reg

ALL = ALL_REGS
"""Every register."""

WRITES_FIRST = frozenset({"mov", "add", "sub", "mul", "div", "eq", "lt", "le", "gt", "ge", "and",
                          "or", "xor", "not", "neg", "shl", "shr", "udiv", "umod", "hash", "load",
                          "read", "secret"})
"""Instructions whose first operand is the register they write."""


def _uses_defs(op: str, args: tuple) -> tuple[frozenset[int], frozenset[int]]:
    """(registers read, registers written) by one instruction."""
    if op in ("call", "ret"):
        return ALL, frozenset()
    regs = [(i, a) for i, a in enumerate(args)]
    uses = {a.n for i, a in regs if isinstance(a, Reg) and not (i == 0 and op in WRITES_FIRST)}
    uses |= {a.base for _, a in regs if isinstance(a, Mem) and a.base is not None}
    defs = {args[0].n} if op in WRITES_FIRST and args and isinstance(args[0], Reg) else set()
    return frozenset(uses), frozenset(defs)


def _successors(program: Program, pc: int) -> list[int]:
    """pcs control can go to next within the procedure (ret: none, call: the callee)."""
    ins = program.instrs[pc]
    target = ins.args[-1].pc if ins.args and hasattr(ins.args[-1], "pc") else None
    if ins.op == "halt" or ins.op == "ret":
        return []
    if ins.op in ("jmp", "call"):
        return [target] if target is not None else []
    if ins.op in ("jz", "jnz"):
        return [pc + 1, target] if target is not None else [pc + 1]
    return [pc + 1]


def live_in(program: Program) -> list[frozenset[int]]:
    """live_in[pc] for pc in 0..len(instrs) (the end reads nothing)."""
    n = len(program.instrs)
    ud = [_uses_defs(ins.op, ins.args) for ins in program.instrs]
    succ = [_successors(program, pc) for pc in range(n)]
    live = [frozenset()] * (n + 1)
    changed = True
    while changed:
        changed = False
        for pc in range(n - 1, -1, -1):
            nxt = succ[pc]
            out = live[nxt[0]] if len(nxt) == 1 else frozenset().union(*(live[s] for s in nxt))
            new = ud[pc][0] | (out - ud[pc][1])
            if new != live[pc]:
                live[pc], changed = new, True
    return live
