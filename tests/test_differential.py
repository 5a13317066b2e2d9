"""Differential test: random programs on the VM vs compiled circuit + witness program.

For each random well-formed program (straight-line code, branches on run-time values, bounded
and constant-trip loops, run-time memory addresses, u64 ops, asserts that sometimes fail, div
by possibly-zero, hash, calls) and random inputs: the witness satisfies the R1CS exactly when
the VM halts without a fault, and then the public outputs are the VM's outputs. At O0 and O2.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler_support import agree
from zkvmc.artifacts.inputs import Inputs
from zkvmc.asm.program import Imm, Instr, Mem, Program, Reg, Target
from zkvmc.field import R
from zkvmc.vm import run

DATA_REGS = 6  # r0..r5 hold data; r8 is the address temp; r13..r15 loop counters
SPECIAL = (0, 1, 2, 3, 7, 2**64 - 1, 2**64, R - 1, 2**32 + 5)

values = st.one_of(st.integers(0, 9), st.sampled_from(SPECIAL), st.integers(0, R - 1))
imms = st.one_of(st.integers(0, 9), st.sampled_from(SPECIAL))
BINARY = ("add", "sub", "mul", "div", "eq", "lt", "le", "gt", "ge", "and", "or", "xor",
          "udiv", "umod", "hash")


class Gen:
    """Collects pseudo-instructions (op, args) and label definitions, then resolves them."""

    def __init__(self) -> None:
        self.items: list[tuple[str, tuple]] = []
        self.labels = 0
        self.bounds: list[tuple[str, int]] = []
        self.io = False  # reads/writes anywhere (the program then has all three count directives)

    def label(self) -> str:
        self.labels += 1
        return f"L{self.labels}"

    def emit(self, op: str, *args: object) -> None:
        self.items.append((op, args))

    def program(self, counts: tuple[int | None, int | None, int | None],
                data: tuple[tuple[int, int], ...]) -> Program:
        pcs: dict[str, int] = {}
        instrs = []
        for op, args in self.items:
            if op == ":":
                pcs[args[0]] = len(instrs)
            else:
                instrs.append((op, args))
        out = []
        for pc, (op, args) in enumerate(instrs):
            res = tuple(Target(a, pcs[a]) if isinstance(a, str) else a for a in args)
            out.append(Instr(op, res, pc + 1, f"{op} {args}"))
        bounds = tuple(sorted((pcs[name], n) for name, n in self.bounds))
        return Program(tuple(out), data, *counts, bounds, tuple(pcs.items()), "gen.asm", "")


def reg(draw) -> Reg:
    return Reg(draw(st.integers(0, DATA_REGS - 1)))


def operand(draw):
    return reg(draw) if draw(st.booleans()) else Imm(draw(imms) % R)


def straight(draw, g: Gen) -> None:
    kind = draw(st.sampled_from(("bin", "bin", "bin", "un", "shift", "check", "mem", "mem", "eq", "io")))
    if kind == "io" and g.io:
        g.emit(draw(st.sampled_from(("read", "secret", "write"))), reg(draw))
    elif kind in ("bin", "io"):
        g.emit(draw(st.sampled_from(BINARY)), reg(draw), reg(draw), operand(draw))
    elif kind == "un":
        g.emit(draw(st.sampled_from(("mov", "neg", "not"))), reg(draw), reg(draw))
    elif kind == "shift":
        g.emit(draw(st.sampled_from(("shl", "shr"))), reg(draw), reg(draw), Imm(draw(st.integers(0, 63))))
    elif kind == "eq":  # a 0/1 value, so that branches on it go both ways often
        g.emit("eq", reg(draw), reg(draw), operand(draw))
    elif kind == "check":
        op = draw(st.sampled_from(("assert_eq", "assert_ne", "range")))
        b = Imm(draw(st.integers(1, 252))) if op == "range" else operand(draw)
        g.emit(op, reg(draw), b)
    else:
        mode = draw(st.sampled_from(("masked", "raw", "const")))
        off = draw(st.integers(0, 3))
        if mode == "masked":
            g.emit("and", Reg(8), reg(draw), Imm(3))
            addr = Mem(8, off)
        elif mode == "raw":
            addr = Mem(reg(draw).n, off)
        else:
            addr = Mem(None, off)
        if draw(st.booleans()):
            g.emit("store", addr, operand(draw))
        else:
            g.emit("load", reg(draw), addr)


def block(draw, g: Gen, depth: int, size: int, calls: bool = False) -> None:
    for _ in range(draw(st.integers(1, size))):
        kind = draw(st.sampled_from(("s", "s", "s", "if", "loop", "call")) if depth < 2 else st.just("s"))
        if kind == "s" or (kind == "call" and not calls):
            straight(draw, g)
        elif kind == "call":
            g.emit("call", "F")
        elif kind == "if":
            other, end = g.label(), g.label()
            g.emit(draw(st.sampled_from(("jz", "jnz"))), reg(draw), other)
            block(draw, g, depth + 1, 2, calls)
            g.emit("jmp", end)
            g.emit(":", other)
            block(draw, g, depth + 1, 2, calls)
            g.emit(":", end)
        else:
            head, counter = g.label(), Reg(15 - depth)
            if draw(st.booleans()):  # run-time trip count with a .bound (may be exceeded)
                g.emit("umod", counter, reg(draw), Imm(3))
                g.emit("add", counter, counter, Imm(1))
                g.bounds.append((head, draw(st.integers(1, 3))))
            else:
                g.emit("mov", counter, Imm(draw(st.integers(1, 3))))
            g.emit(":", head)
            block(draw, g, depth + 1, 2, calls)
            g.emit("sub", counter, counter, Imm(1))
            g.emit("jnz", counter, head)


@st.composite
def programs(draw) -> tuple[Program, Inputs]:
    g = Gen()
    g.io = draw(st.integers(0, 3)) == 0
    n_pub, n_priv = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    for i in range(n_pub):
        g.emit("read", Reg(i))
    for i in range(n_priv):
        g.emit("secret", Reg(n_pub + i))
    with_call = draw(st.booleans())
    if with_call:
        g.emit("call", "F")
    block(draw, g, 0, 4, with_call)
    for _ in range(draw(st.integers(0, 2))):
        g.emit("write", reg(draw))
    if with_call:
        g.emit("halt")
        g.emit(":", "F")
        block(draw, g, 1, 2)
        g.emit("ret")
    data = tuple(enumerate(draw(st.lists(values, max_size=5))))
    if g.io:  # counts vary between paths: directives (this run's counts) make the others faults
        return _io_case(draw, g, data)
    else:
        counts = (n_pub if draw(st.integers(0, 4)) else draw(st.integers(0, 3)), None, None)
    pub = tuple(draw(st.lists(values, min_size=n_pub, max_size=n_pub)))
    priv = tuple(draw(st.lists(values, min_size=n_priv, max_size=n_priv)))
    return g.program(counts, data), Inputs(pub, priv)


def _io_case(draw, g: Gen, data: tuple[tuple[int, int], ...]) -> tuple[Program, Inputs]:
    """Directives set to what one VM run on 4-value tapes does (sometimes off by one)."""
    pub = tuple(draw(st.lists(values, min_size=4, max_size=4)))
    priv = tuple(draw(st.lists(values, min_size=4, max_size=4)))
    trial = run(g.program((None, None, None), data), Inputs(pub, priv), max_steps=10_000, trace=True)
    ops = [g.program((None, None, None), data).instrs[t.pc].op for t in trial.trace or ()]
    counts = [min(ops.count("read"), 4), min(ops.count("secret"), 4), ops.count("write")]
    if draw(st.integers(0, 3)) == 0:
        counts[draw(st.integers(0, 2))] += draw(st.sampled_from((-1, 1)))
    counts = [max(c, 0) for c in counts]
    return g.program(tuple(counts), data), Inputs(pub[:min(counts[0], 4)], priv[:min(counts[1], 4)])


SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(programs())
def test_vm_and_circuit_agree_O0(case: tuple[Program, Inputs]) -> None:
    agree(*case, level=0)


@SETTINGS
@given(programs())
def test_vm_and_circuit_agree_O2(case: tuple[Program, Inputs]) -> None:
    agree(*case, level=2)


@settings(max_examples=100, deadline=None)
@given(programs(), st.data())
def test_same_circuit_many_inputs(case: tuple[Program, Inputs], data) -> None:
    """One program, several input vectors: branches go both ways on the same circuit."""
    program, inputs = case
    for _ in range(3):
        pub = tuple(data.draw(st.lists(values, min_size=len(inputs.public), max_size=len(inputs.public))))
        priv = tuple(data.draw(st.lists(values, min_size=len(inputs.private), max_size=len(inputs.private))))
        agree(program, Inputs(pub, priv), level=2)
