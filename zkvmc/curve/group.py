"""The two groups G1 and G2 as records of their operations, so MSM code is written once.

Takes nothing; gives `G1` and `G2`, each bundling the Jacobian operations of zkvmc.curve.g1 or
zkvmc.curve.g2 (the hot functions are bound to locals inside the MSM loops).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, TypeVar

from zkvmc.curve import g1, g2
from zkvmc.curve.types import G1Affine, G1Jac, G2Affine, G2Jac

J = TypeVar("J")
"""A group's Jacobian point type (G1Jac or G2Jac)."""
A = TypeVar("A")
"""A group's affine point type (G1Affine or G2Affine)."""


@dataclass(frozen=True)
class Group(Generic[J, A]):
    """A prime-order elliptic-curve group's Jacobian arithmetic: Group[G1Jac, G1Affine] or
    Group[G2Jac, G2Affine], so that code written once for both still keeps the groups apart."""

    name: str
    """"G1" or "G2"."""
    inf: J
    """The point at infinity (Jacobian)."""
    double: Callable[[J], J]
    """2P."""
    add: Callable[[J, J], J]
    """P + Q, Jacobian."""
    add_mixed: Callable[[J, A], J]
    """P + Q, Q affine and not None."""
    neg: Callable[[J], J]
    """-P, Jacobian."""
    mul: Callable[[J, int], J]
    """[k]P by double-and-add."""
    from_affine: Callable[[A], J]
    """Affine (None = infinity) -> Jacobian."""
    batch_to_affine: Callable[[list[J]], list[A]]
    """Jacobian -> affine for many points, one inversion."""
    is_inf: Callable[[J], bool]
    """Whether a Jacobian point is the point at infinity."""
    is_on_curve: Callable[[A], bool]
    """Whether an affine point (None allowed) is on the curve."""
    in_subgroup: Callable[[A], bool]
    """Whether an on-curve affine point lies in the order-r subgroup."""
    normalize: Callable[[A], A]
    """Affine point with coordinates in the fast integer type (None stays None)."""


def _norm1(p: G1Affine) -> G1Affine:
    return None if p is None else (g1.mpz(p[0]), g1.mpz(p[1]))


def _norm2(p: G2Affine) -> G2Affine:
    return None if p is None else (g2.fq2(*p[0]), g2.fq2(*p[1]))


G1: Group[G1Jac, G1Affine] = Group("G1", g1.INF, g1.double, g1.add, g1.add_mixed, g1.neg, g1.mul, g1.from_affine,
           g1.batch_to_affine, lambda p: p[2] == 0, g1.is_on_curve, g1.in_subgroup, _norm1)
"""BN254 G1."""

G2: Group[G2Jac, G2Affine] = Group("G2", g2.INF, g2.double, g2.add, g2.add_mixed, g2.neg, g2.mul, g2.from_affine,
           g2.batch_to_affine, lambda p: g2.is_zero2(p[2]), g2.is_on_curve, g2.in_subgroup, _norm2)
"""BN254 G2 (on the twist)."""
