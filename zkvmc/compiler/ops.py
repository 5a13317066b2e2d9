"""The lowering of every data instruction: a table to read side by side with zkvmc.vm.semantics.

Each entry takes the builder, the path predicate p and operand LCs and gives the result LC,
emitting constraints; a check that can fail is predicated on p (docs/compiler.md, "Faults"):
vacuous when p = 0, exactly the VM's check when p = 1. A check that fails for certain raises
u64.Dead after constraining p = 0. Control flow, memory and tapes are in zkvmc.compiler.explore.
"""

from __future__ import annotations

from typing import Callable

from zkvmc.compiler import lin, u64
from zkvmc.compiler.builder import Builder
from zkvmc.compiler.u64 import kill
from zkvmc.field import R, inv
from zkvmc.r1cs.system import LC


def _mul(b: Builder, p: LC, x: LC, y: LC) -> LC:
    """mul: free with a constant side, else one product."""
    return b.mul(x, y)


def _div(b: Builder, p: LC, x: LC, y: LC) -> LC:
    """div: hint i = p / y with y·i = p (no solution when p = 1 and y = 0), result x·i."""
    if lin.is_const(y):
        if lin.const_val(y) == 0:
            raise kill(b, p)
        return lin.scale(x, inv(lin.const_val(y)))
    (i,) = b.signal("div0", (p, y))
    b.constrain(y, lin.sig(i), p)
    return b.mul(x, lin.sig(i))


def _eq(b: Builder, p: LC, x: LC, y: LC) -> LC:
    """eq: IsZero(x - y)."""
    return b.is_zero(lin.sub(x, y))


def _shift(op: str) -> Callable[[Builder, LC, LC, LC], LC]:
    def lower(b: Builder, p: LC, x: LC, n: LC) -> LC:
        if not lin.is_const(n):
            raise Unsupported("shift amount must be known at compile time",
                              "use a constant shift, or mul/udiv by a power of two")
        return u64.shift(b, p, op, x, lin.const_val(n))
    return lower


class Unsupported(Exception):
    """An instruction form the compiler cannot lower (the driver reports it at the line)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def _poseidon2(b: Builder, x: LC, y: LC) -> LC:
    """poseidon2, imported on first use: its round constants take 0.2 s to build, and most
    programs never hash."""
    from zkvmc.compiler.poseidon_gadget import poseidon2

    return poseidon2(b, x, y)


BINARY: dict[str, Callable[[Builder, LC, LC, LC], LC]] = {
    "add": lambda b, p, x, y: lin.add(x, y),
    "sub": lambda b, p, x, y: lin.sub(x, y),
    "mul": _mul,
    "div": _div,
    "eq": _eq,
    "lt": lambda b, p, x, y: u64.compare(b, p, "lt", x, y),
    "le": lambda b, p, x, y: u64.compare(b, p, "le", x, y),
    "gt": lambda b, p, x, y: u64.compare(b, p, "gt", x, y),
    "ge": lambda b, p, x, y: u64.compare(b, p, "ge", x, y),
    "and": lambda b, p, x, y: u64.bitwise(b, p, "and", x, y),
    "or": lambda b, p, x, y: u64.bitwise(b, p, "or", x, y),
    "xor": lambda b, p, x, y: u64.bitwise(b, p, "xor", x, y),
    "shl": _shift("shl"),
    "shr": _shift("shr"),
    "udiv": lambda b, p, x, y: u64.divmod_(b, p, "udiv", x, y),
    "umod": lambda b, p, x, y: u64.divmod_(b, p, "umod", x, y),
    "hash": lambda b, p, x, y: _poseidon2(b, x, y),  # two inputs; explore.py lowers every arity
}
"""`op rd, ra, b`: rd = BINARY[op](builder, p, ra, b)."""

UNARY: dict[str, Callable[[Builder, LC, LC], LC]] = {
    "mov": lambda b, p, x: x,
    "neg": lambda b, p, x: lin.scale(x, R - 1),
    "not": lambda b, p, x: u64.bit_not(b, p, x),
}
"""`op rd, x`: rd = UNARY[op](builder, p, x)."""


def _assert_eq(b: Builder, p: LC, x: LC, y: LC) -> None:
    """p·(x - y) = 0."""
    d = lin.sub(x, y)
    if lin.is_const(d):
        if lin.const_val(d):
            raise kill(b, p)
    elif p == lin.ONE:
        b.constrain_zero(d)
    else:
        b.constrain(p, d, lin.ZERO)


def _assert_ne(b: Builder, p: LC, x: LC, y: LC) -> None:
    """(x - y)·i = p with hint i = p / (x - y): no solution when p = 1 and x = y."""
    d = lin.sub(x, y)
    if lin.is_const(d):
        if lin.const_val(d) == 0:
            raise kill(b, p)
        return
    (i,) = b.signal("div0", (p, d))
    b.constrain(d, lin.sig(i), p)


def _range(b: Builder, p: LC, x: LC, n: LC) -> None:
    """p·x < 2^n."""
    u64.range_check(b, p, x, lin.const_val(n))


CHECKS: dict[str, Callable[[Builder, LC, LC, LC], None]] = {
    "assert_eq": _assert_eq,
    "assert_ne": _assert_ne,
    "range": _range,
}
"""`op ra, b`: CHECKS[op](builder, p, ra, b) emits the predicated check."""
