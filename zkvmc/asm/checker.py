"""Operand checking: one parsed instruction (ast.Instruction) -> one Instr (program.py).

Takes an instruction with its operands as written and the program's resolved symbols; gives
the instruction with registers numbered, immediates and `.const` names reduced mod r, memory
operands split into base and offset and labels resolved to pcs, or raises SourceError at the
offending token. OPERAND_KINDS is the instruction table of the spec
(docs/language.md, "Instructions"), kept here as data for the docs and later stages.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Mapping

from zkvmc.asm import ast
from zkvmc.asm.machine import N_REGS
from zkvmc.asm.program import Imm, Instr, Mem, Operand, Reg, Target
from zkvmc.errors import SourceError
from zkvmc.field import R

OPERAND_KINDS: dict[str, tuple[str, ...]] = {
    "mov": ("rd", "b"),
    "add": ("rd", "ra", "b"), "sub": ("rd", "ra", "b"), "mul": ("rd", "ra", "b"),
    "div": ("rd", "ra", "b"), "neg": ("rd", "ra"),
    "eq": ("rd", "ra", "b"),
    "lt": ("rd", "ra", "b"), "le": ("rd", "ra", "b"), "gt": ("rd", "ra", "b"), "ge": ("rd", "ra", "b"),
    "and": ("rd", "ra", "b"), "or": ("rd", "ra", "b"), "xor": ("rd", "ra", "b"), "not": ("rd", "ra"),
    "shl": ("rd", "ra", "n"), "shr": ("rd", "ra", "n"),
    "udiv": ("rd", "ra", "b"), "umod": ("rd", "ra", "b"),
    "assert_eq": ("ra", "b"), "assert_ne": ("ra", "b"), "range": ("ra", "n"),
    "hash": ("rd", "ra", "b"),
    "eddsa": ("b", "b", "b", "b", "b", "b"),
    "load": ("rd", "mem"), "store": ("mem", "b"),
    "jmp": ("L",), "jz": ("ra", "L"), "jnz": ("ra", "L"), "call": ("L",), "ret": (),
    "halt": (), "nop": (),
    "read": ("rd",), "secret": ("rd",), "write": ("b",),
}
"""Every mnemonic and its operand kinds: rd/ra register, b register or immediate, L label,
n immediate, mem memory operand ([ra], [ra + n], [ra - n] or [n])."""

VARIADIC: dict[str, int] = {"hash": 17}
"""Instructions whose last operand kind repeats: mnemonic -> the most operands it takes
(`hash rd, a1, ..., an` for 1 <= n <= 16; the least is OPERAND_KINDS minus its last entry)."""

KIND_WORDS = {"rd": "a register", "ra": "a register", "b": "a register or an immediate",
              "L": "a label", "n": "an immediate (number or constant)",
              "mem": "a memory operand ([r1], [r1 + 4], [r1 - 4] or [16])"}
"""How each operand kind is named in messages."""

_EXAMPLE = {"rd": "r1", "ra": "r2", "b": "5", "L": "loop", "n": "3", "mem": "[r4 + 1]"}

SHIFT_MAX = 63
"""Largest `shl`/`shr` amount."""
RANGE_MIN, RANGE_MAX = 1, 252
"""Allowed bit widths of `range`."""

_REG_RE = re.compile(r"[rR][0-9]+")


@dataclass(frozen=True)
class Symbols:
    """The program's resolved names."""

    labels: Mapping[str, int]
    """Label -> pc."""
    consts: Mapping[str, int]
    """`.const` name -> value in [0, r)."""


def usage(op: str) -> str:
    """A one-line reminder of an instruction's operands, e.g. "add takes rd, ra, b: add r1, r2, 5"."""
    kinds = OPERAND_KINDS[op]
    if not kinds:
        return f"{op} takes no operands"
    if op in _USAGE:
        return _USAGE[op]
    return f"{op} takes {', '.join(kinds)}, e.g. `{op} {', '.join(_EXAMPLE[k] for k in kinds)}`"


