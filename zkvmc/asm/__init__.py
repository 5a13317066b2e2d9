"""zkVM assembly: parser (grammar.lark, parser.py) -> AST (ast.py) -> checked Program (program.py).

`.include` splicing: include.py; `-D NAME=VALUE` overrides: defines.py.

The language as implemented (and the spec it follows): docs/language.md.
"""

from zkvmc.asm.assembler import assemble_file, assemble_source
from zkvmc.asm.checker import OPERAND_KINDS, usage
from zkvmc.asm.defines import parse_defines
from zkvmc.asm.parser import parse
from zkvmc.asm.program import Imm, Instr, Mem, Program, Reg, Target

__all__ = ["OPERAND_KINDS", "Imm", "Instr", "Mem", "Program", "Reg", "Target", "assemble_file",
           "assemble_source", "parse", "parse_defines", "usage"]
