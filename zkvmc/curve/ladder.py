"""Double-and-add scalar multiplication, written once for both groups' Jacobian arithmetic."""

from __future__ import annotations

from typing import Callable, TypeVar

P = TypeVar("P")
"""A Jacobian point of either group (zkvmc.curve.types.G1Jac or G2Jac)."""


def double_and_add(p: P, k: int, inf: P, double: Callable[[P], P],
                   add: Callable[[P, P], P], neg: Callable[[P], P]) -> P:
    """[k]P, k taken as given (not reduced mod r: the subgroup checks multiply by r itself)."""
    if k < 0:
        p, k = neg(p), -k
    acc = inf
    for bit in bin(k)[2:]:
        acc = double(acc)
        if bit == "1":
            acc = add(acc, p)
    return acc
