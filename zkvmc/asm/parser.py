"""Source text -> SourceFile (ast.py): the Lark LALR grammar (grammar.lark) plus a tree walker.

Takes the text of a zkVM assembly file; gives labels, instructions and directives with spans,
or raises SourceError at the exact line and column of the first syntax error, saying in words
what was expected (spec: /work/shared/spec/zkvm-asm.md, "Syntax"; docs/language.md).
"""

from __future__ import annotations

import functools
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from zkvmc.asm.ast import (
    Atom, BoundDir, ConstDir, CountDir, DataDir, IncludeDir, Instruction, Item, Label, MemOperand,
    Name, Number, Operand, SourceFile,
)
from zkvmc.asm.checker import OPERAND_KINDS, usage
from zkvmc.errors import SourceError, Span

DIRECTIVES = (".const", ".data", ".public", ".private", ".outputs", ".bound", ".include")
"""Every directive the assembler knows."""

_PUNCT = {"COMMA": "','", "COLON": "':'", "PLUS": "'+'", "MINUS": "'-'", "LSQB": "'['", "RSQB": "']'",
          "_NL": "end of line", "$END": "end of file"}


@functools.lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = (Path(__file__).parent / "grammar.lark").read_text()
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def parse(text: str, filename: str) -> SourceFile:
    """Parse source text; raises SourceError (with the source line and a caret) on bad syntax."""
    lines = source_lines(text)
    try:
        tree = _lark().parse(text + "\n")
        items = tuple(_walk(tree, filename, text))
    except UnexpectedInput as e:
        raise with_source_line(_syntax_error(e, filename, lines), lines) from None
    except SourceError as e:
        raise with_source_line(e, lines) from None
    return SourceFile(filename, items)


def source_lines(text: str) -> list[str]:
    r"""The text's lines as the grammar counts them (only \n ends a line; a trailing \r is dropped)."""
    return [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]


def with_source_line(e: SourceError, lines: list[str]) -> SourceError:
    """The same error carrying the text of the line it points at (for the caret display)."""
    if e.source_line or not 1 <= e.span.line <= len(lines):
        return e
    return SourceError(e.span, e.message, lines[e.span.line - 1], e.hint, e.notes)


# ---- syntax errors ---------------------------------------------------------------------------

def _syntax_error(e: UnexpectedInput, filename: str, lines: list[str]) -> SourceError:
    line = e.line if isinstance(e.line, int) and e.line > 0 else max(len(lines), 1)
    col = e.column if isinstance(e.column, int) and e.column > 0 else 1
    span = Span(filename, line, col)
    src = lines[line - 1] if line <= len(lines) else ""
    hint = _usage_hint(src)
    if isinstance(e, UnexpectedCharacters):
        return _bad_character(span, src, e, hint)
    if isinstance(e, UnexpectedToken):
        found = _describe_token(e.token)
        wanted = _name_role(src[: col - 1]) if _accepted(e) == {"NAME"} else describe_expected(_accepted(e))
        return SourceError(span, f"expected {wanted}, found {found}", "", hint)
    return SourceError(span, "syntax error", "", hint)


def _bad_character(span: Span, src: str, e: UnexpectedCharacters, hint: str) -> SourceError:
    rest = src[span.col - 1:]
    if rest.startswith('"'):
        return SourceError(span, "unterminated string", "",
                           'a path is written between double quotes on one line: .include "lib.asm"')
    if rest.startswith("."):
        word = "." + _takewhile_word(rest[1:])
        return SourceError(span, f"unknown directive '{word}'", "", "directives are " + ", ".join(DIRECTIVES))
    expected = describe_expected(e.allowed or set())
    return SourceError(span, f"unexpected character {e.char!r}; expected {expected}", "", hint)


def _name_role(before: str) -> str:
    """Which kind of name a directive wants at this point of the line."""
    words = before.split()
    last = words[-1].lower() if words else ""
    return {".const": "a constant name", ".bound": "a label"}.get(last, "a name")


def _accepted(e: UnexpectedToken) -> set[str]:
    """What the parser would really accept here (LALR default reductions make e.expected too wide)."""
    try:
        accepts = e.accepts
    except Exception:  # noqa: BLE001 - the interactive parser is a nicety; fall back to e.expected
        accepts = None
    return set(accepts or e.expected)


def _takewhile_word(s: str) -> str:
    out = []
    for c in s:
        if not (c.isalnum() or c == "_"):
            break
        out.append(c)
    return "".join(out)


def _describe_token(tok: Token) -> str:
    if tok.type in ("_NL", "$END"):
        return _PUNCT[tok.type]
    return repr(str(tok))


