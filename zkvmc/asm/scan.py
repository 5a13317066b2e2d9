"""The parser's fast path: source text -> the same items as the LALR parse (parser.py), or None.

Takes the text of a zkVM assembly file; gives the list of labels, instructions and directives
(ast.py) that parser._Reduce builds, with the same spans and instruction texts. The common
line (a mnemonic and up to four names or numbers) is one regex match; any other line is split
into tokens and recognised by hand after the line grammar (grammar.lark: `line: label* stmt?
_NL`). It is strict: a line it does not fully recognise (a syntax error, a bad literal, a
`.include` or a `"` before the comment, a character outside the grammar) makes it give None,
and parser.parse then runs the LALR parser on the whole text, so errors, and every input the
grammar might read otherwise, keep one definition (docs/language.md, "Lexical structure").
The LALR parse is its twin in tests/test_asm_scan.py; the scanner takes about a fifth of its
CPU time (bench/compile_stages.py).
"""

from __future__ import annotations

import re

from zkvmc.asm.ast import (
    Atom, BoundDir, ConstDir, CountDir, DataDir, Instruction, Item, Label, MemOperand, Name, Number, Operand,
)
from zkvmc.asm.parser import _INSIGNIFICANT, parse_literal
from zkvmc.errors import SourceError, Span

_TOKEN = re.compile(r"[ \t\f\r\ufeff]*(?:([A-Za-z_][A-Za-z0-9_]*)|(-?[0-9][0-9A-Za-z_]*)|([:,\[\]+-])"
                    r"|(\.[A-Za-z_][A-Za-z0-9_]*))")
"""Blanks (the grammar's WS), then one token: NAME, NUMBER, punctuation or a directive word.
NUMBER is tried before '-' as the contextual lexer does wherever an atom may start; the one
place a '-' is MINUS (inside brackets, after the base) is handled by _mem."""

_B = "[ \\t\\f\\r\\ufeff]"
_ATOM = "([A-Za-z_][A-Za-z0-9_]*|-?[0-9][0-9A-Za-z_]*)"
_PLAIN = re.compile(rf"{_B}*([A-Za-z_][A-Za-z0-9_]*)(?:{_B}+{_ATOM}(?:{_B}*,{_B}*{_ATOM})?(?:{_B}*,{_B}*{_ATOM})?"
                    rf"(?:{_B}*,{_B}*{_ATOM})?)?{_B}*\Z")
"""The common line in one match: a mnemonic and up to four names or numbers (no label, no
brackets); any other line goes through _tokens."""
_BLANKS = re.compile(r"[ \t\f\r\ufeff]*\Z")
NAME, NUMBER, PUNCT, WORD = 1, 2, 3, 4
"""Token kinds: the regex group that matched."""
_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")

_COUNTS = {".public": "public", ".private": "private", ".outputs": "outputs"}
_DIRECTIVES = frozenset({".const", ".data", ".bound", *_COUNTS})

Token = tuple[int, str, int]
"""(kind, text, 0-based column) of one token of a line."""


class _Reject(Exception):
    """The line is outside what the scanner recognises: the LALR parser takes the whole text."""


def scan(text: str, filename: str) -> list[Item] | None:
    """The items parser._Reduce would build from text, or None if any line needs the LALR parser."""
    items: list[Item] = []
    try:
        for n, line in enumerate(text.split("\n"), 1):
            _line(line, n, filename, items)
    except (_Reject, SourceError):
        return None
    return items


def _tokens(code: str) -> list[Token]:
    """The tokens of a line's code (the comment cut off); _Reject at a character outside them."""
    out: list[Token] = []
    pos, end = 0, len(code)
    match = _TOKEN.match
    while pos < end:
        m = match(code, pos)
        if m is None:
            if _BLANKS.match(code, pos):
                break
            raise _Reject
        kind = m.lastindex or 0
        out.append((kind, m.group(kind), m.start(kind)))
        pos = m.end()
    return out


def _line(line: str, n: int, filename: str, items: list[Item]) -> None:
    """Append one line's labels and statement to items."""
    cut = min((i for i in (line.find(";"), line.find("#")) if i >= 0), default=len(line))
    code = line[:cut]
    if '"' in code:  # a .include path (which may hold ';' or '#') or a stray quote
        raise _Reject
    plain = _PLAIN.match(code)
    if plain is not None:
        items.append(_plain(plain, code, n, filename))
        return
    toks = _tokens(code)
    i = 0
    while i + 1 < len(toks) and toks[i][0] == NAME and toks[i + 1][1] == ":":
        items.append(Label(toks[i][1], Span(filename, n, toks[i][2] + 1)))
        i += 2
    if i == len(toks):
        return
    kind, word, col = toks[i]
    span = Span(filename, n, col + 1)
    if kind == NAME:
        items.append(Instruction(word, _operands(toks, i + 1, n, filename), span, _text(code, col)))
    elif kind == WORD and word.lower() in _DIRECTIVES:
        items.append(_directive(word.lower(), toks, i + 1, n, filename, span))
    else:
        raise _Reject


