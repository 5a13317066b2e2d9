"""The assembler: source text -> Program (zkvmc/asm/program.py).

Takes the parser's SourceFile (parser.py); resolves labels (to pcs; a label after the last
instruction names pc = len(instrs)) and `.const` names (anywhere in the file, chains allowed,
cycles rejected), checks every instruction (checker.py) and every directive, and gives the
program image the VM and the compiler take. Every error is a SourceError at the offending
token (spec: /work/shared/spec/zkvm-asm.md; the decisions where it is silent: docs/language.md).
"""

from __future__ import annotations

import hashlib

from zkvmc.asm import ast
from zkvmc.asm.checker import Symbols, check_instruction, immediate, register_number, target
from zkvmc.asm.parser import parse, source_lines, with_source_line
from zkvmc.asm.program import Program
from zkvmc.errors import InputError, SourceError, Span
from zkvmc.field import R

MEM_CELLS = 65536
"""Memory addresses are 0 .. MEM_CELLS - 1."""
COUNT_LIMIT = 1 << 32
"""Counts in `.public/.private/.outputs/.bound` are below this."""


def assemble_file(path: str) -> Program:
    """Read and assemble a source file (UTF-8); spans use path as given."""
    return assemble_source(read_source(path), path)


def read_source(path: str) -> str:
    """A source file's text (UTF-8); unreadable files are InputErrors naming the path."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start})") from None


def assemble_source(text: str, filename: str) -> Program:
    """Assemble source text; raises SourceError with file:line:col, the line and a hint."""
    sf = parse(text, filename)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    try:
        return _build(sf, digest)
    except SourceError as e:
        raise with_source_line(e, source_lines(text)) from None


def _build(sf: ast.SourceFile, digest: str) -> Program:
    labels = collect_labels(sf.items)
    sym = Symbols(labels, collect_consts(sf.items, labels))
    instrs = tuple(check_instruction(i, sym) for i in sf.items if isinstance(i, ast.Instruction))
    counts = interface_counts(sf.items, sym)
    return Program(
        instrs=instrs,
        data=data_cells(sf.items, sym),
        public=counts.get("public"),
        private=counts.get("private"),
        outputs=counts.get("outputs"),
        bounds=loop_bounds(sf.items, sym),
        labels=tuple(labels.items()),
        source=sf.filename,
        source_digest=digest,
    )


def _reserved(name: str, span: Span, what: str) -> None:
    if register_number(name) is not None:
        raise SourceError(span, f"'{name}' is a register name and cannot name a {what}", "",
                          "names of the form r<digits> are reserved for registers")


def collect_labels(items: tuple[ast.Item, ...]) -> dict[str, int]:
    """Label -> pc of the next instruction, in definition order; duplicates are errors."""
    labels: dict[str, int] = {}
    lines: dict[str, int] = {}
    pc = 0
    for it in items:
        if isinstance(it, ast.Instruction):
            pc += 1
        elif isinstance(it, ast.Label):
            _reserved(it.name, it.span, "label")
            if it.name in labels:
                raise SourceError(it.span, f"label '{it.name}' is defined twice", "",
                                  f"first defined at line {lines[it.name]}")
            labels[it.name], lines[it.name] = pc, it.span.line
    return labels


def collect_consts(items: tuple[ast.Item, ...], labels: dict[str, int]) -> dict[str, int]:
    """`.const` name -> value mod r; a value may name another constant defined anywhere."""
    defs: dict[str, ast.ConstDir] = {}
    for it in items:
        if not isinstance(it, ast.ConstDir):
            continue
        name = it.name
        _reserved(name.text, name.span, "constant")
        if name.text in defs:
            raise SourceError(name.span, f"constant '{name.text}' is defined twice", "",
                              f"first defined at line {defs[name.text].span.line}")
        if name.text in labels:
            raise SourceError(name.span, f"'{name.text}' is already a label", "",
                              "labels and constants share one namespace; rename one of them")
        defs[name.text] = it
    values: dict[str, int] = {}
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
    seen: dict[str, int] = {}
    for it in items:
        if isinstance(it, ast.CountDir):
            if it.kind in counts:
                raise SourceError(it.span, f".{it.kind} is given twice", "", f"first given at line {seen[it.kind]}")
            counts[it.kind] = _count(it.value, sym, f"the .{it.kind} count")
            seen[it.kind] = it.span.line
    return counts


def data_cells(items: tuple[ast.Item, ...], sym: Symbols) -> tuple[tuple[int, int], ...]:
    """`.data` cells as sorted (address, value) pairs; a cell set twice is an error."""
    cells: dict[int, tuple[int, int]] = {}
    for it in items:
        if not isinstance(it, ast.DataDir):
            continue
        addr = _count(it.addr, sym, "the .data address", 0, MEM_CELLS - 1)
        for i, v in enumerate(it.values):
            a = addr + i
            if a >= MEM_CELLS:
                raise SourceError(v.span, f".data cell {a} is outside memory (addresses 0 .. {MEM_CELLS - 1})")
            if a in cells:
                raise SourceError(v.span, f"memory cell {a} is already set by .data at line {cells[a][1]}")
            cells[a] = (immediate(v, sym, "a .data value"), it.span.line)
    return tuple(sorted((a, v) for a, (v, _) in cells.items()))


def loop_bounds(items: tuple[ast.Item, ...], sym: Symbols) -> tuple[tuple[int, int], ...]:
    """`.bound L, n` as sorted (pc of L, n); one bound per loop head."""
    bounds: dict[int, tuple[int, int]] = {}
    for it in items:
        if not isinstance(it, ast.BoundDir):
            continue
        pc = target(it.label, sym, "the .bound label").pc
        n = _count(it.count, sym, "the .bound count")
        if pc in bounds:
            raise SourceError(it.label.span, f"the loop at '{it.label.text}' already has a .bound "
                              f"(line {bounds[pc][1]})", "", "give each loop head one .bound")
        bounds[pc] = (n, it.span.line)
    return tuple(sorted((pc, n) for pc, (n, _) in bounds.items()))
