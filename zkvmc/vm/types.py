"""What a VM run gives: outputs, step count, an optional fault and an optional trace."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    """Why and where a run stopped abnormally (spec: any fault names the source line)."""

    pc: int
    """Index of the faulting instruction (len(instrs) for faults at halt, e.g. unread inputs)."""
    line: int
    """1-based source line of the faulting instruction (0 when not tied to one)."""
    instr: str
    """The instruction's source text ("" when not tied to one)."""
    reason: str
    """Short reason, e.g. "div by zero"."""


@dataclass(frozen=True)
class TraceStep:
    """One executed instruction, for `zkvmc run --trace`."""

    step: int
    """0-based step number."""
    pc: int
    """Instruction index."""
    line: int
    """Source line."""
    instr: str
    """Source text."""
    writes: tuple[tuple[int, int], ...]
    """(register, new value) for each register written."""


@dataclass(frozen=True)
class Run:
    """The result of running a program on the VM."""

    outputs: tuple[int, ...]
    """Values appended to the output tape, in order (up to the fault, if any)."""
    steps: int
    """Instructions executed."""
    fault: Fault | None
    """None for a clean halt."""
    trace: tuple[TraceStep, ...] | None
    """Per-step trace when requested, else None."""
