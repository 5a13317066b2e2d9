"""The compiler: zkVM Program -> Circuit (R1CS + witness program), spec "Proving semantics".

Stages: explore (symbolic execution with path predicates) over ops/u64/memory/poseidon_gadget
lowerings into a Builder, then compile (tape counts, outputs, numbering, optimiser).
"""

from __future__ import annotations

from typing import Any

__all__ = ["compile_program"]


def __getattr__(name: str) -> Any:
    """compile_program, imported on first use (PEP 562): reading a circuit file imports
    zkvmc.compiler.circuit, and should not pay for the compiler and its Poseidon constants."""
    if name == "compile_program":
        from zkvmc.compiler.compile import compile_program

        return compile_program
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
