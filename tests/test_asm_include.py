"""`.include "file.asm"` and `-D NAME=VALUE` in the assembler API (docs/language.md, "Extensions").

Splicing, relative paths, nesting, cycles and repeats, errors located in the included file with
the include chain, instruction files through the VM and the compiler, the program image, the
source digest, and -D overrides (zkvmc/asm/include.py, zkvmc/asm/defines.py).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from zkvmc.artifacts.inputs import Inputs
from zkvmc.artifacts.program_image import (
    program_from_json, program_to_bytes, program_to_json, read_program, write_program,
)
from zkvmc.asm import assemble_file, assemble_source, parse, parse_defines
from zkvmc.asm.program import Instr, Program
from zkvmc.errors import ArtifactError, InputError, SourceError
from zkvmc.field import R
from zkvmc.vm import run

DOC = Path(__file__).resolve().parent.parent / "docs" / "language.md"


def tree(root: Path, files: dict[str, str]) -> Path:
    """Write files (relative path -> text) under root; gives root / "main.asm"."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root / "main.asm"


def error_of(main: Path, defines: dict[str, int] | None = None) -> SourceError:
    with pytest.raises(SourceError) as e:
        assemble_file(str(main), defines)
    return e.value


SQUARE = "        jmp square_end\nsquare: mul r2, r1, r1\n        ret\nsquare_end:\n"
MAIN = ".public 1\n.outputs 1\n.include \"lib/square.asm\"\n        read r1\n        call square\n        write r2\n"


# ---- splicing --------------------------------------------------------------------------------

def test_include_is_relative_to_the_including_file_not_the_cwd(tmp_path, monkeypatch) -> None:
    main = tree(tmp_path / "proj", {"main.asm": MAIN, "lib/square.asm": SQUARE})
    monkeypatch.chdir(tmp_path)
    p = assemble_file(os.path.join("proj", "main.asm"))
    assert [i.op for i in p.instrs] == ["jmp", "mul", "ret", "read", "call", "write"]
    inc = os.path.join("proj", "lib", "square.asm")
    assert [i.file for i in p.instrs] == [inc, inc, inc, None, None, None]
    assert [i.line for i in p.instrs] == [1, 2, 3, 4, 5, 6]
    assert dict(p.labels) == {"square": 1, "square_end": 3}
    assert p.source == os.path.join("proj", "main.asm") and p.public == 1
    assert run(p, Inputs((7,), ())).outputs == (49,)
    assert main.exists()


def test_nested_include_resolves_each_path_from_its_own_directory(tmp_path) -> None:
    main = tree(tmp_path, {
        "main.asm": ".include \"lib/a.asm\"\nwrite r1\n",
        "lib/a.asm": "mov r1, 2\n.include \"sub/b.asm\"\n",
        "lib/sub/b.asm": ".const K 5\nadd r1, r1, K\n",
    })
    p = assemble_file(str(main))
    assert [(i.op, i.file) for i in p.instrs] == [
        ("mov", str(tmp_path / "lib" / "a.asm")), ("add", str(tmp_path / "lib" / "sub" / "b.asm")), ("write", None)]
    assert run(p, Inputs((), ())).outputs == (7,)


def test_labels_and_constants_are_shared_both_ways(tmp_path) -> None:
    main = tree(tmp_path, {
        "main.asm": ".const BASE 10\n.include \"inc.asm\"\n  mov r1, STEP\n  call bump\n  write r1\n  halt\n"
                    ".include \"tail.asm\"\n",
        "inc.asm": ".const STEP 3\n",
        "tail.asm": "bump: add r1, r1, BASE\n  ret\n",
    })
    assert run(assemble_file(str(main)), Inputs((), ())).outputs == (13,)


def test_directive_is_case_insensitive_and_a_label_before_it_names_the_next_instruction(tmp_path) -> None:
    main = tree(tmp_path, {"main.asm": "nop\nhere: .INCLUDE \"x.asm\"\n", "x.asm": "; nothing but\n\nwrite 1\n"})
    p = assemble_file(str(main))
    assert dict(p.labels) == {"here": 1} and p.instrs[1].op == "write"


def test_parser_gives_the_path_and_the_directive_span() -> None:
    (d,) = parse('  .include "a b;#.asm"  ; comment', "t.asm").items
    assert d.path == "a b;#.asm" and (d.span.line, d.span.col) == (1, 3)


