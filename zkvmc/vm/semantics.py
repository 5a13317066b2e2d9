"""The meaning of every zkVM instruction, as tables a reader can check line by line.

Spec: docs/language.md, "Instructions". Two layers:
- VALUE_OPS / UNARY_OPS / CHECK_OPS: pure functions on operand values (field elements in
  [0, r)) giving the result, or raising Trap with the fault reason.
- MACHINE_OPS: builders for the instructions that touch memory, control flow or the tapes.
Every instruction is turned by its builder into a closure `step() -> next pc` over a State;
the interpreter (zkvmc/vm/interp.py) runs those closures and owns `.bound`, the step limit and
the end-of-run rules. The compiler's lowering table is meant to be read side by side with these.
"""

from __future__ import annotations

from typing import Callable

from zkvmc.asm.machine import MAX_CALL_DEPTH, MEM_SIZE, N_REGS, Inputs
from zkvmc.asm.program import Imm, Instr, Mem, Program, Reg, Target
from zkvmc.errors import MalformedProgram
from zkvmc.field import R, U64


class Trap(Exception):
    """A program fault raised while executing one instruction (the interpreter turns it into a Fault)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


U64_MAX = U64 - 1
"""2^64 - 1, the all-ones u64 (`not x` = U64_MAX - x)."""


def u64(x: int) -> int:
    """x itself when it is a u64 operand (an integer below 2^64), else the u64 fault."""
    if x >= U64:
        raise Trap("u64 operand out of range")
    return x


def shift_amount(n: int) -> int:
    """A shift count 0..63, else a fault (the assembler normally rejects bad literals already)."""
    if n > 63:
        raise Trap("shift amount out of range")
    return n


def fdiv(a: int, b: int) -> int:
    """a / b in F_r; dividing by 0 is the one field fault."""
    if b == 0:
        raise Trap("div by zero")
    return a * pow(b, -1, R) % R


def udiv(a: int, b: int) -> int:
    """Unsigned 64-bit quotient."""
    if u64(b) == 0:
        raise Trap("udiv by zero")
    return u64(a) // b


def umod(a: int, b: int) -> int:
    """Unsigned 64-bit remainder."""
    if u64(b) == 0:
        raise Trap("umod by zero")
    return u64(a) % b


def poseidon(a: int, b: int) -> int:
    """circomlib's BN254 Poseidon with two inputs (t = 3); imported on first use."""
    from zkvmc.hash.poseidon import poseidon2

    return poseidon2(a, b)


def assert_eq(a: int, b: int) -> None:
    """Fault unless a = b in F_r."""
    if a != b:
        raise Trap(f"assert_eq failed: {a} != {b}")


def assert_ne(a: int, b: int) -> None:
    """Fault unless a != b in F_r."""
    if a == b:
        raise Trap(f"assert_ne failed: both are {a}")


def range_check(a: int, n: int) -> None:
    """Fault unless a < 2^n as an integer."""
    if a >> n:
        raise Trap(f"range failed: {a} >= 2^{n}")


# Two-operand value operations `op rd, ra, b`: rd = VALUE_OPS[op](ra, b).
# Field results are reduced mod r; u64 results are below 2^64 because every u64 operand is checked.
VALUE_OPS: dict[str, Callable[[int, int], int]] = {
    "add": lambda a, b: (a + b) % R,
    "sub": lambda a, b: (a - b) % R,
    "mul": lambda a, b: a * b % R,
    "div": fdiv,
    "eq": lambda a, b: 1 if a == b else 0,
    "lt": lambda a, b: 1 if u64(a) < u64(b) else 0,
    "le": lambda a, b: 1 if u64(a) <= u64(b) else 0,
    "gt": lambda a, b: 1 if u64(a) > u64(b) else 0,
    "ge": lambda a, b: 1 if u64(a) >= u64(b) else 0,
    "and": lambda a, b: u64(a) & u64(b),
    "or": lambda a, b: u64(a) | u64(b),
    "xor": lambda a, b: u64(a) ^ u64(b),
    "shl": lambda a, n: (u64(a) << shift_amount(n)) & U64_MAX,
    "shr": lambda a, n: u64(a) >> shift_amount(n),
    "udiv": udiv,
    "umod": umod,
    "hash": poseidon,
}

