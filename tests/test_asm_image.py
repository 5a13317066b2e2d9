"""Program image tests: JSON round trip (examples and random programs) and field-naming validation."""

from __future__ import annotations

import copy
import glob
import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvmc.artifacts.program_image import (
    program_from_json, program_to_bytes, program_to_json, read_program, write_program,
)
from zkvmc.asm import OPERAND_KINDS, assemble_source
from zkvmc.asm.program import Imm, Instr, Mem, Program, Reg, Target
from zkvmc.errors import ArtifactError
from zkvmc.field import R

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SAMPLE = """\
.public 1
.private 1
.outputs 2
.const N 10
.data 100: 1, 2, -1, 0x1F
        read r1
        secret r7
loop:   jz r1, done
        sub r1, r1, 1
        store [r5 + N], r4
        load r6, [r5 - 2]
        load r6, [100]
        shl r1, r1, 3
        range r1, 252
        call sub
        jmp loop
sub:    ret
done:   write r2
        write 5
.bound loop, 1000
end:
"""


def sample() -> Program:
    return assemble_source(SAMPLE, "sample.asm")


def example_programs() -> list[str]:
    return sorted(glob.glob(os.path.join(ROOT, "programs", "*.asm")))


def test_sample_round_trip_through_file(tmp_path) -> None:
    p = sample()
    path = str(tmp_path / "s.json")
    write_program(path, p)
    assert read_program(path) == p
    assert json.loads(open(path).read())["format"] == "zkvmc-program"
    assert program_to_bytes(p) == open(path, "rb").read()  # deterministic


@pytest.mark.parametrize("path", example_programs() + ["<sample>"])
def test_example_programs_round_trip(path: str) -> None:
    if path == "<sample>":
        p = sample()
    else:
        with open(path) as f:
            p = assemble_source(f.read(), path)
    assert program_from_json(json.loads(json.dumps(program_to_json(p))), "x.json") == p


NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True)
VALUES = st.integers(0, R - 1)


@st.composite
def programs(draw) -> Program:
    n = draw(st.integers(0, 12))
    labels = draw(st.dictionaries(NAMES, st.integers(0, n), max_size=4))
    ops = draw(st.lists(st.sampled_from(sorted(OPERAND_KINDS)), min_size=n, max_size=n))
    if not labels:
        ops = [op for op in ops if "L" not in OPERAND_KINDS[op]]
    instrs = tuple(Instr(op, tuple(draw(_operand(k, op, labels)) for k in OPERAND_KINDS[op]),
                         draw(st.integers(1, 10**6)), draw(st.text(max_size=20))) for op in ops)
    labels = {k: min(v, len(instrs)) for k, v in labels.items()}
    instrs = tuple(Instr(i.op, tuple(Target(a.name, labels[a.name]) if isinstance(a, Target) else a
                                     for a in i.args), i.line, i.text) for i in instrs)
    data = draw(st.dictionaries(st.integers(0, 65535), VALUES, max_size=5))
    bounds = draw(st.dictionaries(st.integers(0, len(instrs)), st.integers(0, 2**32 - 1), max_size=3))
    count = st.none() | st.integers(0, 2**32 - 1)
    return Program(instrs, tuple(sorted(data.items())), draw(count), draw(count), draw(count),
                   tuple(sorted(bounds.items())), tuple(labels.items()), draw(st.text(max_size=10)),
                   draw(st.from_regex(r"[0-9a-f]{64}", fullmatch=True)))


def _operand(kind: str, op: str, labels: dict[str, int]):
    if kind in ("rd", "ra"):
        return st.builds(Reg, st.integers(0, 15))
    if kind == "b":
        return st.builds(Reg, st.integers(0, 15)) | st.builds(Imm, VALUES)
    if kind == "n":
        lo, hi = {"shl": (0, 63), "shr": (0, 63), "range": (1, 252)}.get(op, (0, R - 1))
        return st.builds(Imm, st.integers(lo, hi))
    if kind == "mem":
        return st.builds(Mem, st.none() | st.integers(0, 15), VALUES)
    return st.sampled_from(sorted(labels)).map(lambda name: Target(name, labels[name]))


