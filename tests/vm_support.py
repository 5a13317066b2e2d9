"""Helpers for the VM tests: a minimal text-to-Program builder, independent of zkvmc.asm.

The VM tests must not depend on the real assembler (another stage, tested on its own), so this
builds Program values directly from a tiny subset of the syntax: one instruction or label per
line, `;` comments, operands rN / integer / [rN], [rN + k], [rN - k], [k] / label names, and the
directives .public/.private/.outputs/.bound/.data. No error handling: test inputs are trusted.
"""

from __future__ import annotations

import re

from zkvmc.artifacts.inputs import Inputs
from zkvmc.asm.program import Imm, Instr, Mem, Program, Reg, Target
from zkvmc.field import R
from zkvmc.vm import Run, run

_MEM = re.compile(r"\[\s*(?:r(\d+))?\s*(?:([+-])?\s*(-?\w+))?\s*\]")


def _operand(tok: str, labels: dict[str, int]) -> Reg | Imm | Mem | Target:
    """One operand."""
    tok = tok.strip()
    if tok.startswith("["):
        m = _MEM.fullmatch(tok)
        assert m, tok
        base = int(m.group(1)) if m.group(1) else None
        off = int(m.group(3), 0) if m.group(3) else 0
        return Mem(base, (-off if m.group(2) == "-" else off) % R)
    if re.fullmatch(r"r\d+", tok, re.I):
        return Reg(int(tok[1:]))
    if re.fullmatch(r"-?(0x[0-9a-fA-F]+|\d+)", tok):
        return Imm(int(tok, 0) % R)
    return Target(tok, labels[tok])


def _lines(text: str) -> list[tuple[int, str]]:
    """(line number, code) for every non-empty line, comments removed."""
    out = []
    for no, raw in enumerate(text.splitlines(), 1):
        code = raw.split(";")[0].strip()
        if code:
            out.append((no, code))
    return out


def asm(text: str) -> Program:
    """Build a Program from test source text."""
    labels: dict[str, int] = {}
    body: list[tuple[int, str]] = []
    for no, code in _lines(text):
        while (m := re.match(r"([A-Za-z_]\w*):(?!\s*\d)", code)) and not code.startswith("."):
            labels[m.group(1)] = len(body)
            code = code[m.end():].strip()
        if code and not code.startswith("."):
            body.append((no, code))
    counts: dict[str, int | None] = {"public": None, "private": None, "outputs": None}
    bounds, data = [], []
    for _, code in _lines(text):
        if code.startswith(".bound"):
            name, n = code[6:].split(",")
            bounds.append((labels[name.strip()], int(n)))
        elif code.startswith(".data"):
            addr, vals = code[5:].split(":")
            data += [(int(addr) + i, int(v, 0) % R) for i, v in enumerate(vals.split(","))]
        elif code.startswith("."):
            key, n = code[1:].split()
            counts[key] = int(n)
    instrs = []
    for no, code in body:
        op, _, rest = code.partition(" ")
        args = tuple(_operand(t, labels) for t in rest.split(",")) if rest.strip() else ()
        instrs.append(Instr(op.lower(), args, no, code))
    return Program(tuple(instrs), tuple(sorted(data)), counts["public"], counts["private"],
                   counts["outputs"], tuple(sorted(bounds)), tuple(labels.items()), "<test>", "")


def go(text: str, public: list[int] = (), private: list[int] = (), **kw: object) -> Run:
    """Assemble test text and run it."""
    return run(asm(text), Inputs(tuple(v % R for v in public), tuple(v % R for v in private)), **kw)


def ok(text: str, public: list[int] = (), private: list[int] = (), **kw: object) -> Run:
    """Run and require a clean halt."""
    result = go(text, public, private, **kw)
    assert result.fault is None, result.fault
    return result


def fault(text: str, public: list[int] = (), private: list[int] = (), **kw: object) -> str:
    """Run and require a fault; gives its reason."""
    result = go(text, public, private, **kw)
    assert result.fault is not None, f"expected a fault, got outputs {result.outputs}"
    return result.fault.reason
