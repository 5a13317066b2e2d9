"""Symbolic execution of a Program: takes the program and a Builder, gives the halted states.

Design: docs/compiler.md, "Control flow". States wait in a priority queue keyed by their
position in the unrolled program (per call frame: the enclosing loops' (head, count) pairs,
then the pc), so every state that can reach a join point arrives there, and merges, before the
merged state runs on. A branch on a run-time value forks with IsZero; a branch on a constant
goes one way. Faults that are certain on a state constrain its predicate to 0 and drop it.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from zkvmc.asm.machine import ADDRESS_BITS, MAX_CALL_DEPTH, MEM_SIZE, N_REGS
from zkvmc.asm.program import Imm, Instr, Mem, Program, Reg, Target
from zkvmc.compiler import lin
from zkvmc.compiler.builder import Builder
from zkvmc.compiler.hopeless import Refusals
from zkvmc.compiler.loops import Loop, find_loops, join_points
from zkvmc.compiler.liveness import live_in
from zkvmc.compiler.memory import load, store
from zkvmc.compiler.ops import BINARY, CHECKS, UNARY, Unsupported
from zkvmc.compiler.state import State, merge
from zkvmc.compiler.u64 import Dead, kill, predicated
from zkvmc.r1cs.system import LC

MAX_SYMBOLIC_STEPS = 2_000_000
"""Budget: instructions executed symbolically (summed over states) before giving up."""


class CompileStop(Exception):
    """A compile error at a pc (the driver turns it into a SourceError)."""

    def __init__(self, pc: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.pc, self.message, self.hint = pc, message, hint


@dataclass
class Explorer:
    """The symbolic executor's mutable context."""

    program: Program
    """What is being lowered."""
    b: Builder
    """Where constraints go."""
    max_steps: int = MAX_SYMBOLIC_STEPS
    """Symbolic step budget."""
    inputs: dict[tuple[int, int], int] = field(default_factory=dict)
    """(tape 0 public / 1 private, position) -> its signal."""
    halted: list[tuple[State, int]] = field(default_factory=list)
    """Halted states with the line of their halt (0 when falling off the end)."""
    output_lines: dict[int, int] = field(default_factory=dict)
    """Output index -> line of the first write to it."""
    steps: int = 0
    """Instructions executed so far."""
    exited: set[int] = field(default_factory=set)
    """Entry ids of loops some state left (other than by faulting): their exits are run-time."""
    entries: int = 0
    """Loop entry ids handed out."""

    def __post_init__(self) -> None:
        self.loops: dict[int, Loop] = find_loops(self.program)
        self.joins = join_points(self.program)
        self.refusals = Refusals(self.program, self.loops)
        self.live = live_in(self.program)
        self.end = len(self.program.instrs)
        self.queue: list[tuple[tuple[int, ...], int, tuple]] = []
        self.waiting: dict[tuple, State] = {}
        self.seq = 0

    # ------------------------------------------------------------ queue

    def _nest(self, pc: int, st: State) -> list[int]:
        """(head, count) of every loop whose body holds pc, outermost first, then pc."""
        parts: list[int] = []
        for h in sorted(self.loops):
            if self.loops[h].contains(pc):
                got = st.count(h)
                parts += [h, got[0] if got else 0]
        parts.append(pc)
        return parts

    def position(self, st: State) -> tuple[int, ...]:
        """Where st is in the unrolled program (smaller runs first)."""
        parts: list[int] = []
        for ra in st.stack:
            parts += self._nest(ra - 1, st)
        return tuple(parts + self._nest(st.pc, st))

    def push(self, st: State) -> None:
        """Queue st, merging it with a waiting state of the same key."""
        key = st.key()
        other = self.waiting.get(key)
        if other is not None:
            self.b.line = self._line(st.pc)
            self.waiting[key] = merge(self.b, other, st, self.live[st.pc])
            return
        self.waiting[key] = st
        self.seq += 1
        heapq.heappush(self.queue, (self.position(st), self.seq, key))

    def run(self) -> None:
        """Explore from the entry state until every state has halted or died."""
        self.b.line = self._line(0)
        start = State(0, lin.ONE, [lin.ZERO] * N_REGS, (), (), 0, 0, (), ())
        if self.end == 0:
            self.halted.append((start, 0))
            return
        self.push(start)
        while self.queue:
            _, _, key = heapq.heappop(self.queue)
            st = self.waiting.pop(key)
            self._check_unbounded(st)
            self._refuse_hopeless(st)
            self._run_state(st)

    def _run_state(self, st: State) -> None:
        """Execute st until it halts, dies, forks or reaches a join point."""
        while True:
            self.steps += 1
            if self.steps > self.max_steps:
                raise CompileStop(st.pc, f"symbolic execution exceeds {self.max_steps} steps",
                                  "add or lower `.bound`s, or make loops shorter")
            try:
                nxt = self._step(st)
            except Dead:
                return
            if nxt is None:
                return
            if nxt.pc >= self.end:
                self._halt(nxt, 0)
                return
            if nxt.pc in self.joins:
                self.push(nxt)
                return
            st = nxt

    # ------------------------------------------------------------ loops

    def _refuse_hopeless(self, st: State) -> None:
        """Stop at once where the step budget is certain to run out (hopeless.py): a loop no run
        can leave, or one that unrolls to a `.bound` too large for the budget."""
        why = self.refusals.check(st, self.max_steps - self.steps)
        if why is not None:
            raise CompileStop(*why)

    def _check_unbounded(self, st: State) -> None:
        """A loop without `.bound` whose paths leave it at run time: an error (spec)."""
        loop = self.loops.get(st.pc)
        got = st.count(st.pc)
        if loop is None or loop.bound is not None or got is None or got[0] == 0:
            return
        if got[1] in self.exited:
            raise CompileStop(loop.head, f"loop {loop.name!r} at line {self._line(loop.head)} has a "
                              "run-time exit and no .bound", f"add `.bound {loop.name}, N`")

    def goto(self, st: State, target: int, jumped: bool) -> State | None:
        """Move st to target, keeping the `.bound` counts the VM keeps; None if it faults."""
        loop = self.loops.get(target)
        if loop is not None:
            if jumped and st.pc >= target:
                count, entry = st.count(target) or (0, self._new_entry())
                if loop.bound is not None and count + 1 > loop.bound:
                    kill(self.b, st.p)
                    return None
                st.set_loop(target, count + 1, entry)
            else:
                st.set_loop(target, 0, self._new_entry())
        st.pc = target
        self._note_exits(st)
        st.loops = tuple(x for x in st.loops if self._active(st, self.loops[x[0]]))
        return st

    def _new_entry(self) -> int:
        self.entries += 1
        return self.entries

    def _note_exits(self, st: State) -> None:
        """Record the loops st has left (its pc and every return address are outside the body)."""
        for h, _, entry in st.loops:
            loop = self.loops[h]
            if not (loop.contains(st.pc) or any(loop.contains(ra - 1) for ra in st.stack)):
                self.exited.add(entry)

    def _halt(self, st: State, line: int) -> None:
        """st halts: it leaves every loop it is in."""
        for _, _, entry in st.loops:
            self.exited.add(entry)
        self.halted.append((st, line))

    def _active(self, st: State, loop: Loop) -> bool:
        """Whether st must keep loop's count (it may still take a backward jump to its head)."""
        if not loop.single_entry or loop.contains(st.pc):
            return True
        return any(loop.contains(ra - 1) for ra in st.stack)

    # ------------------------------------------------------------ one instruction

    def _line(self, pc: int) -> int:
        """Source line of pc (0 past the end)."""
        return self.program.instrs[pc].line if 0 <= pc < self.end else 0

    def _val(self, st: State, arg: object) -> LC:
        """The LC of a register or immediate operand."""
        if isinstance(arg, Reg):
            return st.regs[arg.n]
        if isinstance(arg, Imm):
            return lin.const(arg.value)
        raise Unsupported(f"unexpected operand {arg!r}", "this is an assembler bug")

    def _address(self, st: State, m: Mem) -> LC:
        """The address LC; p·address < 2^16 is checked when it is not a known constant."""
        a = lin.const(m.offset) if m.base is None else lin.add_const(st.regs[m.base], m.offset)
        if lin.is_const(a):
            if lin.const_val(a) >= MEM_SIZE:
                raise kill(self.b, st.p)
            return a
        k = self.b.bound(a)
        if k is not None and k <= ADDRESS_BITS:
            return a
        x = predicated(self.b, st.p, a)
        self.b.bits(x, ADDRESS_BITS)
        return x

    def _step(self, st: State) -> State | None:
        """Execute one instruction of st; gives the state to continue with (None: none)."""
        ins = self.program.instrs[st.pc]
        self.b.line = ins.line
        op, a = ins.op, ins.args
        try:
            if op == "hash":
                from zkvmc.compiler.poseidon_gadget import poseidon  # its constants: 0.2 s, only if used

                v = poseidon(self.b, [self._val(st, x) for x in a[1:]])
                st.regs[a[0].n] = self.b.compact(v)
            elif op == "eddsa":
                from zkvmc.compiler.eddsa_gadget import eddsa_verify

                eddsa_verify(self.b, st.p, tuple(self._val(st, x) for x in a))
            elif op in BINARY:
                v = BINARY[op](self.b, st.p, st.regs[a[1].n], self._val(st, a[2]))
                st.regs[a[0].n] = self.b.compact(v)
            elif op in UNARY:
                st.regs[a[0].n] = self.b.compact(UNARY[op](self.b, st.p, self._val(st, a[1])))
            elif op in CHECKS:
                CHECKS[op](self.b, st.p, st.regs[a[0].n], self._val(st, a[1]))
            elif op == "load":
                st.regs[a[0].n] = load(self.b, st.mem, self._address(st, a[1]))
            elif op == "store":
                st.mem = store(st.mem, self._address(st, a[0]), self._val(st, a[1]))
            elif op in ("read", "secret"):
                self._input(st, ins)
            elif op == "write":
                self._write(st, ins)
            elif op != "nop":
                return self._control(st, ins)
        except Unsupported as e:
            raise CompileStop(st.pc, e.message, e.hint) from None
        return self.goto(st, st.pc + 1, False)

    def _input(self, st: State, ins: Instr) -> None:
        """`read` / `secret`: tape position i is the same signal on every path."""
        public = ins.op == "read"
        pos = st.n_pub if public else st.n_priv
        limit = self.program.public if public else self.program.private
        if limit is not None and pos >= limit:
            raise kill(self.b, st.p)
        key = (0 if public else 1, pos)
        if key not in self.inputs:
            (self.inputs[key],) = self.b.signal("input", (), key)
        st.regs[ins.args[0].n] = lin.sig(self.inputs[key])
        if public:
            st.n_pub += 1
        else:
            st.n_priv += 1

    def _write(self, st: State, ins: Instr) -> None:
        """`write`: append the value; past `.outputs n` the state faults."""
        limit = self.program.outputs
        if limit is not None and len(st.outputs) >= limit:
            raise kill(self.b, st.p)
        self.output_lines.setdefault(len(st.outputs), ins.line)
        st.outputs = st.outputs + (self._val(st, ins.args[0]),)

    def _control(self, st: State, ins: Instr) -> State | None:
        """halt, ret, call, jmp, jz, jnz: the state ends, is queued or forks (gives None)."""
        op = ins.op
        if op not in ("halt", "ret", "call", "jmp", "jz", "jnz"):
            raise Unsupported(f"unknown instruction {op!r}", "this compiler predates it")
        if op == "halt":
            self._halt(st, ins.line)
            return None
        if op == "ret":
            if not st.stack:
                raise kill(self.b, st.p)
            ra, st.stack = st.stack[-1], st.stack[:-1]
            return self._land(self.goto(st, ra, False))
        target = ins.args[-1]
        assert isinstance(target, Target)
        if op == "call":
            if len(st.stack) >= MAX_CALL_DEPTH:
                raise kill(self.b, st.p)
            st.stack = st.stack + (st.pc + 1,)
            return self._land(self.goto(st, target.pc, False))
        if op == "jmp":
            return self._land(self.goto(st, target.pc, True))
        return self._branch(st, ins, target.pc)

    def _land(self, st: State | None) -> State | None:
        """Queue st if it reached a join point (or halt) and stop; else keep running it."""
        if st is None:
            return None
        if st.pc >= self.end:
            self._halt(st, 0)
            return None
        self.push(st)
        return None

    def _branch(self, st: State, ins: Instr, target: int) -> State | None:
        """jz / jnz: one way on a constant, else fork on IsZero(c) into p·z and p - p·z."""
        c = st.regs[ins.args[0].n]
        jump_if_zero = ins.op == "jz"
        if lin.is_const(c):
            taken = (lin.const_val(c) == 0) == jump_if_zero
            return self._land(self.goto(st, target, True) if taken else self.goto(st, st.pc + 1, False))
        z = self.b.is_zero(c)
        pz = self.b.mul(st.p, z)
        pnz = self.b.compact(lin.sub(st.p, pz))
        taken, fall = (pz, pnz) if jump_if_zero else (pnz, pz)
        other = st.fork(fall)
        st.p = taken
        # On the side where c = 0 every register holding exactly c holds 0 (fewer merge selects).
        zero_side = st if jump_if_zero else other
        zero_side.regs = [lin.ZERO if v == c else v for v in zero_side.regs]
        self._land(self.goto(st, target, True))
        self._land(self.goto(other, other.pc + 1, False))
        return None
