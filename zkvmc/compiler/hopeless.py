"""Loops the compiler refuses up front: those certain to overrun the symbolic-step budget.

Takes a Program (and, for the second kind, the symbolic state at a loop head); gives the
evidence the explorer (explore.py) needs to stop at once instead of spending its budget
(docs/compiler.md, "Control flow"). Two kinds, each a certainty, never a guess:

- traps: pcs no run can leave (every path stays, for ever, among instructions that cannot
  fault, halt, call or return, and never runs past the end). A state there runs until a
  `.bound` in the trap faults it, or for ever: `L: jmp L`.
- loops that go round until their `.bound`: the body has one path round (round_path) whose
  every branch is an exit or the back edge, and on which, by a sound abstraction of the
  registers (goes_round: definitely constant / definitely not / unknown), every branch
  condition stays a run-time value in every iteration. Then each iteration forks, the exit
  side leaves, the other side goes round, and the loop unrolls to its bound:
  `.bound L, 4294967295` with `L: sub r1, r1, 1; jnz r1, L` on an input r1.
A loop with a constant exit (a counter) is neither, so it is left to the budgets as before.
"""

from __future__ import annotations

from zkvmc.asm.program import Imm, Program, Reg
from zkvmc.compiler import lin
from zkvmc.compiler.loops import JUMPS, Loop, target_of
from zkvmc.compiler.state import State
from zkvmc.r1cs.system import LC

NEVER_FAULT = frozenset({"nop", "jmp", "jz", "jnz", "mov", "add", "sub", "mul", "neg", "eq", "hash"})
"""Instructions whose lowering never faults, halts, calls or returns (ops.py: no `kill` path)."""

CONST, RUNTIME, UNKNOWN = "const", "runtime", "unknown"
"""A register's abstract value: a constant LC, an LC with a signal term, or either."""

Step = tuple[int, bool]
"""(pc, whether the way round is the jump's taken side) along a round path."""


def successors(program: Program, pc: int) -> tuple[int, ...]:
    """Where control can go after pc (pcs; len(instrs) is running past the end)."""
    ins = program.instrs[pc]
    t = target_of(program, pc) if ins.op in JUMPS else None
    if ins.op == "jmp" and t is not None:
        return (t,)
    return (pc + 1,) if t is None else (t, pc + 1)


def traps(program: Program) -> frozenset[int]:
    """pcs no run can leave (see the module docstring)."""
    n = len(program.instrs)
    escapes = [pc for pc, ins in enumerate(program.instrs) if ins.op not in NEVER_FAULT]
    preds: dict[int, list[int]] = {}
    for pc in range(n):
        for s in successors(program, pc):
            if s >= n:
                escapes.append(pc)
            else:
                preds.setdefault(s, []).append(pc)
    leaves, todo = set(escapes), list(escapes)
    while todo:
        for p in preds.get(todo.pop(), ()):
            if p not in leaves:
                leaves.add(p)
                todo.append(p)
    return frozenset(range(n)) - leaves


def reachable(program: Program, pc: int) -> frozenset[int]:
    """Every pc control can reach from pc (pc included; past-the-end excluded)."""
    seen, todo = {pc}, [pc]
    while todo:
        for s in successors(program, todo.pop()):
            if s < len(program.instrs) and s not in seen:
                seen.add(s)
                todo.append(s)
    return frozenset(seen)


def _allowed(program: Program, op: str) -> bool:
    """On a round path: cannot fault (reads only while their tape has no declared length)."""
    return op in NEVER_FAULT or (op == "read" and program.public is None) or \
        (op == "secret" and program.private is None)


def round_path(program: Program, loop: Loop) -> tuple[Step, ...] | None:
    """The one way from the head back to it, when every branch on it is an exit (one side
    leaves the body) or the back edge, no pc repeats, and nothing on it can fault; else None.
    With a single-entry loop, no other state can then merge into a state on this path."""
    if not loop.single_entry:
        return None
    path: list[Step] = []
    pc, seen = loop.head, set()
    while loop.contains(pc) and pc not in seen and _allowed(program, program.instrs[pc].op):
        seen.add(pc)
        way = _way_round(loop, pc, program.instrs[pc].op, target_of(program, pc))
        if way is None:
            return None
        path.append((pc, way[1]))
        if way[0] == loop.head:
            return tuple(path)
        pc = way[0]
    return None


def _way_round(loop: Loop, pc: int, op: str, t: int | None) -> tuple[int, bool] | None:
    """pc's successor that stays on the way round (the back edge, or forward in the body) and
    whether it is the jump's taken side; None unless every other successor leaves the body."""
    if op == "jmp":
        sides = [(t, True)]
    elif op in JUMPS:
        sides = [(t, True), (pc + 1, False)]
    else:
        sides = [(pc + 1, False)]
    staying = [(s, taken) for s, taken in sides if s == loop.head or (loop.contains(s) and s > pc)]
    leaving = [s for s, _ in sides if not loop.contains(s)]
    if len(staying) != 1 or len(staying) + len(leaving) != len(sides):
        return None
    return staying[0]


