"""The zkVM interpreter: `run(program, inputs) -> Run` (spec: ../shared/spec/zkvm-asm.md)."""

from zkvmc.vm.interp import run
from zkvmc.vm.semantics import MAX_CALL_DEPTH, MEM_SIZE, MalformedProgram, Trap
from zkvmc.vm.types import Fault, Run, TraceStep

__all__ = ["run", "Run", "Fault", "TraceStep", "MEM_SIZE", "MAX_CALL_DEPTH", "MalformedProgram", "Trap"]