# ---- errors ----------------------------------------------------------------------------------

def test_cycle_is_an_error_naming_the_chain(tmp_path) -> None:
    main = tree(tmp_path, {"main.asm": "nop\n.include \"a.asm\"\n", "a.asm": ".include \"main.asm\"\n"})
    e = error_of(main)
    assert e.message == f"include cycle: {main} -> {tmp_path / 'a.asm'} -> {main}"
    assert (e.span.file, e.span.line, e.span.col) == (str(tmp_path / "a.asm"), 1, 1)
    assert e.notes == (f"included from {main}:2",)
    assert e.source_line == '.include "main.asm"'


def test_a_file_including_itself_is_a_cycle(tmp_path) -> None:
    main = tree(tmp_path, {"main.asm": "nop\n.include \"./main.asm\"\n"})
    e = error_of(main)
    assert "include cycle" in e.message and e.span.line == 2 and e.notes == ()


def test_including_a_file_twice_is_an_error(tmp_path) -> None:
    main = tree(tmp_path, {"main.asm": ".include \"a.asm\"\n.include \"b.asm\"\n",
                           "a.asm": ".include \"util.asm\"\n", "b.asm": "nop\n.include \"util.asm\"\n",
                           "util.asm": "u: ret\n"})
    e = error_of(main)
    assert e.span.file == str(tmp_path / "b.asm") and e.span.line == 2
    assert f"is already included (at {tmp_path / 'a.asm'}:1)" in e.message
    assert e.notes == (f"included from {main}:2",)


def test_same_file_by_another_spelling_is_the_same_file(tmp_path) -> None:
    main = tree(tmp_path, {"main.asm": ".include \"lib/u.asm\"\n.include \"lib/../lib/u.asm\"\n",
                           "lib/u.asm": "nop\n"})
    assert "already included" in error_of(main).message


@pytest.mark.parametrize("path,words", [
    ("missing.asm", "cannot include \"missing.asm\""), ("", "empty .include path"), ("lib", "cannot include \"lib\""),
])
def test_bad_include_path_is_located_at_the_directive(tmp_path, path, words) -> None:
    main = tree(tmp_path, {"main.asm": f"nop\n   .include \"{path}\"\n", "lib/x.asm": "nop\n"})
    e = error_of(main)
    assert words in e.message and (e.span.file, e.span.line, e.span.col) == (str(main), 2, 4)
    assert e.source_line == f"   .include \"{path}\""


@pytest.mark.parametrize("line,words", [
    ('.include x.asm', "expected a quoted path"), ('.include "x.asm', "unterminated string"),
    ('.include "x.asm" 5', "expected end of line"), ('.includex "x.asm"', "unknown directive '.includex'"),
])
def test_include_syntax_errors(line, words) -> None:
    with pytest.raises(SourceError) as e:
        assemble_source(line + "\n", "t.asm")
    assert words in e.value.message and e.value.source_line == line


def test_error_in_included_file_is_located_there_with_the_chain(tmp_path) -> None:
    main = tree(tmp_path, {"main.asm": "nop\n.include \"lib/a.asm\"\n",
                           "lib/a.asm": "; a\n.include \"b.asm\"\n",
                           "lib/b.asm": "nop\nnop\n    jmp nowhere\n"})
    e = error_of(main)
    b = str(tmp_path / "lib" / "b.asm")
    assert (e.span.file, e.span.line, e.span.col) == (b, 3, 9) and "undefined label 'nowhere'" in e.message
    assert e.source_line == "    jmp nowhere"
    assert e.notes == (f"included from {tmp_path / 'lib' / 'a.asm'}:2", f"included from {main}:2")
    text = e.render().splitlines()
    assert text[0] == f"{b}:3:9: error: undefined label 'nowhere'"
    assert text[1:5] == ["        jmp nowhere", "            ^", f"included from {tmp_path / 'lib' / 'a.asm'}:2",
                         f"included from {main}:2"]


