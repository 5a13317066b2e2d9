"""Symbolic machine states and their merging (docs/compiler.md, "Control flow").

A state is one set of paths through the program, all at the same pc with the same call stack,
tape positions and loop counters; `p` is its path predicate (1 on the path the run takes,
0 elsewhere). Register values, memory events and outputs are LCs. Two states with the same
`key` merge: v = v1 + p2·(v2 - v1), p = p1 + p2.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.asm.machine import ALL_REGS
from zkvmc.compiler import lin
from zkvmc.compiler.builder import Builder
from zkvmc.compiler.memory import Event, merge_memory
from zkvmc.r1cs.system import LC


@dataclass
class State:
    """One symbolic state (mutable; every fork copies)."""

    pc: int
    """Next instruction."""
    p: LC
    """Path predicate."""
    regs: list[LC]
    """r0..r15."""
    mem: tuple[Event, ...]
    """Memory writes since the start, in order (see zkvmc.compiler.memory)."""
    stack: tuple[int, ...]
    """Return addresses, innermost last."""
    n_pub: int
    """Public inputs read."""
    n_priv: int
    """Private inputs read."""
    outputs: tuple[LC, ...]
    """Values written."""
    loops: tuple[tuple[int, int, int], ...]
    """(loop head pc, backward jumps since entry, entry id), sorted by head."""

    def key(self) -> tuple:
        """States with equal keys merge."""
        return (self.pc, self.stack, self.n_pub, self.n_priv, len(self.outputs),
                tuple((h, c) for h, c, _ in self.loops))

    def fork(self, p: LC) -> "State":
        """A copy with predicate p."""
        return State(self.pc, p, list(self.regs), self.mem, self.stack, self.n_pub, self.n_priv,
                     self.outputs, self.loops)

    def count(self, head: int) -> tuple[int, int] | None:
        """(count, entry id) of the loop at head, if tracked."""
        for h, c, pe in self.loops:
            if h == head:
                return c, pe
        return None

    def set_loop(self, head: int, count: int, entry: int) -> None:
        """Track the loop at head with this count and entry id."""
        rest = [x for x in self.loops if x[0] != head]
        self.loops = tuple(sorted(rest + [(head, count, entry)], key=lambda x: x[0]))


def merge(b: Builder, s1: State, s2: State, live: frozenset[int] = ALL_REGS) -> State:
    """The state for 'the run is in s1 or in s2' (same key); registers not in live are dead.

    Loop entry ids: forks of one entry share it; for states that entered separately, s1's is
    kept (the runtime-exit check is a usability guard, the budgets catch what it misses).
    """
    sel = s2.p
    regs = [b.select(sel, v2, v1) if r in live else v1 for r, (v1, v2) in enumerate(zip(s1.regs, s2.regs))]
    outputs = tuple(b.select(sel, v2, v1) for v1, v2 in zip(s1.outputs, s2.outputs))
    mem = merge_memory(b, s1.mem, s1.p, s2.mem, s2.p)
    return State(s1.pc, b.compact(lin.add(s1.p, s2.p)), regs, mem, s1.stack, s1.n_pub, s1.n_priv,
                 outputs, s1.loops)
