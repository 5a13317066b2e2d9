"""What the R1CS optimiser gives back (zkvmc.r1cs.optimise.optimise)."""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.r1cs.system import R1CS


@dataclass(frozen=True)
class OptResult:
    """An optimised constraint system and how it maps to the original."""

    r1cs: R1CS
    """The new system; wire 0 and the public wires keep their indices, private wires are renumbered."""
    wire_map: tuple[int, ...]
    """New wire i is old wire wire_map[i]."""
    origin: tuple[int, ...]
    """For each new constraint, the index of the old constraint it was derived from."""
