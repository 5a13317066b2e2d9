"""The assembled program: what the assembler gives and what the VM and the compiler take.

Plain frozen data, independent of the parser's AST: labels are resolved to instruction
indices, `.const` names to values, literals reduced mod r (docs/language.md, "Program image").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Reg:
    """A register operand."""

    n: int
    """Register number 0..15."""


@dataclass(frozen=True)
class Imm:
    """An immediate operand (literal or `.const`)."""

    value: int
    """The value, already reduced into [0, r)."""


@dataclass(frozen=True)
class Mem:
    """A memory operand `[ra]`, `[ra + n]`, `[ra - n]` or `[n]`."""

    base: int | None
    """Base register number, or None for an absolute `[n]`."""
    offset: int
    """Added to the base mod r (`[ra - n]` stores r - n); the sum must be an address 0..65535."""


@dataclass(frozen=True)
class Target:
    """A resolved label operand."""

    name: str
    """The label as written."""
    pc: int
    """Index of the instruction it names (== len(instrs) for a label after the last one)."""


Operand = Union[Reg, Imm, Mem, Target]


@dataclass(frozen=True)
class Instr:
    """One instruction with its operands and where it came from."""

    op: str
    """Lower-case mnemonic."""
    args: tuple[Operand, ...]
    """Operands in source order."""
    line: int
    """1-based source line."""
    text: str
    """The instruction as written in the source (for traces and fault messages)."""
    file: str | None = None
    """The included file it came from (`.include`), or None for the program's own source."""


@dataclass(frozen=True)
class Program:
    """An assembled program image."""

    instrs: tuple[Instr, ...]
    """The instructions; pc indexes this tuple."""
    data: tuple[tuple[int, int], ...]
    """Initial memory from `.data`: (address, value) pairs sorted by address."""
    public: int | None
    """`.public n`, or None when the count is to be inferred."""
    private: int | None
    """`.private n`, or None."""
    outputs: int | None
    """`.outputs n`, or None."""
    bounds: tuple[tuple[int, int], ...]
    """`.bound L, n` as (pc of L, n) pairs sorted by pc."""
    labels: tuple[tuple[str, int], ...]
    """Every label and its pc, in definition order."""
    source: str
    """Name of the source file it was assembled from."""
    source_digest: str
    """sha256 hex digest of the source text (with includes or -D: of the listing described in
    docs/language.md, "Extensions: .include and -D")."""

    def file_of(self, pc: int) -> str:
        """The source file of the instruction at pc (the program's source past the end)."""
        if 0 <= pc < len(self.instrs):
            return self.instrs[pc].file or self.source
        return self.source

    def bound_of(self, pc: int) -> int | None:
        """The `.bound` of the loop headed at pc, if any."""
        for p, n in self.bounds:
            if p == pc:
                return n
        return None
