"""The zkVM interpreter: `run(program, inputs) -> Run` (docs/language.md, "Machine" and "VM decisions")."""

from zkvmc.vm.interp import run
from zkvmc.asm.machine import MAX_CALL_DEPTH, MEM_SIZE
from zkvmc.errors import MalformedProgram
from zkvmc.vm.semantics import Trap
from zkvmc.vm.types import Fault, Run, TraceStep

__all__ = ["run", "Run", "Fault", "TraceStep", "MEM_SIZE", "MAX_CALL_DEPTH", "MalformedProgram", "Trap"]