def test_syntax_error_in_included_file_shows_that_files_line(tmp_path) -> None:
    main = tree(tmp_path, {"main.asm": "add r1, r2, 3\n.include \"inc.asm\"\n", "inc.asm": "nop\nadd r1 r2, 3\n"})
    e = error_of(main)
    assert (e.span.file, e.span.line, e.span.col) == (str(tmp_path / "inc.asm"), 2, 8)
    assert e.source_line == "add r1 r2, 3" and e.notes == (f"included from {main}:2",)


def test_duplicate_label_across_files_names_the_first_file(tmp_path) -> None:
    main = tree(tmp_path, {"main.asm": ".include \"inc.asm\"\nstart: nop\n", "inc.asm": "nop\nstart: nop\n"})
    e = error_of(main)
    assert e.span.file == str(main) and e.span.line == 2
    assert e.hint == f"first defined at {tmp_path / 'inc.asm'}:2" and e.notes == ()


# ---- run time and compile time ---------------------------------------------------------------

def test_vm_fault_in_included_code_points_into_the_included_file(tmp_path) -> None:
    main = tree(tmp_path, {"main.asm": "read r1\n.include \"inc.asm\"\nwrite r1\n", "inc.asm": "nop\ndiv r1, r1, 0\n"})
    p = assemble_file(str(main))
    f = run(p, Inputs((4,), ())).fault
    assert f is not None and f.reason == "div by zero" and f.line == 2
    assert p.file_of(f.pc) == str(tmp_path / "inc.asm") and p.file_of(0) == str(main)
    assert p.file_of(len(p.instrs)) == str(main)


def test_compile_error_in_included_code_names_the_included_file(tmp_path) -> None:
    from zkvmc.compiler import compile_program

    main = tree(tmp_path, {"main.asm": ".public 1\n  read r1\n.include \"loop.asm\"\n  write r2\n",
                           "loop.asm": "; a loop with a run-time trip count\nloop: jz r1, done\n  add r2, r2, r1\n"
                                       "  sub r1, r1, 1\n  jmp loop\ndone:\n"})
    with pytest.raises(SourceError) as e:
        compile_program(assemble_file(str(main)))
    assert e.value.span.file == str(tmp_path / "loop.asm") and e.value.span.line == 2
    assert ".bound" in e.value.hint


# ---- image and digest ------------------------------------------------------------------------

def test_image_round_trips_instruction_files(tmp_path) -> None:
    main = tree(tmp_path, {"main.asm": MAIN, "lib/square.asm": SQUARE})
    p = assemble_file(str(main))
    path = str(tmp_path / "main.json")
    write_program(path, p)
    back = read_program(path)
    assert back == p and [i.file for i in back.instrs] == [i.file for i in p.instrs]
    obj = json.loads(open(path).read())
    assert obj["version"] == 1
    assert [i.get("file") for i in obj["instructions"]] == [str(tmp_path / "lib" / "square.asm")] * 3 + [None] * 3
    assert program_to_bytes(back) == open(path, "rb").read()
    assert run(back, Inputs((3,), ())).outputs == (9,)


def test_image_without_includes_has_no_file_keys() -> None:
    p = assemble_source("nop\nhalt\n", "t.asm")
    assert b'"file"' not in program_to_bytes(p)
    assert all(i.file is None for i in p.instrs)


@pytest.mark.parametrize("bad", ["", 5, None])
def test_image_file_field_is_checked(bad) -> None:
    p = Program((Instr("nop", (), 1, "nop", "inc.asm"),), (), None, None, None, (), (), "m.asm", "0" * 64)
    obj = program_to_json(p)
    assert program_from_json(obj, "i.json") == p
    obj["instructions"][0]["file"] = bad
    with pytest.raises(ArtifactError) as e:
        program_from_json(obj, "i.json")
    assert e.value.field == "instructions[0].file"