def _plain(m: re.Match[str], code: str, n: int, filename: str) -> Instruction:
    """The Instruction of a line _PLAIN matched."""
    mnemonic, *atoms = m.groups()
    ops: list[Operand] = []
    for g, text in enumerate(atoms, 2):
        if text is None:
            break
        span = Span(filename, n, m.start(g) + 1)
        ops.append(Name(text, span) if text[0] in _NAME_START else Number(parse_literal(text, span), text, span))
    col = m.start(1)
    return Instruction(mnemonic, tuple(ops), Span(filename, n, col + 1), _text(code, col))


def _text(code: str, col: int) -> str:
    """An instruction's source text (parser._instr_text on a line whose comment is cut off)."""
    return code[col:].rstrip(_INSIGNIFICANT)


def _at(toks: list[Token], i: int) -> Token:
    if i >= len(toks):
        raise _Reject
    return toks[i]


def _atom(tok: Token, n: int, filename: str) -> Atom:
    """NAME -> Name, NUMBER -> Number (a bad literal raises SourceError: the LALR parser reports it)."""
    kind, text, col = tok
    span = Span(filename, n, col + 1)
    if kind == NAME:
        return Name(text, span)
    if kind == NUMBER:
        return Number(parse_literal(text, span), text, span)
    raise _Reject


def _name(tok: Token, n: int, filename: str) -> Name:
    if tok[0] != NAME:
        raise _Reject
    return Name(tok[1], Span(filename, n, tok[2] + 1))


def _operands(toks: list[Token], i: int, n: int, filename: str) -> tuple[Operand, ...]:
    """`operand (COMMA operand)*` up to the end of the line (none at all is allowed)."""
    ops: list[Operand] = []
    while i < len(toks):
        if ops:
            if toks[i][1] != ",":
                raise _Reject
            i += 1
        if i < len(toks) and toks[i][1] == "[":
            op, i = _mem(toks, i, n, filename)
            ops.append(op)
        elif i < len(toks):
            ops.append(_atom(toks[i], n, filename))
            i += 1
        else:
            raise _Reject  # a trailing comma
    return tuple(ops)


def _mem(toks: list[Token], i: int, n: int, filename: str) -> tuple[MemOperand, int]:
    """`[ atom ]`, `[ atom + atom ]` or `[ atom - atom ]` from the '[' at toks[i]; the next index."""
    span = Span(filename, n, toks[i][2] + 1)
    base = _atom(_at(toks, i + 1), n, filename)
    kind, text, col = _at(toks, i + 2)
    if text == "]":
        return MemOperand(base, 0, None, span), i + 3
    if kind == NUMBER and text.startswith("-"):
        # after the base only + - ] are expected, so the contextual lexer reads '-5' as '-' then 5
        sign, off, j = -1, (NUMBER, text[1:], col + 1), i + 3
    elif kind == PUNCT and text in ("+", "-"):
        sign, off, j = (1 if text == "+" else -1), _at(toks, i + 3), i + 4
    else:
        raise _Reject
    offset = _atom(off, n, filename)
    if _at(toks, j)[1] != "]":
        raise _Reject
    return MemOperand(base, sign, offset, span), j + 1


def _directive(word: str, toks: list[Token], i: int, n: int, filename: str, span: Span) -> Item:
    """`.const NAME atom`, `.data atom : atom (, atom)*`, `.bound NAME , atom` or `.public/... atom`."""
    args = toks[i:]
    if word in _COUNTS and len(args) == 1:
        return CountDir(_COUNTS[word], _atom(args[0], n, filename), span)
    if word == ".const" and len(args) == 2:
        return ConstDir(_name(args[0], n, filename), _atom(args[1], n, filename), span)
    if word == ".bound" and len(args) == 3 and args[1][1] == ",":
        return BoundDir(_name(args[0], n, filename), _atom(args[2], n, filename), span)
    if word == ".data" and len(args) >= 3 and len(args) % 2 == 1 and args[1][1] == ":" \
            and all(t[1] == "," for t in args[3::2]):
        atoms = [_atom(t, n, filename) for t in args[0::2]]
        return DataDir(atoms[0], tuple(atoms[1:]), span)
    raise _Reject
