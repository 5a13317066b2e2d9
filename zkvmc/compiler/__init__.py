"""The compiler: zkVM Program -> Circuit (R1CS + witness program), spec "Proving semantics".

Stages: explore (symbolic execution with path predicates) over ops/u64/memory/poseidon_gadget
lowerings into a Builder, then compile (tape counts, outputs, numbering, optimiser).
"""

from zkvmc.compiler.compile import compile_program

__all__ = ["compile_program"]