def describe_expected(names: set[str] | frozenset[str]) -> str:
    """Lark terminal names -> words a person understands ("a register", "end of line", ...)."""
    names = set(names)
    words: list[str] = []
    if any(n.endswith("_KW") for n in names) and "NAME" in names:
        words.append("an instruction, label or directive")
        names -= {"NAME"} | {n for n in names if n.endswith("_KW")}
    elif {"NAME", "NUMBER", "LSQB"} <= names:
        words.append("an operand (a register, a number, a constant or [address])")
        names -= {"NAME", "NUMBER", "LSQB"}
    elif {"NAME", "NUMBER"} <= names:
        words.append("a number or a constant name")
        names -= {"NAME", "NUMBER"}
    if "STRING" in names:
        words.append('a quoted path ("file.asm")')
    if "NAME" in names:
        words.append("a name")
    if "NUMBER" in names:
        words.append("a number")
    if "_NL" in names:
        names.discard("$END")
    words += [_PUNCT[n] for n in _PUNCT if n in names]
    if not words:
        return "something else"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _usage_hint(src: str) -> str:
    """'add takes rd, ra, b ...' when the line's first word is a known mnemonic."""
    code = src.split(";")[0].split("#")[0]
    words = code.replace(",", " ").split()
    while words and words[0].endswith(":"):
        words = words[1:]
    op = words[0].split(":")[-1].lower() if words else ""
    return usage(op) if op in OPERAND_KINDS else ""


# ---- tree -> AST -----------------------------------------------------------------------------

def _span(filename: str, tok: Token) -> Span:
    return Span(filename, tok.line or 1, tok.column or 1)


def _walk(tree: Tree, filename: str, text: str) -> list[Item]:
    items: list[Item] = []
    for line in tree.children:
        for child in line.children:
            items.append(_item(child, filename, text))
    return items


def _item(t: Tree, filename: str, text: str) -> Item:
    kids = [k for k in t.children if not (isinstance(k, Token) and k.type in _PUNCT)]
    kind = t.data
    if kind == "label":
        return Label(str(kids[0]), _span(filename, kids[0]))
    if kind == "instr":
        return _instr(t, kids, filename, text)
    head = _span(filename, kids[0])
    if kind == "include_dir":
        return IncludeDir(str(kids[1])[1:-1], head)
    atoms = [_atom(k, filename) for k in kids[1:] if isinstance(k, Tree)]
    if kind == "const_dir":
        return ConstDir(Name(str(kids[1]), _span(filename, kids[1])), atoms[0], head)
    if kind == "data_dir":
        return DataDir(atoms[0], tuple(atoms[1:]), head)
    if kind == "bound_dir":
        return BoundDir(Name(str(kids[1]), _span(filename, kids[1])), atoms[0], head)
    return CountDir(kind[: -len("_dir")], atoms[0], head)


def _instr(t: Tree, kids: list, filename: str, text: str) -> Instruction:
    mnem = kids[0]
    ops: tuple[Operand, ...] = ()
    if len(kids) > 1:
        ops = tuple(_operand(k, filename) for k in kids[1].children if isinstance(k, Tree))
    src = text[t.meta.start_pos:t.meta.end_pos]
    return Instruction(str(mnem), ops, _span(filename, mnem), src)


def _operand(t: Tree, filename: str) -> Operand:
    if t.data != "mem_op":
        return _atom(t, filename)
    lsqb, inner = t.children[0], t.children[1]
    atoms = [_atom(k, filename) for k in inner.children if isinstance(k, Tree)]
    sign = {"memaddr": 0, "mem_plus": 1, "mem_minus": -1}[inner.data]
    offset = atoms[1] if len(atoms) > 1 else None
    return MemOperand(atoms[0], sign, offset, _span(filename, lsqb))


def _atom(t: Tree, filename: str) -> Atom:
    tok = t.children[0]
    span = _span(filename, tok)
    if t.data == "name_op":
        return Name(str(tok), span)
    return Number(parse_literal(str(tok), span), str(tok), span)


def parse_literal(text: str, span: Span) -> int:
    """A decimal or 0x-hex literal, optionally negative, as a signed int (not yet reduced)."""
    neg = text.startswith("-")
    body = text[1:] if neg else text
    if body[:2].lower() == "0x":
        digits = body[2:]
        if not digits or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise SourceError(span, f"bad hex literal '{text}'", "", "hex literals are 0x followed by digits 0-9 and a-f")
        value = int(digits, 16)
    else:
        if not body.isdigit() or not body.isascii():
            raise SourceError(span, f"bad number literal '{text}'", "",
                              "decimal literals are digits only; hex literals start with 0x (e.g. 0x1f)")
        try:
            value = int(body)
        except ValueError:
            raise SourceError(span, f"number literal '{text[:20]}...' is too long", "") from None
    return -value if neg else value
