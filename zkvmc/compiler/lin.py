"""Linear combinations over signals, the value of every register during lowering.

An LC is zkvmc.r1cs.system.LC: sorted (signal, coefficient) pairs with signal 0 the constant 1,
so a compile-time constant c is ((0, c),) (or () for 0). Additions, subtractions, negations and
products with constants are LC arithmetic and cost no constraint (docs/compiler.md, "Values and signals").
"""

from __future__ import annotations

from zkvmc.field import R
from zkvmc.r1cs.system import LC

ZERO: LC = ()
"""The constant 0."""

ONE: LC = ((0, 1),)
"""The constant 1."""


def const(c: int) -> LC:
    """The constant c (reduced mod r)."""
    c %= R
    return ((0, c),) if c else ()


def sig(s: int) -> LC:
    """The LC holding exactly signal s."""
    return ((s, 1),)


def is_const(a: LC) -> bool:
    """Whether a is a compile-time constant."""
    return not a or (len(a) == 1 and a[0][0] == 0)


def const_val(a: LC) -> int:
    """The value of a constant LC."""
    return a[0][1] if a else 0


def combine(a: LC, b: LC, k: int = 1) -> LC:
    """a + k·b."""
    if not b or k % R == 0:
        return a
    terms = dict(a)
    for s, c in b:
        terms[s] = (terms.get(s, 0) + k * c) % R
    return tuple(sorted((s, c) for s, c in terms.items() if c))


def add(a: LC, b: LC) -> LC:
    """a + b."""
    return combine(a, b, 1)


def sub(a: LC, b: LC) -> LC:
    """a - b."""
    return combine(a, b, R - 1)


def scale(a: LC, k: int) -> LC:
    """k·a."""
    k %= R
    if k == 0:
        return ZERO
    return tuple((s, c * k % R) for s, c in a)


def add_const(a: LC, c: int) -> LC:
    """a + c."""
    return combine(a, ONE, c)


def from_bits(bits: tuple[LC, ...]) -> LC:
    """sum 2^i · bits[i]."""
    terms: dict[int, int] = {}
    for i, b in enumerate(bits):
        for s, c in b:
            terms[s] = (terms.get(s, 0) + (c << i)) % R
    return tuple(sorted((s, c) for s, c in terms.items() if c))


def evaluate(a: LC, values: list[int]) -> int:
    """<a, values> mod r (values[0] == 1)."""
    return sum(c * values[s] for s, c in a) % R