@settings(max_examples=150, deadline=None)
@given(programs())
def test_random_programs_round_trip(p: Program) -> None:
    assert program_from_json(json.loads(json.dumps(program_to_json(p))), "x.json") == p


def broken(edit) -> dict:
    obj = copy.deepcopy(program_to_json(sample()))
    edit(obj)
    return obj


@pytest.mark.parametrize("edit,field", [
    (lambda o: o.update(format="zkvmc-circuit"), "format"),
    (lambda o: o.update(version=2), "version"),
    (lambda o: o.pop("source"), "source"),
    (lambda o: o.update(source_digest="xyz"), "source_digest"),
    (lambda o: o.update(extra=1), "extra"),
    (lambda o: o["interface"].update(public=-1), "interface.public"),
    (lambda o: o["interface"].pop("outputs"), "interface.outputs"),
    (lambda o: o["instructions"][3].update(op="frob"), "instructions[3].op"),
    (lambda o: o["instructions"][3]["args"].pop(), "instructions[3].args"),
    (lambda o: o["instructions"][3]["args"][2].update(value="12x"), "instructions[3].args[2].value"),
    (lambda o: o["instructions"][3]["args"][2].update(value=str(R)), "instructions[3].args[2].value"),
    (lambda o: o["instructions"][3]["args"][2].update(value="01"), "instructions[3].args[2].value"),
    (lambda o: o["instructions"][3]["args"][1].update(value="1"), "instructions[3].args[1].value"),
    (lambda o: o["instructions"][3]["args"][0].update(n=16), "instructions[3].args[0].n"),
    (lambda o: o["instructions"][3]["args"][0].update(kind="imm"), "instructions[3].args[0].kind"),
    (lambda o: o["instructions"][2]["args"][1].update(pc=0), "instructions[2].args[1].pc"),
    (lambda o: o["instructions"][2]["args"][1].update(name="nope"), "instructions[2].args[1].name"),
    (lambda o: o["instructions"][4]["args"][0].update(offset=5), "instructions[4].args[0].offset"),
    (lambda o: o["instructions"][7]["args"][2].update(value="64"), "instructions[7].args[2].value"),
    (lambda o: o["instructions"][8]["args"][1].update(value="0"), "instructions[8].args[1].value"),
    (lambda o: o["instructions"][0].update(line=0), "instructions[0].line"),
    (lambda o: o["instructions"][0].update(text=None), "instructions[0].text"),
    (lambda o: o["labels"].update(loop=99), "labels.loop"),
    (lambda o: o["bounds"][0].update(n=-1), "bounds[0].n"),
    (lambda o: o["bounds"].append({"pc": 0, "n": 1}), "bounds[1].pc"),
    (lambda o: o["data"][1].update(addr=100), "data[1].addr"),
    (lambda o: o["data"][0].update(addr=65536), "data[0].addr"),
    (lambda o: o["data"][0].update(value=True), "data[0].value"),
])
def test_malformed_image_names_the_field(edit, field: str) -> None:
    with pytest.raises(ArtifactError) as e:
        program_from_json(broken(edit), "bad.json")
    assert e.value.path == "bad.json" and e.value.field == field, str(e.value)


def test_malformed_image_file(tmp_path) -> None:
    f = tmp_path / "p.json"
    f.write_text("{not json")
    with pytest.raises(ArtifactError, match="not valid JSON"):
        read_program(str(f))
    f.write_text("[]")
    with pytest.raises(ArtifactError, match="expected a JSON object"):
        read_program(str(f))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 2**70) | st.text(max_size=5) | st.just(str(R)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_images_load_or_name_a_field(data) -> None:
    obj = program_to_json(sample())
    paths = [p for p in _paths(obj) if p]
    path = data.draw(st.sampled_from(paths))
    new = data.draw(JSON_VALUES)
    target = obj
    for k in path[:-1]:
        target = target[k]
    target[path[-1]] = new
    try:
        p = program_from_json(json.loads(json.dumps(obj)), "m.json")
    except ArtifactError as e:
        assert e.path == "m.json" and str(e).startswith("m.json: ")
        return
    assert program_from_json(program_to_json(p), "again.json") == p
