"""The zkVM machine: its constants and its two input tapes, defined once for the assembler, the
program image reader, the VM, the compiler and the witness generator, so that they agree on
what a program may name and do.

Takes nothing, gives constants and the Inputs type (docs/language.md, "Machine"). Imports
nothing of zkvmc: every stage may depend on it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

N_REGS = 16
"""Registers r0 .. r15."""

ADDRESS_BITS = 16
"""Bits of a memory address (the compiler range-checks a computed address to this many bits)."""

MEM_SIZE = 1 << ADDRESS_BITS
"""Memory cells: addresses 0 .. MEM_SIZE - 1 = 65535."""

MAX_CALL_DEPTH = 64
"""Return addresses the call stack holds; one more `call` faults."""

COUNT_LIMIT = 1 << 32
"""Counts in `.public/.private/.outputs/.bound` are below this."""

ALL_REGS = frozenset(range(N_REGS))
"""Every register number."""


@dataclass(frozen=True)
class Inputs:
    """The two input tapes (the inputs file: zkvmc.artifacts.inputs)."""

    public: tuple[int, ...]
    """Public tape, consumed by `read`."""
    private: tuple[int, ...]
    """Private tape, consumed by `secret`."""