_USAGE = {
    "hash": "hash takes rd and 1 to 16 inputs (ra, b, ...), e.g. `hash r1, r2, 5` or `hash r1, r2, r3, r4, r5`",
    "eddsa": "eddsa takes Ax, Ay, S, R8x, R8y, M (registers or immediates), e.g. `eddsa r1, r2, r3, r4, r5, r6`",
}


def register_number(text: str) -> int | None:
    """The number of a register-shaped name (r0, R15, r16, ...), else None."""
    return int(text[1:]) if _REG_RE.fullmatch(text) else None


def check_instruction(ins: ast.Instruction, sym: Symbols) -> Instr:
    """Resolve and check one instruction's operands against OPERAND_KINDS."""
    op = ins.mnemonic.lower()
    if op not in OPERAND_KINDS:
        label_hint = f"a label needs a colon: `{ins.mnemonic}:`" if not ins.args else ""
        raise SourceError(ins.span, f"unknown instruction '{ins.mnemonic}'", "",
                          _suggest(op, OPERAND_KINDS) or label_hint or "the instructions are listed in docs/language.md")
    kinds = operand_kinds(op, len(ins.args))
    if len(ins.args) != len(kinds):
        span = ins.args[len(kinds)].span if len(ins.args) > len(kinds) else ins.span
        raise SourceError(span, f"'{op}' takes {_count_words(op)}, found {len(ins.args)}", "",
                          usage(op))
    args = tuple(_convert(op, i, k, a, sym) for i, (k, a) in enumerate(zip(kinds, ins.args)))
    _check_amount(op, ins.args, args)
    return Instr(op, args, ins.span.line, ins.text)


def operand_kinds(op: str, n_written: int) -> tuple[str, ...]:
    """The kinds of op's operands when n_written are written (variadic ones repeat their last)."""
    kinds = OPERAND_KINDS[op]
    most = VARIADIC.get(op)
    if most is None:
        return kinds
    n = min(max(n_written, len(kinds) - 1), most)
    return kinds[:n] if n <= len(kinds) else kinds + (kinds[-1],) * (n - len(kinds))


def _count_words(op: str) -> str:
    """"3 operands", or "2 to 17 operands" for a variadic instruction."""
    n = len(OPERAND_KINDS[op])
    if op in VARIADIC:
        return f"{n - 1} to {VARIADIC[op]} operands"
    return f"{n} operand{'s' if n != 1 else ''}"


def _check_amount(op: str, written: tuple[ast.Operand, ...], args: tuple[Operand, ...]) -> None:
    """Shift amounts 0..63 and range widths 1..252 are fixed at assembly time."""
    if op in ("shl", "shr"):
        lo, hi, what = 0, SHIFT_MAX, "shift amount"
    elif op == "range":
        lo, hi, what = RANGE_MIN, RANGE_MAX, "range width"
    else:
        return
    value = args[-1].value  # type: ignore[union-attr]
    if not lo <= value <= hi:
        raise SourceError(written[-1].span, f"{what} must be {lo}..{hi}, found {_shown(written[-1], value)}", "",
                          usage(op))


def _shown(a: ast.Operand, value: int) -> str:
    if isinstance(a, ast.Name):
        return f"{a.text} = {value}"
    return a.text if isinstance(a, ast.Number) else str(value)


def _convert(op: str, i: int, kind: str, a: ast.Operand, sym: Symbols) -> Operand:
    if kind in ("rd", "ra"):
        return Reg(register(a, sym, f"operand {i + 1} of '{op}'"))
    if kind == "b":
        if isinstance(a, ast.Name) and register_number(a.text) is not None:
            return Reg(register(a, sym, ""))
        return Imm(immediate(a, sym, f"operand {i + 1} of '{op}'"))
    if kind == "n":
        return Imm(immediate(a, sym, f"operand {i + 1} of '{op}'"))
    if kind == "L":
        return target(a, sym, f"operand {i + 1} of '{op}'")
    return memory(a, sym, f"operand {i + 1} of '{op}'")


