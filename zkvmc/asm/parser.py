"""Source text -> SourceFile (ast.py): the Lark LALR grammar (grammar.lark), the AST built in
its reductions (no parse tree, no second pass: about 5x faster and 4x smaller on 100k lines
than the tree walker it replaced, which tests/asm_support.py keeps as the naive twin; bench/asm.py).

Takes the text of a zkVM assembly file; gives labels, instructions and directives with spans,
or raises SourceError at the exact line and column of the first syntax error (a bad literal
only if the whole text parses), saying in words what was expected (docs/language.md,
"Lexical structure" and "Errors when assembling").
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from zkvmc.asm.ast import (
    Atom, BoundDir, ConstDir, CountDir, DataDir, IncludeDir, Instruction, Item, Label, MemOperand,
    Name, Number, Operand, SourceFile,
)
from zkvmc.asm.checker import OPERAND_KINDS, usage
from zkvmc.errors import SourceError, Span
from zkvmc.gcpause import gc_paused

DIRECTIVES = (".const", ".data", ".public", ".private", ".outputs", ".bound", ".include")
"""Every directive the assembler knows."""

_PUNCT = {"COMMA": "','", "COLON": "':'", "PLUS": "'+'", "MINUS": "'-'", "LSQB": "'['", "RSQB": "']'",
          "_NL": "end of line", "$END": "end of file"}


@functools.lru_cache(maxsize=1)
def _lark() -> tuple[Lark, _Reduce]:
    """The LALR parser (contextual lexer) with the AST built in its reductions. Built once per
    process (~40 ms); lark's cache=True is not used: it unpickles a file from the shared temp
    directory, which anyone on the machine could replace."""
    grammar = (Path(__file__).parent / "grammar.lark").read_text()
    reduce = _Reduce()
    return Lark(grammar, parser="lalr", lexer="contextual", transformer=reduce,
                maybe_placeholders=False), reduce


def parse(text: str, filename: str) -> SourceFile:
    """Parse source text; raises SourceError (with the source line and a caret) on bad syntax.

    The line scanner (scan.py) reads what it fully recognises, about 10x faster; anything else,
    every error included, is read by the LALR parser (parse_lalr), its twin."""
    from zkvmc.asm.scan import scan  # scan.py uses this module's literal and text helpers

    with gc_paused():
        items = scan(text, filename)
    return SourceFile(filename, tuple(items)) if items is not None else parse_lalr(text, filename)


def parse_lalr(text: str, filename: str) -> SourceFile:
    """parse by the LALR grammar alone (the reference the scanner is tested against)."""
    parser, reduce = _lark()
    ctx = reduce.ctx
    ctx.filename, ctx.text, ctx.bad_literal = filename, text + "\n", None
    try:
        with gc_paused():
            items = parser.parse(ctx.text)
        if ctx.bad_literal is not None:
            raise ctx.bad_literal
    except UnexpectedInput as e:
        lines = source_lines(text)
        raise with_source_line(_syntax_error(e, filename, lines), lines) from None
    except SourceError as e:
        raise with_source_line(e, source_lines(text)) from None
    finally:
        ctx.text, ctx.bad_literal = "", None
    return SourceFile(filename, tuple(items))


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


# ---- reductions -> AST ------------------------------------------------------------------------

class _Ctx(threading.local):
    """Per-parse state the reductions need: the file name for spans, the text for instruction
    sources, and the first bad literal (raised only if the whole text parses, as a syntax error
    anywhere takes precedence)."""

    filename = ""
    text = ""
    bad_literal: SourceError | None = None


class _Reduce(Transformer):
    """LALR reduction callbacks that build the AST directly (no parse tree is built), so a
    line costs its tokens and a few small objects; spans come from the tokens' positions."""

    def __init__(self) -> None:
        super().__init__()
        self.ctx = _Ctx()

    def _span(self, tok: Token) -> Span:
        return Span(self.ctx.filename, tok.line or 1, tok.column or 1)

    def start(self, lines: list[list[Item]]) -> list[Item]:
        return [it for line in lines for it in line]

    def line(self, kids: list[Item]) -> list[Item]:
        return kids

    def label(self, kids: list[Token]) -> Label:
        return Label(str(kids[0]), self._span(kids[0]))

    def instr(self, kids: list) -> Instruction:
        mnem: Token = kids[0]
        ops = kids[1] if len(kids) > 1 else ()
        return Instruction(str(mnem), ops, self._span(mnem), _instr_text(self.ctx.text, mnem.start_pos))

    def operands(self, kids: list) -> tuple[Operand, ...]:
        return tuple(k for k in kids if not isinstance(k, Token))

    def name_op(self, kids: list[Token]) -> Name:
        return Name(str(kids[0]), self._span(kids[0]))

    def num_op(self, kids: list[Token]) -> Number:
        tok, span = kids[0], self._span(kids[0])
        try:
            return Number(parse_literal(str(tok), span), str(tok), span)
        except SourceError as e:
            if self.ctx.bad_literal is None:
                self.ctx.bad_literal = e
            return Number(0, str(tok), span)

    def mem_op(self, kids: list) -> MemOperand:
        sign, base, offset = kids[1]
        return MemOperand(base, sign, offset, self._span(kids[0]))

    def memaddr(self, kids: list) -> tuple[int, Atom, Atom | None]:
        return 0, kids[0], None

    def mem_plus(self, kids: list) -> tuple[int, Atom, Atom | None]:
        return 1, kids[0], kids[2]

    def mem_minus(self, kids: list) -> tuple[int, Atom, Atom | None]:
        return -1, kids[0], kids[2]

    def const_dir(self, kids: list) -> ConstDir:
        return ConstDir(Name(str(kids[1]), self._span(kids[1])), kids[2], self._span(kids[0]))

    def data_dir(self, kids: list) -> DataDir:
        atoms = [k for k in kids[1:] if not isinstance(k, Token)]
        return DataDir(atoms[0], tuple(atoms[1:]), self._span(kids[0]))

    def bound_dir(self, kids: list) -> BoundDir:
        return BoundDir(Name(str(kids[1]), self._span(kids[1])), kids[3], self._span(kids[0]))

    def include_dir(self, kids: list[Token]) -> IncludeDir:
        return IncludeDir(str(kids[1])[1:-1], self._span(kids[0]))

    def public_dir(self, kids: list) -> CountDir:
        return CountDir("public", kids[1], self._span(kids[0]))

    def private_dir(self, kids: list) -> CountDir:
        return CountDir("private", kids[1], self._span(kids[0]))

    def outputs_dir(self, kids: list) -> CountDir:
        return CountDir("outputs", kids[1], self._span(kids[0]))


_INSIGNIFICANT = " \t\f\r\ufeff"
"""What the grammar ignores between tokens (WS); a comment starts at ';' or '#'."""


def _instr_text(text: str, start: int) -> str:
    """An instruction's source: from its mnemonic to the end of its line, without the comment
    or trailing blanks (no token of an instruction contains ';', '#' or a line end)."""
    end = text.find("\n", start)
    seg = text[start:end if end >= 0 else len(text)]
    for c in ";#":
        cut = seg.find(c)
        if cut >= 0:
            seg = seg[:cut]
    return seg.rstrip(_INSIGNIFICANT)


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
