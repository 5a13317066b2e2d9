"""`-D NAME=VALUE`: command-line overrides of a program's `.const` values.

Takes the option texts (parse_defines) and, once the program's constants are known, checks that
each one names a `.const` of the program (check_defines). VALUE follows the language's literal
rules (decimal or 0x-hex, optionally negative, reduced mod r by the assembler). Every mistake is
an InputError (exit 2) naming the option (docs/language.md, "Extensions: .include and -D").
"""

from __future__ import annotations

import difflib
import re
from typing import Collection, Iterable, Mapping

from zkvmc.asm.parser import parse_literal
from zkvmc.errors import InputError, SourceError, Span

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_define(text: str) -> tuple[str, int]:
    """"N=10" -> ("N", 10); the value is a signed int, not yet reduced mod r."""
    name, eq, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not eq:
        raise InputError(f"-D {text}: expected NAME=VALUE, e.g. -D N=10")
    if not _NAME.fullmatch(name):
        raise InputError(f"-D {text}: {name!r} is not a constant name\n"
                         "hint: names are letters, digits and _, not starting with a digit")
    try:
        return name, parse_literal(value, Span("-D", 1, 1))
    except SourceError as e:
        hint = f"\nhint: {e.hint}" if e.hint else ""
        raise InputError(f"-D {text}: {e.message}{hint}") from None


def parse_defines(texts: Iterable[str]) -> dict[str, int]:
    """Every -D option, in order; a name given twice is an error."""
    out: dict[str, int] = {}
    for text in texts:
        name, value = parse_define(text)
        if name in out:
            raise InputError(f"-D {name} is given twice")
        out[name] = value
    return out


def check_defines(defines: Mapping[str, int], consts: Collection[str], labels: Collection[str]) -> None:
    """Each -D must name a `.const` of the program; otherwise an InputError with close names."""
    for name in defines:
        if name in consts:
            continue
        if name in labels:
            raise InputError(f"-D {name}: '{name}' is a label, not a constant\n"
                             "hint: -D overrides the value of a `.const`")
        raise InputError(f"-D {name}: the program defines no constant '{name}'\nhint: {_hint(name, consts)}")


def _hint(name: str, consts: Collection[str]) -> str:
    """Close constant names (difflib), else the program's constants, else that it has none."""
    close = difflib.get_close_matches(name, list(consts), n=3)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if consts:
        names = sorted(consts)
        more = f" and {len(names) - 10} more" if len(names) > 10 else ""
        return "the program's constants are " + ", ".join(names[:10]) + more
    return "the program has no .const to override"
