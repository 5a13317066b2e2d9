"""The parser's output: a flat list of source items (labels, instructions, directives) with spans.

Takes nothing but what the grammar (grammar.lark) recognised; gives plain frozen data that the
assembler (assembler.py) resolves into a Program. Names are kept as written; literals keep
their signed, unreduced value so that counts and addresses can be checked as the user wrote
them (docs/language.md, "Lexical structure" and "Directives").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from zkvmc.errors import Span


@dataclass(frozen=True)
class Name:
    """An identifier in operand position: a register, a label or a `.const` name."""

    text: str
    """The name as written."""
    span: Span
    """Where it starts."""


@dataclass(frozen=True)
class Number:
    """An integer literal."""

    value: int
    """Its value as a signed integer, not yet reduced mod r."""
    text: str
    """The literal as written."""
    span: Span
    """Where it starts."""


Atom = Union[Name, Number]


@dataclass(frozen=True)
class MemOperand:
    """`[base]`, `[base + offset]` or `[base - offset]` before kinds are checked."""

    base: Atom
    """The first atom inside the brackets."""
    sign: int
    """+1 for `+`, -1 for `-`, 0 when there is no offset."""
    offset: Atom | None
    """The atom after the sign, if any."""
    span: Span
    """Where the `[` is."""


Operand = Union[Name, Number, MemOperand]


@dataclass(frozen=True)
class Label:
    """`name:` defining a label at the next instruction."""

    name: str
    """The label (case-sensitive)."""
    span: Span
    """Where the name starts."""


@dataclass(frozen=True)
class Instruction:
    """One instruction line before operand kinds are checked."""

    mnemonic: str
    """The mnemonic as written (compared case-insensitively)."""
    args: tuple[Operand, ...]
    """Operands in source order."""
    span: Span
    """Where the mnemonic starts."""
    text: str
    """The instruction's source text, without label or comment."""


@dataclass(frozen=True)
class ConstDir:
    """`.const NAME value`."""

    name: Name
    """The constant's name."""
    value: Atom
    """A literal or another constant's name."""
    span: Span
    """Where the directive starts."""


@dataclass(frozen=True)
class DataDir:
    """`.data addr: v1, v2, ...`."""

    addr: Atom
    """The first cell's address."""
    values: tuple[Atom, ...]
    """Initial values of consecutive cells."""
    span: Span
    """Where the directive starts."""


@dataclass(frozen=True)
class CountDir:
    """`.public n`, `.private n` or `.outputs n`."""

    kind: str
    """"public", "private" or "outputs"."""
    value: Atom
    """The count."""
    span: Span
    """Where the directive starts."""


@dataclass(frozen=True)
class BoundDir:
    """`.bound L, n`."""

    label: Name
    """The loop-head label."""
    count: Atom
    """The maximum number of backward jumps per entry."""
    span: Span
    """Where the directive starts."""


@dataclass(frozen=True)
class IncludeDir:
    """`.include "file.asm"` (an extension: docs/language.md, "Extensions: .include and -D")."""

    path: str
    """The path between the quotes, relative to the including file's directory."""
    span: Span
    """Where the directive starts."""


Item = Union[Label, Instruction, ConstDir, DataDir, CountDir, BoundDir, IncludeDir]


@dataclass(frozen=True)
class SourceFile:
    """A parsed source file."""

    filename: str
    """The name used in spans."""
    items: tuple[Item, ...]
    """Labels, instructions and directives in source order."""
