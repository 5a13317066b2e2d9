"""The program image `prog.json` (format "zkvmc-program", version 1): an assembled Program.

Takes / gives zkvmc.asm.program.Program. Values are decimal strings, jump targets are resolved
(label name and pc), and reading checks the header (format, version) first and then every
field against the instruction table (zkvmc.asm.OPERAND_KINDS), naming the field at fault,
e.g. `instructions[3].args[1].value` (docs/language.md, "Program image"). An instruction from an
`.include`d file has a "file" field; images without includes are written as before.
"""

from __future__ import annotations

import json
import re
from typing import Any

from zkvmc.artifacts.io import check_header, field, json_lines, read_json, write_atomic
from zkvmc.asm.checker import OPERAND_KINDS, RANGE_MAX, RANGE_MIN, SHIFT_MAX, operand_kinds
from zkvmc.asm.machine import COUNT_LIMIT, MEM_SIZE, N_REGS
from zkvmc.asm.program import Imm, Instr, Mem, Operand, Program, Reg, Target
from zkvmc.errors import ArtifactError
from zkvmc.field import R

FORMAT = "zkvmc-program"
VERSION = 1
_KEYS = ("format", "version", "source", "source_digest", "interface", "instructions", "labels",
         "bounds", "data")
_ALLOWED = {"rd": ("reg",), "ra": ("reg",), "b": ("reg", "imm"), "n": ("imm",), "L": ("label",),
            "mem": ("mem",)}


# ---- writing ---------------------------------------------------------------------------------

def operand_to_json(a: Operand) -> dict[str, Any]:
    """One operand as a tagged object."""
    if isinstance(a, Reg):
        return {"kind": "reg", "n": a.n}
    if isinstance(a, Imm):
        return {"kind": "imm", "value": str(a.value)}
    if isinstance(a, Mem):
        return {"kind": "mem", "base": a.base, "offset": str(a.offset)}
    return {"kind": "label", "name": a.name, "pc": a.pc}


def instr_to_json(i: Instr) -> dict[str, Any]:
    """One instruction; "file" only for one from an included file (so older images are unchanged)."""
    out = {"op": i.op, "args": [operand_to_json(a) for a in i.args], "line": i.line, "text": i.text}
    if i.file is not None:
        out["file"] = i.file
    return out