# One-operand value operations: result = UNARY_OPS[op](x).
UNARY_OPS: dict[str, Callable[[int], int]] = {
    "mov": lambda x: x,
    "neg": lambda x: -x % R,
    "not": lambda x: U64_MAX - u64(x),
}

# Checks: CHECK_OPS[op](ra, b) returns nothing or faults.
CHECK_OPS: dict[str, Callable[[int, int], None]] = {
    "assert_eq": assert_eq,
    "assert_ne": assert_ne,
    "range": range_check,
}


# ================================================================ machine state and instructions

Step = Callable[[], int]
"""A compiled instruction: does its work, gives the next pc (or raises Trap)."""

JUMPS = frozenset({"jmp", "jz", "jnz"})
"""The instructions whose taken jump to a loop head at or before them counts against `.bound`."""


class State:
    """The mutable machine state every compiled step closes over (built by the interpreter)."""

    __slots__ = ("program", "inputs", "regs", "mem", "pub_pos", "priv_pos", "outputs",
                 "stack", "bounds", "counts", "halt_pc", "end")

    def __init__(self, program: Program, inputs: Inputs) -> None:
        self.program = program
        self.inputs = inputs
        self.regs = [0] * N_REGS
        self.mem = [0] * MEM_SIZE
        self.pub_pos = 0
        self.priv_pos = 0
        self.outputs: list[int] = []
        self.stack: list[int] = []
        self.bounds = dict(program.bounds)
        self.counts = {pc: 0 for pc in self.bounds}
        self.halt_pc: int | None = None
        self.end = len(program.instrs)


# ---------------------------------------------------------------- operand helpers

def _reg(ins: Instr, i: int) -> int:
    """The register number of operand i, which must be a register."""
    arg = ins.args[i] if i < len(ins.args) else None
    if not isinstance(arg, Reg) or not 0 <= arg.n < N_REGS:
        raise MalformedProgram(f"line {ins.line}: {ins.op}: operand {i + 1} must be a register")
    return arg.n


def _src(ins: Instr, i: int) -> tuple[bool, int]:
    """Operand i as (is_register, register number or immediate value)."""
    arg = ins.args[i] if i < len(ins.args) else None
    if isinstance(arg, Imm):
        return False, arg.value % R
    return True, _reg(ins, i)


def _getter(ins: Instr, i: int, regs: list[int]) -> Callable[[], int]:
    """A function reading operand i (register or immediate); for the less hot instructions."""
    is_reg, v = _src(ins, i)
    if is_reg:
        return lambda: regs[v]
    return lambda: v


def _target(ins: Instr, end: int) -> int:
    """The pc a label operand (the last one) names."""
    arg = ins.args[-1] if ins.args else None
    if not isinstance(arg, Target) or not 0 <= arg.pc <= end:
        raise MalformedProgram(f"line {ins.line}: {ins.op}: expected a resolved label")
    return arg.pc


def _address(ins: Instr, i: int, regs: list[int]) -> Callable[[], int]:
    """A function computing memory operand i's address, faulting outside 0..65535."""
    arg = ins.args[i] if i < len(ins.args) else None
    if not isinstance(arg, Mem):
        raise MalformedProgram(f"line {ins.line}: {ins.op}: operand {i + 1} must be [address]")
    off, base = arg.offset % R, arg.base

    def addr() -> int:
        a = off if base is None else (regs[base] + off) % R
        if a >= MEM_SIZE:
            raise Trap(f"address out of range: {a}")
        return a

    return addr


# ---------------------------------------------------------------- value instructions

