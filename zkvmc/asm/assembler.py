"""The assembler: source text -> Program (zkvmc/asm/program.py).

Takes the parser's items with `.include`d files spliced in (include.py); resolves labels (to
pcs; a label after the last instruction names pc = len(instrs)) and `.const` names (anywhere in
the program, chains allowed, cycles rejected, `-D` overrides applied: defines.py), checks every
instruction (checker.py) and every directive, and gives the program image the VM and the
compiler take. Every error is a SourceError at the offending token, in whichever file it is
(a bad `-D` is an InputError) (docs/language.md: the language, and the decisions where the
spec is silent).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Mapping

from zkvmc.asm import ast
from zkvmc.asm.checker import Symbols, check_instruction, immediate, register_number, target
from zkvmc.asm.defines import check_defines
from zkvmc.asm.include import expand, read_source
from zkvmc.asm.machine import COUNT_LIMIT, MEM_SIZE
from zkvmc.asm.program import Instr, Program
from zkvmc.errors import SourceError, Span
from zkvmc.field import R
from zkvmc.gcpause import gc_paused


__all__ = ["assemble_file", "assemble_source", "read_source"]


def assemble_file(path: str, defines: Mapping[str, int] | None = None) -> Program:
    """Read and assemble a source file (UTF-8); spans use path as given."""
    return assemble_source(read_source(path), path, defines)


def assemble_source(text: str, filename: str, defines: Mapping[str, int] | None = None) -> Program:
    """Assemble source text; raises SourceError with file:line:col, the line and a hint.

    `.include` paths are relative to filename's directory. defines (`-D NAME=VALUE`) override
    `.const` values; naming a constant the program lacks is an InputError."""
    with gc_paused():
        src = expand(text, filename)
        overrides = {n: v % R for n, v in (defines or {}).items()}
        try:
            return _build(filename, tuple(src.items), src.digest(overrides), overrides)
        except SourceError as e:
            raise _noting_defines(src.locate(e), defines or {}) from None


def _noting_defines(e: SourceError, defines: Mapping[str, int]) -> SourceError:
    """e, plus a note giving the -D values of the constants its source line names."""
    used = [n for n in defines if re.search(rf"\b{n}\b", e.source_line)]
    if not used:
        return e
    note = "with " + ", ".join(f"-D {n}={defines[n]}" for n in used)
    return SourceError(e.span, e.message, e.source_line, e.hint, e.notes + (note,))


def _build(filename: str, items: tuple[ast.Item, ...], digest: str, defines: dict[str, int]) -> Program:
    labels = collect_labels(items)
    sym = Symbols(labels, collect_consts(items, labels, defines))
    instrs = tuple(_checked(i, sym, filename) for i in items if isinstance(i, ast.Instruction))
    counts = interface_counts(items, sym)
    return Program(
        instrs=instrs,
        data=data_cells(items, sym),
        public=counts.get("public"),
        private=counts.get("private"),
        outputs=counts.get("outputs"),
        bounds=loop_bounds(items, sym),
        labels=tuple(labels.items()),
        source=filename,
        source_digest=digest,
    )


def _checked(ins: ast.Instruction, sym: Symbols, main: str) -> Instr:
    """check_instruction, recording the file of an instruction from an included file."""
    instr = check_instruction(ins, sym)
    return instr if ins.span.file == main else dataclasses.replace(instr, file=ins.span.file)


def where(first: Span, here: Span) -> str:
    """Where an earlier definition is, seen from here: "line 3", or "inc.asm:3" in another file."""
    return f"line {first.line}" if first.file == here.file else f"{first.file}:{first.line}"


def _reserved(name: str, span: Span, what: str) -> None:
    if register_number(name) is not None:
        raise SourceError(span, f"'{name}' is a register name and cannot name a {what}", "",
                          "names of the form r<digits> are reserved for registers")


def collect_labels(items: tuple[ast.Item, ...]) -> dict[str, int]:
    """Label -> pc of the next instruction, in definition order; duplicates are errors."""
    labels: dict[str, int] = {}
    spans: dict[str, Span] = {}
    pc = 0
    for it in items:
        if isinstance(it, ast.Instruction):
            pc += 1
        elif isinstance(it, ast.Label):
            _reserved(it.name, it.span, "label")
            if it.name in labels:
                raise SourceError(it.span, f"label '{it.name}' is defined twice", "",
                                  f"first defined at {where(spans[it.name], it.span)}")
            labels[it.name], spans[it.name] = pc, it.span
    return labels


def collect_consts(items: tuple[ast.Item, ...], labels: dict[str, int],
                   defines: Mapping[str, int] | None = None) -> dict[str, int]:
    """`.const` name -> value mod r; a value may name another constant defined anywhere.

    defines (values in [0, r)) replace the values of the constants they name, after the
    definitions as written have been checked; constants defined through them follow."""
    defs: dict[str, ast.ConstDir] = {}
    for it in items:
        if not isinstance(it, ast.ConstDir):
            continue
        name = it.name
        _reserved(name.text, name.span, "constant")
        if name.text in defs:
            raise SourceError(name.span, f"constant '{name.text}' is defined twice", "",
                              f"first defined at {where(defs[name.text].span, name.span)}")
        if name.text in labels:
            raise SourceError(name.span, f"'{name.text}' is already a label", "",
                              "labels and constants share one namespace; rename one of them")
        defs[name.text] = it
    values: dict[str, int] = {}
    for name in defs:
        _resolve_const(name, defs, values, labels)
    if defines:
        check_defines(defines, defs, labels)
        values = dict(defines)
        for name in defs:
            _resolve_const(name, defs, values, labels)
    return values


def _resolve_const(name: str, defs: dict[str, ast.ConstDir], values: dict[str, int],
                   labels: dict[str, int]) -> int:
    """Follow a chain of constants to a number (iteratively: chains may be long)."""
    chain: list[str] = []
    cur = name
    while cur not in values:
        v = defs[cur].value
        if isinstance(v, ast.Number) or v.text not in defs:
            values[cur] = v.value % R if isinstance(v, ast.Number) else \
                immediate(v, Symbols(labels, {}), f"the value of '{cur}'")
            break
        if v.text in chain or v.text == cur:
            raise SourceError(v.span, f"constant '{cur}' is defined in terms of itself", "",
                              " -> ".join(chain + [cur, v.text]))
        chain.append(cur)
        cur = v.text
    for n in chain:
        values[n] = values[cur]
    return values[name]


def _count(a: ast.Atom, sym: Symbols, what: str, lo: int = 0, hi: int = COUNT_LIMIT - 1) -> int:
    v = immediate(a, sym, what)
    if not lo <= v <= hi:
        shown = a.text if isinstance(a, ast.Number) or v >= R // 2 else f"{a.text} = {v}"
        raise SourceError(a.span, f"{what} must be an integer {lo} .. {hi}, found {shown}")
    return v


def interface_counts(items: tuple[ast.Item, ...], sym: Symbols) -> dict[str, int]:
    """`.public/.private/.outputs` counts; each directive at most once."""
    counts: dict[str, int] = {}
    seen: dict[str, Span] = {}
    for it in items:
        if isinstance(it, ast.CountDir):
            if it.kind in counts:
                raise SourceError(it.span, f".{it.kind} is given twice", "",
                                  f"first given at {where(seen[it.kind], it.span)}")
            counts[it.kind] = _count(it.value, sym, f"the .{it.kind} count")
            seen[it.kind] = it.span
    return counts


def data_cells(items: tuple[ast.Item, ...], sym: Symbols) -> tuple[tuple[int, int], ...]:
    """`.data` cells as sorted (address, value) pairs; a cell set twice is an error."""
    cells: dict[int, tuple[int, Span]] = {}
    for it in items:
        if not isinstance(it, ast.DataDir):
            continue
        addr = _count(it.addr, sym, "the .data address", 0, MEM_SIZE - 1)
        for i, v in enumerate(it.values):
            a = addr + i
            if a >= MEM_SIZE:
                raise SourceError(v.span, f".data cell {a} is outside memory (addresses 0 .. {MEM_SIZE - 1})")
            if a in cells:
                first = where(cells[a][1], v.span)
                raise SourceError(v.span, f"memory cell {a} is already set by .data at {first}")
            cells[a] = (immediate(v, sym, "a .data value"), it.span)
    return tuple(sorted((a, v) for a, (v, _) in cells.items()))


def loop_bounds(items: tuple[ast.Item, ...], sym: Symbols) -> tuple[tuple[int, int], ...]:
    """`.bound L, n` as sorted (pc of L, n); one bound per loop head."""
    bounds: dict[int, tuple[int, Span]] = {}
    for it in items:
        if not isinstance(it, ast.BoundDir):
            continue
        pc = target(it.label, sym, "the .bound label").pc
        n = _count(it.count, sym, "the .bound count")
        if pc in bounds:
            raise SourceError(it.label.span, f"the loop at '{it.label.text}' already has a .bound "
                              f"({where(bounds[pc][1], it.label.span)})", "", "give each loop head one .bound")
        bounds[pc] = (n, it.span)
    return tuple(sorted((pc, n) for pc, (n, _) in bounds.items()))