def program_to_json(p: Program) -> dict[str, Any]:
    """The image as a JSON-ready dict (keys in file order)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "source": p.source,
        "source_digest": p.source_digest,
        "interface": {"public": p.public, "private": p.private, "outputs": p.outputs},
        "instructions": [instr_to_json(i) for i in p.instrs],
        "labels": dict(p.labels),
        "bounds": [{"pc": pc, "n": n} for pc, n in p.bounds],
        "data": [{"addr": a, "value": str(v)} for a, v in p.data],
    }


def program_to_bytes(p: Program) -> bytes:
    """Deterministic file bytes: one top-level key per line, one instruction per line."""
    return json_lines(program_to_json(p), separators=(", ", ": "))


def write_program(path: str, p: Program) -> None:
    """Write a program image atomically."""
    write_atomic(path, program_to_bytes(p))


# ---- reading ---------------------------------------------------------------------------------

def read_program(path: str) -> Program:
    """Read and validate a program image."""
    return program_from_json(read_json(path), path)


def is_program_image(obj: Any) -> bool:
    """Whether a parsed JSON value claims to be a program image (by its format field)."""
    return isinstance(obj, dict) and obj.get("format") == FORMAT


def program_from_json(obj: Any, path: str) -> Program:
    """Validate a parsed image: header first, then every field; ArtifactError names the field."""
    check_header(path, obj, FORMAT, VERSION)
    unknown = sorted(set(obj) - set(_KEYS))
    if unknown:
        raise ArtifactError(path, unknown[0], "unknown field")
    source = field(path, obj, "source", str)
    digest = field(path, obj, "source_digest", str)
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ArtifactError(path, "source_digest", "expected 64 lower-case hex digits (sha256)")
    counts = _interface(path, field(path, obj, "interface", dict))
    raw_instrs = field(path, obj, "instructions", list)
    labels = _labels(path, field(path, obj, "labels", dict), len(raw_instrs))
    instrs = tuple(_instr(path, f"instructions[{i}]", x, labels) for i, x in enumerate(raw_instrs))
    return Program(
        instrs=instrs,
        data=_data(path, field(path, obj, "data", list)),
        public=counts[0], private=counts[1], outputs=counts[2],
        bounds=_bounds(path, field(path, obj, "bounds", list), len(instrs)),
        labels=tuple(labels.items()),
        source=source,
        source_digest=digest,
    )


def _int(path: str, where: str, v: Any, lo: int, hi: int) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise ArtifactError(path, where, f"expected an integer {lo} .. {hi}, found {json.dumps(v)}")
    return v


def _value(path: str, where: str, v: Any) -> int:
    """A field element as a canonical decimal string."""
    if not isinstance(v, str) or not v.isascii() or not v.isdigit() or (len(v) > 1 and v[0] == "0"):
        raise ArtifactError(path, where, f"expected a decimal string, found {json.dumps(v)}")
    if len(v) > 80 or int(v) >= R:
        raise ArtifactError(path, where, "value is not below the field modulus r")
    return int(v)


def _obj(path: str, where: str, v: Any, keys: tuple[str, ...],
         optional: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise ArtifactError(path, where, "expected an object")
    for k in keys:
        if k not in v:
            raise ArtifactError(path, f"{where}.{k}", "missing")
    extra = sorted(set(v) - set(keys) - set(optional))
    if extra:
        raise ArtifactError(path, f"{where}.{extra[0]}", "unknown field")
    return v


def _interface(path: str, v: dict) -> tuple[int | None, int | None, int | None]:
    _obj(path, "interface", v, ("public", "private", "outputs"))
    return tuple(None if v[k] is None else _int(path, f"interface.{k}", v[k], 0, COUNT_LIMIT - 1)
                 for k in ("public", "private", "outputs"))  # type: ignore[return-value]


def _labels(path: str, v: dict, n_instrs: int) -> dict[str, int]:
    out = {}
    for name, pc in v.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ArtifactError(path, f"labels.{name}", "not a label name")
        out[name] = _int(path, f"labels.{name}", pc, 0, n_instrs)
    return out


def _instr(path: str, where: str, v: Any, labels: dict[str, int]) -> Instr:
    _obj(path, where, v, ("op", "args", "line", "text"), ("file",))
    op = v["op"]
    if not isinstance(op, str) or op not in OPERAND_KINDS:
        raise ArtifactError(path, f"{where}.op", f"unknown instruction {json.dumps(op)}")
    args = v["args"]
    kinds = operand_kinds(op, len(args) if isinstance(args, list) else 0)
    if not isinstance(args, list) or len(args) != len(kinds):
        raise ArtifactError(path, f"{where}.args", f"expected a list of {len(kinds)} operands for {op}")
    ops = tuple(_operand(path, f"{where}.args[{i}]", a, k, labels) for i, (a, k) in enumerate(zip(args, kinds)))
    _amount(path, f"{where}.args[{len(ops) - 1}].value", op, ops)
    line = _int(path, f"{where}.line", v["line"], 1, 1 << 40)
    if not isinstance(v["text"], str):
        raise ArtifactError(path, f"{where}.text", "expected a string")
    file = v.get("file")
    if "file" in v and (not isinstance(file, str) or not file):
        raise ArtifactError(path, f"{where}.file", "expected a non-empty file name")
    return Instr(op, ops, line, v["text"], file)


def _amount(path: str, where: str, op: str, ops: tuple[Operand, ...]) -> None:
    lo, hi = {"shl": (0, SHIFT_MAX), "shr": (0, SHIFT_MAX), "range": (RANGE_MIN, RANGE_MAX)}.get(op, (0, R))
    last = ops[-1] if ops else None
    if isinstance(last, Imm) and not lo <= last.value <= hi:
        raise ArtifactError(path, where, f"{op} needs {lo} .. {hi}, found {last.value}")


def _operand(path: str, where: str, a: Any, kind: str, labels: dict[str, int]) -> Operand:
    if not isinstance(a, dict) or a.get("kind") not in _ALLOWED[kind]:
        raise ArtifactError(path, f"{where}.kind", f"expected {' or '.join(_ALLOWED[kind])} for a {kind} operand")
    tag = a["kind"]
    if tag == "reg":
        _obj(path, where, a, ("kind", "n"))
        return Reg(_int(path, f"{where}.n", a["n"], 0, N_REGS - 1))
    if tag == "imm":
        _obj(path, where, a, ("kind", "value"))
        return Imm(_value(path, f"{where}.value", a["value"]))
    if tag == "mem":
        _obj(path, where, a, ("kind", "base", "offset"))
        base = None if a["base"] is None else _int(path, f"{where}.base", a["base"], 0, N_REGS - 1)
        return Mem(base, _value(path, f"{where}.offset", a["offset"]))
    _obj(path, where, a, ("kind", "name", "pc"))
    name = a["name"]
    if not isinstance(name, str) or name not in labels:
        raise ArtifactError(path, f"{where}.name", f"not a label of this program: {json.dumps(name)}")
    if a["pc"] != labels[name] or isinstance(a["pc"], bool):
        raise ArtifactError(path, f"{where}.pc", f"label {name} is at pc {labels[name]}, found {json.dumps(a['pc'])}")
    return Target(name, labels[name])


def _bounds(path: str, v: list, n_instrs: int) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for i, b in enumerate(v):
        _obj(path, f"bounds[{i}]", b, ("pc", "n"))
        pc = _int(path, f"bounds[{i}].pc", b["pc"], 0, n_instrs)
        if out and pc <= out[-1][0]:
            raise ArtifactError(path, f"bounds[{i}].pc", "bounds must be sorted by pc, one per pc")
        out.append((pc, _int(path, f"bounds[{i}].n", b["n"], 0, COUNT_LIMIT - 1)))
    return tuple(out)


def _data(path: str, v: list) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for i, d in enumerate(v):
        _obj(path, f"data[{i}]", d, ("addr", "value"))
        addr = _int(path, f"data[{i}].addr", d["addr"], 0, MEM_SIZE - 1)
        if out and addr <= out[-1][0]:
            raise ArtifactError(path, f"data[{i}].addr", "cells must be sorted by address, each once")
        out.append((addr, _value(path, f"data[{i}].value", d["value"])))
    return tuple(out)