def _build_value(ins: Instr, pc: int, st: State) -> Step:
    """`op rd, ra, b` from VALUE_OPS; specialised on whether b is a register."""
    if len(ins.args) != 3:
        return _build_hash_n(ins, pc, st)
    fn, regs, nxt = VALUE_OPS[ins.op], st.regs, pc + 1
    d, a = _reg(ins, 0), _reg(ins, 1)
    is_reg, b = _src(ins, 2)
    if is_reg:
        def step() -> int:
            regs[d] = fn(regs[a], regs[b])
            return nxt
    else:
        def step() -> int:
            regs[d] = fn(regs[a], b)
            return nxt
    return step


def _build_unary(ins: Instr, pc: int, st: State) -> Step:
    """`mov rd, b`, `neg rd, ra`, `not rd, ra` from UNARY_OPS."""
    fn, regs, nxt = UNARY_OPS[ins.op], st.regs, pc + 1
    d = _reg(ins, 0)
    is_reg, x = _src(ins, 1)
    if is_reg:
        def step() -> int:
            regs[d] = fn(regs[x])
            return nxt
    else:
        def step() -> int:
            regs[d] = fn(x)
            return nxt
    return step


def _build_check(ins: Instr, pc: int, st: State) -> Step:
    """`assert_eq ra, b`, `assert_ne ra, b`, `range ra, n` from CHECK_OPS."""
    fn, regs, nxt = CHECK_OPS[ins.op], st.regs, pc + 1
    a, get_b = _reg(ins, 0), _getter(ins, 1, regs)

    def step() -> int:
        fn(regs[a], get_b())
        return nxt

    return step


def _build_hash_n(ins: Instr, pc: int, st: State) -> Step:
    """`hash rd, a1, ..., an` for n != 2: circomlib's Poseidon(n)."""
    from zkvmc.hash.poseidon import poseidon as poseidon_n

    regs, nxt, d = st.regs, pc + 1, _reg(ins, 0)
    if ins.op != "hash" or not 2 <= len(ins.args) <= 17:
        raise MalformedProgram(f"line {ins.line}: {ins.op}: wrong number of operands")
    getters = [_getter(ins, i, regs) for i in range(1, len(ins.args))]

    def step() -> int:
        regs[d] = poseidon_n([g() for g in getters])
        return nxt

    return step


def eddsa_check(ax: int, ay: int, s: int, r8x: int, r8y: int, m: int) -> None:
    """Fault unless (R8, S) is a valid EdDSA-Poseidon signature of m by A (circomlibjs
    verifyPoseidon, refusing small-order keys); the reason is zkvmc.crypto.eddsa's."""
    from zkvmc.crypto.eddsa import Signature, signature_fault

    why = signature_fault(m, Signature((r8x, r8y), s), (ax, ay))
    if why is not None:
        raise Trap(f"eddsa: {why}")


def _build_eddsa(ins: Instr, pc: int, st: State) -> Step:
    """`eddsa Ax, Ay, S, R8x, R8y, M`."""
    if len(ins.args) != 6:
        raise MalformedProgram(f"line {ins.line}: eddsa takes 6 operands")
    getters, nxt = [_getter(ins, i, st.regs) for i in range(6)], pc + 1

    def step() -> int:
        eddsa_check(*(g() for g in getters))
        return nxt

    return step


# ---------------------------------------------------------------- machine instructions

def _build_load(ins: Instr, pc: int, st: State) -> Step:
    """`load rd, [addr]`."""
    regs, mem, nxt = st.regs, st.mem, pc + 1
    d, addr = _reg(ins, 0), _address(ins, 1, regs)

    def step() -> int:
        regs[d] = mem[addr()]
        return nxt

    return step


def _build_store(ins: Instr, pc: int, st: State) -> Step:
    """`store [addr], b`."""
    regs, mem, nxt = st.regs, st.mem, pc + 1
    addr, get_b = _address(ins, 0, regs), _getter(ins, 1, regs)

    def step() -> int:
        mem[addr()] = get_b()
        return nxt

    return step


def _build_jmp(ins: Instr, pc: int, st: State) -> Step:
    """`jmp L`."""
    t = _target(ins, st.end)
    return lambda: t