def describe(a: ast.Operand, sym: Symbols) -> str:
    """What an operand is, in words, for 'expected X, found Y' messages."""
    if isinstance(a, ast.MemOperand):
        return "a memory operand"
    if isinstance(a, ast.Number):
        return f"the number {a.text}"
    if register_number(a.text) is not None:
        return f"register {a.text}"
    if a.text in sym.labels:
        return f"label '{a.text}'"
    if a.text in sym.consts:
        return f"constant '{a.text}'"
    return f"'{a.text}'"


def _wrong(a: ast.Operand, sym: Symbols, where: str, kind: str, hint: str = "") -> SourceError:
    return SourceError(a.span, f"{where} must be {KIND_WORDS[kind]}, found {describe(a, sym)}", "", hint)


def register(a: ast.Operand, sym: Symbols, where: str) -> int:
    """A register operand's number; r16 and beyond get their own message."""
    n = register_number(a.text) if isinstance(a, ast.Name) else None
    if n is None:
        raise _wrong(a, sym, where or "operand", "rd", "registers are r0 ... r15")
    if n >= N_REGS:
        raise SourceError(a.span, f"no register '{a.text}'", "", f"there are {N_REGS} registers, r0 ... r{N_REGS - 1}")
    return n


def immediate(a: ast.Operand, sym: Symbols, where: str) -> int:
    """A literal or `.const` name, reduced into [0, r)."""
    if isinstance(a, ast.Number):
        return a.value % R
    if isinstance(a, ast.MemOperand) or register_number(a.text) is not None:
        raise _wrong(a, sym, where, "n")
    if a.text in sym.consts:
        return sym.consts[a.text]
    if a.text in sym.labels:
        raise SourceError(a.span, f"'{a.text}' is a label, not a constant", "",
                          "labels are only jump targets; name a value with `.const NAME value`")
    raise SourceError(a.span, f"undefined constant '{a.text}'", "",
                      _suggest(a.text, sym.consts) or f"define it with `.const {a.text} value`")


def target(a: ast.Operand, sym: Symbols, where: str) -> Target:
    """A label operand resolved to its pc."""
    if not isinstance(a, ast.Name) or register_number(a.text) is not None:
        raise _wrong(a, sym, where, "L")
    if a.text in sym.labels:
        return Target(a.text, sym.labels[a.text])
    if a.text in sym.consts:
        raise SourceError(a.span, f"'{a.text}' is a constant, not a label", "", "jump targets are labels (`name:`)")
    raise SourceError(a.span, f"undefined label '{a.text}'", "",
                      _suggest(a.text, sym.labels) or f"define it with `{a.text}:` before an instruction")


def memory(a: ast.Operand, sym: Symbols, where: str) -> Mem:
    """`[ra]`, `[ra + n]`, `[ra - n]` or `[n]` as base register and offset mod r."""
    if not isinstance(a, ast.MemOperand):
        raise _wrong(a, sym, where, "mem")
    base = a.base
    if isinstance(base, ast.Name) and register_number(base.text) is not None:
        reg = register(base, sym, "")
        if a.offset is None:
            return Mem(reg, 0)
        if isinstance(a.offset, ast.Name) and register_number(a.offset.text) is not None:
            raise SourceError(a.offset.span, "a memory operand holds at most one register", "",
                              "the offset of [ra + n] is an immediate; add the registers first")
        return Mem(reg, a.sign * immediate(a.offset, sym, "the offset") % R)
    if a.offset is not None:
        raise SourceError(a.offset.span, "an absolute address is a single immediate, [n]", "",
                          "use [ra + n] with a register base, or fold the sum into a .const")
    return Mem(None, immediate(base, sym, "the address"))


def _suggest(word: str, names: Mapping[str, object] | dict) -> str:
    close = difflib.get_close_matches(word, list(names), n=1)
    return f"did you mean '{close[0]}'?" if close else ""
