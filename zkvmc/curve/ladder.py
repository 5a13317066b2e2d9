"""Double-and-add scalar multiplication, written once for both groups' Jacobian arithmetic."""

from __future__ import annotations

from typing import Any, Callable


def double_and_add(p: Any, k: int, inf: Any, double: Callable[[Any], Any],
                   add: Callable[[Any, Any], Any], neg: Callable[[Any], Any]) -> Any:
    """[k]P, k taken as given (not reduced mod r: the subgroup checks multiply by r itself)."""
    if k < 0:
        p, k = neg(p), -k
    acc = inf
    for bit in bin(k)[2:]:
        acc = double(acc)
        if bit == "1":
            acc = add(acc, p)
    return acc