def _build_branch(ins: Instr, pc: int, st: State) -> Step:
    """`jz ra, L` / `jnz ra, L`: jump when ra = 0 / ra != 0."""
    regs, nxt, a, t = st.regs, pc + 1, _reg(ins, 0), _target(ins, st.end)
    if ins.op == "jz":
        return lambda: t if regs[a] == 0 else nxt
    return lambda: nxt if regs[a] == 0 else t


def _build_call(ins: Instr, pc: int, st: State) -> Step:
    """`call L`: push the return address; the stack holds at most MAX_CALL_DEPTH."""
    stack, nxt, t = st.stack, pc + 1, _target(ins, st.end)

    def step() -> int:
        if len(stack) >= MAX_CALL_DEPTH:
            raise Trap(f"call depth exceeds {MAX_CALL_DEPTH}")
        stack.append(nxt)
        return t

    return step


def _build_ret(ins: Instr, pc: int, st: State) -> Step:
    """`ret`: pop the return address."""
    stack = st.stack

    def step() -> int:
        if not stack:
            raise Trap("ret with empty call stack")
        return stack.pop()

    return step


def _build_halt(ins: Instr, pc: int, st: State) -> Step:
    """`halt`: remember where, then go to the end (the end-of-run checks name this pc)."""
    def step() -> int:
        st.halt_pc = pc
        return st.end

    return step


def _build_nop(ins: Instr, pc: int, st: State) -> Step:
    """`nop`."""
    nxt = pc + 1
    return lambda: nxt


def _build_input(ins: Instr, pc: int, st: State) -> Step:
    """`read rd` / `secret rd`: the next public / private input; at most `.public n` / `.private n`."""
    regs, nxt, d = st.regs, pc + 1, _reg(ins, 0)
    public = ins.op == "read"
    tape = st.inputs.public if public else st.inputs.private
    declared = st.program.public if public else st.program.private
    limit = -1 if declared is None else declared
    too_many = f"{ins.op} exceeds .{'public' if public else 'private'} {limit}"
    past_end = f"read past end of {'public' if public else 'private'} input"

    def step() -> int:
        i = st.pub_pos if public else st.priv_pos
        if i == limit:
            raise Trap(too_many)
        if i >= len(tape):
            raise Trap(past_end)
        regs[d] = tape[i]
        if public:
            st.pub_pos = i + 1
        else:
            st.priv_pos = i + 1
        return nxt

    return step


def _build_write(ins: Instr, pc: int, st: State) -> Step:
    """`write b`: append to the output tape; at most `.outputs n` values."""
    out, nxt, get_b = st.outputs, pc + 1, _getter(ins, 0, st.regs)
    limit = -1 if st.program.outputs is None else st.program.outputs

    def step() -> int:
        if len(out) == limit:
            raise Trap(f"write exceeds .outputs {limit}")
        out.append(get_b())
        return nxt

    return step


Builder = Callable[[Instr, int, State], Step]

MACHINE_OPS: dict[str, Builder] = {
    "load": _build_load,
    "store": _build_store,
    "jmp": _build_jmp,
    "jz": _build_branch,
    "jnz": _build_branch,
    "call": _build_call,
    "ret": _build_ret,
    "halt": _build_halt,
    "nop": _build_nop,
    "read": _build_input,
    "secret": _build_input,
    "write": _build_write,
    "eddsa": _build_eddsa,
}
"""Builders for the instructions that touch more than registers."""

DEST_OPS = frozenset(VALUE_OPS) | frozenset(UNARY_OPS) | {"load", "read", "secret"}
"""Instructions whose first operand is the register they write (for the trace)."""


def builder_for(op: str) -> Builder:
    """The builder for a mnemonic."""
    if op in VALUE_OPS:
        return _build_value
    if op in UNARY_OPS:
        return _build_unary
    if op in CHECK_OPS:
        return _build_check
    if op in MACHINE_OPS:
        return MACHINE_OPS[op]
    raise MalformedProgram(f"unknown instruction {op!r}")
