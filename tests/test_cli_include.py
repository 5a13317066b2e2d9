"""`.include` and `-D NAME=VALUE` through the CLI (assemble, run, compile): exit codes and messages.

Bad input is exit 2 with a located message and never a traceback; faults in included code are
exit 1 naming the included file (docs/language.md, "Extensions: .include and -D"; docs/cli.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_support import zkvmc

MAIN = ".public 1\n.outputs 1\n  read r1\n.include \"lib/ops.asm\"\n  write r1\n"
OPS = "; ops\n  add r1, r1, 1\n  div r1, r1, r1\n"
POWER = (".const N 3\n.public 1\n.outputs 1\n        read r1\n        mov r2, 1\n        mov r3, N\n"
         "loop:   jz r3, done\n        mul r2, r2, r1\n        sub r3, r3, 1\n        jmp loop\ndone:   write r2\n")


def tree(root: Path, files: dict[str, str]) -> str:
    """Write files under root; gives the path of main.asm."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return str(root / "main.asm")


def inputs(root: Path, public: list[int]) -> str:
    path = root / "in.json"
    path.write_text(json.dumps({"public": public}))
    return str(path)


# ---- .include ----------------------------------------------------------------------------------

def test_run_spliced_program(tmp_path, capsys) -> None:
    main = tree(tmp_path, {"main.asm": MAIN, "lib/ops.asm": OPS})
    code, out, err = zkvmc(capsys, "run", main, "-i", inputs(tmp_path, [4]))
    assert code == 0 and out == "1\n", err


def test_fault_in_included_code_names_the_included_file(tmp_path, capsys) -> None:
    main = tree(tmp_path, {"main.asm": MAIN, "lib/ops.asm": OPS})
    inc = str(tmp_path / "lib" / "ops.asm")
    code, out, err = zkvmc(capsys, "run", main, "-i", inputs(tmp_path, [-1]))
    assert code == 1 and out == ""
    assert err.startswith(f"{inc}:3: div by zero\n    div r1, r1, r1\n"), err
    code, out, _ = zkvmc(capsys, "run", main, "-i", inputs(tmp_path, [-1]), "--json")
    assert code == 1
    assert json.loads(out)["fault"] == {"pc": 2, "line": 3, "instr": "div r1, r1, r1", "reason": "div by zero",
                                        "file": inc}


def test_trace_names_each_steps_file(tmp_path, capsys) -> None:
    main = tree(tmp_path, {"main.asm": MAIN, "lib/ops.asm": OPS})
    code, _, err = zkvmc(capsys, "run", main, "-i", inputs(tmp_path, [4]), "--trace")
    assert code == 0
    lines = err.splitlines()
    assert f"{main}:3" in lines[0] and "read r1" in lines[0]
    assert f"{tmp_path / 'lib' / 'ops.asm'}:2" in lines[1] and "add r1, r1, 1" in lines[1]


def test_image_of_included_program_runs_with_files(tmp_path, capsys) -> None:
    main = tree(tmp_path, {"main.asm": MAIN, "lib/ops.asm": OPS})
    img = str(tmp_path / "main.json")
    assert zkvmc(capsys, "assemble", main, "-o", img)[0] == 0
    (tmp_path / "lib" / "ops.asm").unlink()  # the image does not need the included file any more
    code, _, err = zkvmc(capsys, "run", img, "-i", inputs(tmp_path, [-1]))
    assert code == 1 and err.startswith(f"{tmp_path / 'lib' / 'ops.asm'}:3: div by zero")