def _sha(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def test_source_digest_covers_included_files_as_documented(tmp_path) -> None:
    files = {"main.asm": ".include \"a.asm\"\n.include \"b.asm\"\n", "a.asm": "nop\n", "b.asm": "halt\n"}
    main = tree(tmp_path, files)
    listing = "".join(_sha(files[n]) + "\n" for n in ("main.asm", "a.asm", "b.asm"))
    d1 = assemble_file(str(main)).source_digest
    assert d1 == _sha(listing)
    (tmp_path / "b.asm").write_text("halt  \n")
    assert assemble_file(str(main)).source_digest != d1
    plain = "nop\n"
    assert assemble_source(plain, "p.asm").source_digest == _sha(plain)


# ---- -D ----------------------------------------------------------------------------------------

POWER = (".const N 3\n.const M N\n.public 1\n.outputs 1\n        read r1\n        mov r2, 1\n        mov r3, M\n"
         "loop:   jz r3, done\n        mul r2, r2, r1\n        sub r3, r3, 1\n        jmp loop\ndone:   write r2\n")


def test_define_overrides_a_constant_and_what_is_defined_through_it() -> None:
    assert run(assemble_source(POWER, "p.asm"), Inputs((2,), ())).outputs == (8,)
    p = assemble_source(POWER, "p.asm", {"N": 6})
    assert run(p, Inputs((2,), ())).outputs == (64,)
    assert p.source_digest == _sha(_sha(POWER) + "\n" + "-D N=6\n")
    neg = assemble_source(".const K 1\nmov r1, K\n", "k.asm", {"K": -1})
    assert neg.instrs[0].args[1].value == R - 1


def test_define_reaches_constants_of_included_files(tmp_path) -> None:
    main = tree(tmp_path, {"main.asm": ".include \"c.asm\"\nwrite K\n", "c.asm": ".const K 1\n"})
    assert run(assemble_file(str(main), {"K": 0x10}), Inputs((), ())).outputs == (16,)


def test_define_changes_the_compiled_circuit() -> None:
    from zkvmc.compiler import compile_program

    small = compile_program(assemble_source(POWER, "p.asm"))
    big = compile_program(assemble_source(POWER, "p.asm", {"N": 6}))
    assert len(big.r1cs.constraints) > len(small.r1cs.constraints)
    assert big.source_digest != small.source_digest


def test_define_of_an_unknown_name_is_an_input_error_with_close_names() -> None:
    with pytest.raises(InputError) as e:
        assemble_source(POWER, "p.asm", {"NN": 1})
    assert "no constant 'NN'" in str(e.value) and "did you mean 'N'" in str(e.value)
    with pytest.raises(InputError, match="constants are M, N"):
        assemble_source(POWER, "p.asm", {"QQQQ": 1})
    with pytest.raises(InputError, match="'loop' is a label"):
        assemble_source(POWER, "p.asm", {"loop": 1})
    with pytest.raises(InputError, match="no .const"):
        assemble_source("nop\n", "p.asm", {"N": 1})


def test_source_is_checked_before_overrides() -> None:
    with pytest.raises(SourceError, match="in terms of itself"):
        assemble_source(".const A B\n.const B A\nmov r1, A\n", "c.asm", {"A": 1})


def test_out_of_range_define_is_reported_at_the_use_with_a_note() -> None:
    with pytest.raises(SourceError) as e:
        assemble_source(".const S 3\nshl r1, r1, S\n", "s.asm", {"S": 64})
    assert e.value.span.line == 2 and "shift amount" in e.value.message and e.value.notes == ("with -D S=64",)


@pytest.mark.parametrize("texts,value", [(["N=5"], {"N": 5}), (["N=0x1f", "M=-3"], {"N": 31, "M": -3}),
                                         ([" N = 7 "], {"N": 7})])
def test_parse_defines(texts, value) -> None:
    assert parse_defines(texts) == value


@pytest.mark.parametrize("texts,words", [
    (["N"], "expected NAME=VALUE"), (["=5"], "is not a constant name"), (["1N=5"], "is not a constant name"),
    (["N=ten"], "bad number literal"), (["N=0xZZ"], "bad hex literal"), (["N="], "bad number literal"),
    (["N=1", "N=2"], "given twice"),
])
def test_malformed_defines(texts, words) -> None:
    with pytest.raises(InputError, match=words):
        parse_defines(texts)


# ---- the documented example --------------------------------------------------------------------

def test_documented_include_example_runs(tmp_path) -> None:
    section = DOC.read_text().split("## Extensions: .include and -D")[1]
    blocks = section.split("```asm\n")
    main_src, lib_src = blocks[1].split("```")[0], blocks[2].split("```")[0]
    assert ".include \"lib/square.asm\"" in main_src
    main = tree(tmp_path, {"main.asm": main_src, "lib/square.asm": lib_src})
    assert run(assemble_file(str(main)), Inputs((7,), ())).outputs == (49,)