def abstract(regs: list[LC]) -> tuple[str, ...]:
    """The abstraction of concrete register values."""
    return tuple(CONST if lin.is_const(v) else RUNTIME for v in regs)


def goes_round(program: Program, path: tuple[Step, ...], regs: tuple[str, ...]) -> bool:
    """Whether, from registers abstracted as regs at the head, every branch condition on the
    path is a run-time value in this and every later iteration (the abstraction is iterated
    until it repeats: there are finitely many)."""
    seen: set[tuple[str, ...]] = set()
    state: tuple[str, ...] | None = regs
    while state is not None and state not in seen:
        seen.add(state)
        state = _one_round(program, path, state)
    return state is not None


def _one_round(program: Program, path: tuple[Step, ...], regs: tuple[str, ...]) -> tuple[str, ...] | None:
    """The abstract registers after one iteration; None if some branch may be decided by a constant."""
    r = list(regs)
    for pc, taken in path:
        ins = program.instrs[pc]
        op, a = ins.op, ins.args
        if op in ("jz", "jnz"):
            if r[a[0].n] != RUNTIME:
                return None
            if (op == "jz") == taken:  # the way round is the side where the condition is 0
                r = [UNKNOWN if v != CONST else CONST for v in r]
                r[a[0].n] = CONST
        elif op in ("read", "secret"):
            r[a[0].n] = RUNTIME
        elif op not in ("jmp", "nop"):
            r[a[0].n] = _result(op, [_value(r, x) for x in a[1:]], a)
    return tuple(r)


def _value(r: list[str], x: object) -> str:
    return r[x.n] if isinstance(x, Reg) else CONST


def _result(op: str, vals: list[str], args: tuple) -> str:
    """The abstract result of mov/neg/add/sub/mul (exact LC arithmetic and products); others unknown."""
    if op in ("mov", "neg"):
        return vals[0]
    if op in ("add", "sub"):
        kinds = set(vals)
        return CONST if kinds == {CONST} else RUNTIME if kinds == {CONST, RUNTIME} else UNKNOWN
    if op == "mul":
        if isinstance(args[2], Imm):
            return CONST if args[2].value == 0 else vals[0]
        return vals[0] if vals[0] == vals[1] != UNKNOWN else UNKNOWN
    return UNKNOWN


class Refusals:
    """The up-front checks for one program: call check() on each state the explorer takes up."""

    def __init__(self, program: Program, loops: dict[int, Loop]) -> None:
        self.program, self.loops = program, loops
        self.traps = traps(program)
        self.paths: dict[int, tuple[Step, ...] | None] = {}

    def check(self, st: State, steps_left: int) -> tuple[int, str, str] | None:
        """(pc, message, hint) if st is certain to overrun steps_left, else None."""
        return self._trapped(st, steps_left) if st.pc in self.traps else self._unrolls(st, steps_left)

    def _what(self, head: int) -> str:
        return f"the loop {self.loops[head].name!r} at line {self.program.instrs[head].line}"

    def _trapped(self, st: State, steps_left: int) -> tuple[int, str, str] | None:
        """A trap: for ever, or until the least `.bound` ahead (each backward jump is a step)."""
        ahead = reachable(self.program, st.pc)
        heads = sorted((h for h in self.loops if h in ahead), key=lambda h: (h < st.pc, h))
        left = {h: self.loops[h].bound - (st.count(h) or (0, 0))[0] for h in heads
                if self.loops[h].bound is not None}
        if left and min(left.values()) <= steps_left:
            return None
        head = min(left, key=left.__getitem__) if left else heads[0]
        if not left:
            return (head, f"{self._what(head)} never exits: no path from it halts, returns or leaves it",
                    "add an exit (a jz/jnz out of the loop, or a halt); a run that never halts cannot be proved")
        return (head, f"{self._what(head)} never exits, and its .bound lets it run {left[head]} more "
                f"iterations: more than the {steps_left} steps left in the budget", "a run that gets here "
                "faults at the .bound; lower it, or add an exit")

    def _unrolls(self, st: State, steps_left: int) -> tuple[int, str, str] | None:
        """A bounded loop that goes round until its `.bound`, checked from the third arrival at
        its head on (a margin: the states that entered with it have merged by then, and one
        entering later has another stack or other counts of the loops around, so another key)."""
        loop, got = self.loops.get(st.pc), st.count(st.pc)
        if loop is None or loop.bound is None or got is None or got[0] < 2:
            return None
        if any(loop.contains(ra - 1) for ra in st.stack):  # exits would keep the count: could merge
            return None
        if st.pc not in self.paths:
            self.paths[st.pc] = round_path(self.program, loop)
        path = self.paths[st.pc]
        if path is None or (loop.bound - got[0]) * len(path) <= steps_left:
            return None
        if not goes_round(self.program, path, abstract(st.regs)):
            return None
        return (st.pc, f"{self._what(st.pc)} runs to its .bound: its exits depend on run-time values, so "
                f"the circuit unrolls all {loop.bound} iterations, {len(path)} steps each: more than the "
                f"{steps_left} steps left in the budget", "make the .bound the most iterations a run needs, "
                "or split the work")
