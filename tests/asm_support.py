"""The parser's naive twin: the same grammar parsed into a lark tree, then walked into the AST.

zkvmc.asm.parser builds the AST in the LALR reductions (no tree, no second pass: bench/asm.py);
this is the straightforward version it replaced, kept to compare against
(tests/test_asm_parser_twin.py). Syntax errors are described by the parser's own functions, so
the twins differ only in how the AST is built.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from zkvmc.asm import ast
from zkvmc.asm import parser as fast
from zkvmc.errors import SourceError, Span


@functools.lru_cache(maxsize=1)
def _tree_parser() -> Lark:
    grammar = (Path(fast.__file__).parent / "grammar.lark").read_text()
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def reference_parse(text: str, filename: str) -> ast.SourceFile:
    """What zkvmc.asm.parser.parse gives, computed the slow way."""
    lines = fast.source_lines(text)
    try:
        tree = _tree_parser().parse(text + "\n")
        items = tuple(_item(child, filename, text) for line in tree.children for child in line.children)
    except UnexpectedInput as e:
        raise fast.with_source_line(fast._syntax_error(e, filename, lines), lines) from None
    except SourceError as e:
        raise fast.with_source_line(e, lines) from None
    return ast.SourceFile(filename, items)


def _span(filename: str, tok: Token) -> Span:
    return Span(filename, tok.line or 1, tok.column or 1)


def _item(t: Tree, filename: str, text: str) -> ast.Item:
    kids = [k for k in t.children if not (isinstance(k, Token) and k.type in fast._PUNCT)]
    if t.data == "label":
        return ast.Label(str(kids[0]), _span(filename, kids[0]))
    if t.data == "instr":
        ops = tuple(_operand(k, filename) for k in kids[1].children if isinstance(k, Tree)) if len(kids) > 1 else ()
        return ast.Instruction(str(kids[0]), ops, _span(filename, kids[0]), text[t.meta.start_pos:t.meta.end_pos])
    head = _span(filename, kids[0])
    if t.data == "include_dir":
        return ast.IncludeDir(str(kids[1])[1:-1], head)
    atoms = [_atom(k, filename) for k in kids[1:] if isinstance(k, Tree)]
    if t.data == "const_dir":
        return ast.ConstDir(ast.Name(str(kids[1]), _span(filename, kids[1])), atoms[0], head)
    if t.data == "data_dir":
        return ast.DataDir(atoms[0], tuple(atoms[1:]), head)
    if t.data == "bound_dir":
        return ast.BoundDir(ast.Name(str(kids[1]), _span(filename, kids[1])), atoms[0], head)
    return ast.CountDir(t.data[: -len("_dir")], atoms[0], head)


def _operand(t: Tree, filename: str) -> ast.Operand:
    if t.data != "mem_op":
        return _atom(t, filename)
    lsqb, inner = t.children[0], t.children[1]
    atoms = [_atom(k, filename) for k in inner.children if isinstance(k, Tree)]
    sign = {"memaddr": 0, "mem_plus": 1, "mem_minus": -1}[inner.data]
    return ast.MemOperand(atoms[0], sign, atoms[1] if len(atoms) > 1 else None, _span(filename, lsqb))


def _atom(t: Tree, filename: str) -> ast.Atom:
    tok = t.children[0]
    span = _span(filename, tok)
    if t.data == "name_op":
        return ast.Name(str(tok), span)
    return ast.Number(fast.parse_literal(str(tok), span), str(tok), span)


# ---- mutated sources, for the parser twins (test_asm_parser_twin, test_asm_scan) -------------

PROGRAM_LINES = sorted({ln for p in sorted(Path(__file__).resolve().parent.parent.glob("programs/**/*.asm"))
                        for ln in p.read_text().splitlines()})
"""Every distinct line of the bundled programs."""
PIECES = list("r1,[]+-:.;#\"\t\r\f\v 0x9aZ_") + [
    "\n", "add", ".const", ".data", ".bound", ".include", ".public", ".PUBLIC", ".publicx", "jmp", "load",
    "\u00b3", "\ufeff", "\u017f", "12ab", "0xZZ", "-", "-5", "--", "[r1 +", "[r1-", "L:", " : ", ",,", "]"]
"""Fragments spliced into those lines: separators, keywords, odd Unicode, broken operands."""


def mutated(lines: list[str], edits: list[tuple[int, str, bool]]) -> str:
    """The lines joined, then each (position, piece, insert) edit applied: insert the piece there,
    or replace the character there with it."""
    text = "\n".join(lines)
    for at, piece, insert in edits:
        k = at % (len(text) + 1)
        text = text[:k] + piece + text[k + (0 if insert else 1):]
    return text