@pytest.mark.parametrize("cmd", ["assemble", "run", "compile"])
def test_missing_include_is_exit_2_at_the_directive(tmp_path, capsys, cmd) -> None:
    main = tree(tmp_path, {"main.asm": MAIN})
    argv = [cmd, main] + (["-o", str(tmp_path / "c.json")] if cmd == "compile" else [])
    code, out, err = zkvmc(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith(f"{main}:4:1: error: cannot include \"lib/ops.asm\""), err
    assert '.include "lib/ops.asm"' in err and "Traceback" not in err


def test_error_in_included_file_is_located_there_with_the_chain(tmp_path, capsys) -> None:
    main = tree(tmp_path, {"main.asm": "nop\n.include \"inc.asm\"\n", "inc.asm": "nop\nnop\nmov r1, r2, r3\n"})
    code, out, err = zkvmc(capsys, "assemble", main)
    inc = str(tmp_path / "inc.asm")
    assert code == 2 and out == ""
    assert err.splitlines()[:4] == [f"{inc}:3:13: error: 'mov' takes 2 operands, found 3", "    mov r1, r2, r3",
                                    "                ^", f"included from {main}:2"]
    assert not (tmp_path / "main.json").exists()


def test_include_cycle_through_cli(tmp_path, capsys) -> None:
    main = tree(tmp_path, {"main.asm": ".include \"b.asm\"\n", "b.asm": ".include \"main.asm\"\n"})
    code, _, err = zkvmc(capsys, "run", main)
    assert code == 2 and f"include cycle: {main} -> {tmp_path / 'b.asm'} -> {main}" in err
    assert "Traceback" not in err


# ---- -D ----------------------------------------------------------------------------------------

def test_define_changes_run_output(tmp_path, capsys) -> None:
    main = tree(tmp_path, {"main.asm": POWER})
    ins = inputs(tmp_path, [2])
    assert zkvmc(capsys, "run", main, "-i", ins)[:2] == (0, "8\n")
    assert zkvmc(capsys, "run", main, "-i", ins, "-D", "N=5")[:2] == (0, "32\n")
    assert zkvmc(capsys, "run", main, "-i", ins, "-DN=0x4")[:2] == (0, "16\n")
    assert zkvmc(capsys, "run", main, "-i", ins, "--define", "N=1")[:2] == (0, "2\n")


def test_define_changes_the_compiled_circuit(tmp_path, capsys) -> None:
    main = tree(tmp_path, {"main.asm": POWER})
    sizes = {}
    for n in ("2", "9"):
        out_file = str(tmp_path / f"c{n}.json")
        code, out, err = zkvmc(capsys, "compile", main, "-o", out_file, "--json", "-D", f"N={n}")
        assert code == 0, err
        sizes[n] = json.loads(out)["constraints"]
        code, out, _ = zkvmc(capsys, "witness", "-c", out_file, "-i", inputs(tmp_path, [3]),
                             "-o", str(tmp_path / f"w{n}.json"))
        assert code == 0 and out == f"{3 ** int(n)}\n"
    assert sizes["9"] > sizes["2"]


def test_assemble_bakes_the_define_into_the_image(tmp_path, capsys) -> None:
    main = tree(tmp_path, {"main.asm": POWER})
    img = str(tmp_path / "p.json")
    assert zkvmc(capsys, "assemble", main, "-o", img, "-D", "N=4")[0] == 0
    assert zkvmc(capsys, "run", img, "-i", inputs(tmp_path, [2]))[:2] == (0, "16\n")


@pytest.mark.parametrize("cmd", ["assemble", "run", "compile"])
def test_unknown_define_is_exit_2_with_close_names(tmp_path, capsys, cmd) -> None:
    main = tree(tmp_path, {"main.asm": POWER})
    argv = [cmd, main, "-D", "NN=4"] + (["-o", str(tmp_path / "c.json")] if cmd == "compile" else [])
    code, out, err = zkvmc(capsys, *argv)
    assert code == 2 and out == ""
    assert "-D NN: the program defines no constant 'NN'" in err and "did you mean 'N'?" in err
    assert "Traceback" not in err
    assert not (tmp_path / "main.json").exists() and not (tmp_path / "c.json").exists()


@pytest.mark.parametrize("define,words", [
    ("N", "expected NAME=VALUE"), ("N=ten", "bad number literal 'ten'"), ("9N=1", "is not a constant name"),
])
def test_malformed_define_is_exit_2(tmp_path, capsys, define, words) -> None:
    main = tree(tmp_path, {"main.asm": POWER})
    code, out, err = zkvmc(capsys, "run", main, "-D", define)
    assert code == 2 and out == "" and words in err and "Traceback" not in err


@pytest.mark.parametrize("cmd", ["run", "compile"])
def test_define_with_an_image_is_exit_2(tmp_path, capsys, cmd) -> None:
    main = tree(tmp_path, {"main.asm": POWER})
    img = str(tmp_path / "p.json")
    assert zkvmc(capsys, "assemble", main, "-o", img)[0] == 0
    argv = [cmd, img, "-D", "N=4"] + (["-o", str(tmp_path / "c.json")] if cmd == "compile" else [])
    code, out, err = zkvmc(capsys, *argv)
    assert code == 2 and out == "" and "-D cannot change an assembled program image" in err
    assert not (tmp_path / "c.json").exists()


def test_witness_takes_no_define(tmp_path, capsys) -> None:
    code, _, err = zkvmc(capsys, "witness", "-D", "N=1")
    assert code == 2 and "No such option" in err
