"""Debts of issue 17, section 3: the machine's constants are defined once and the VM and the
compiler agree on them at the edges; core stages do not import the file layer; curve points
have named types; dead helpers stay gone."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import zkvmc
from zkvmc.asm import assemble_source
from zkvmc.asm.machine import MAX_CALL_DEPTH, MEM_SIZE, N_REGS, Inputs
from zkvmc.errors import SourceError

PACKAGE = Path(zkvmc.__file__).parent


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_machine_constants_are_defined_once() -> None:
    pat = re.compile(r"^(MEM_SIZE|MEM_CELLS|MAX_CALL_DEPTH|N_REGS|COUNT_LIMIT)\s*(:[^=]*)?=", re.M)
    where = [f"{p.relative_to(PACKAGE)}: {m.group(1)}" for p in _sources() for m in pat.finditer(p.read_text())]
    assert where == [f"asm/machine.py: {n}" for n in ("N_REGS", "MEM_SIZE", "MAX_CALL_DEPTH", "COUNT_LIMIT")]


def test_every_stage_sees_the_same_constants() -> None:
    from zkvmc import vm
    from zkvmc.artifacts import inputs as inputs_file
    from zkvmc.asm import checker
    from zkvmc.compiler import explore

    assert (vm.MEM_SIZE, vm.MAX_CALL_DEPTH) == (MEM_SIZE, MAX_CALL_DEPTH) == (explore.MEM_SIZE, explore.MAX_CALL_DEPTH)
    assert checker.N_REGS == N_REGS == 16 and MEM_SIZE == 65536
    assert inputs_file.Inputs is Inputs


def _run_and_compile(src: str) -> tuple[object, bool]:
    """(VM fault reason or None, whether the compiled circuit is satisfied) for empty inputs."""
    from zkvmc.compiler.compile import compile_program
    from zkvmc.vm import run
    from zkvmc.witness import solve
    from zkvmc.errors import Unsatisfied

    p = assemble_source(src, "edge.asm")
    fault = run(p, Inputs((), ())).fault
    try:
        solve(compile_program(p), Inputs((), ()))
        return (fault.reason if fault else None), True
    except Unsatisfied:
        return (fault.reason if fault else None), False


def test_vm_and_circuit_agree_on_the_last_address_and_the_first_outside() -> None:
    inside = _run_and_compile(f"mov r1, {MEM_SIZE - 1}\nstore [r1], 7\nload r2, [r1]\nwrite r2\n")
    assert inside == (None, True)
    outside = _run_and_compile(f"mov r1, {MEM_SIZE}\nstore [r1], 7\n")
    assert outside[0] is not None and "address" in str(outside[0]) and outside[1] is False


def test_assembler_and_image_reader_take_the_last_data_cell_and_refuse_the_next() -> None:
    assert assemble_source(f".data {MEM_SIZE - 1}: 5\nnop\n", "d.asm").data == ((MEM_SIZE - 1, 5),)
    for src in (f".data {MEM_SIZE}: 5\nnop\n", f".data {MEM_SIZE - 1}: 5, 6\nnop\n"):
        with pytest.raises(SourceError, match=f"0 .. {MEM_SIZE - 1}"):
            assemble_source(src, "d.asm")
    from zkvmc.artifacts.program_image import program_from_json, program_to_json
    from zkvmc.errors import ArtifactError

    obj = program_to_json(assemble_source(f".data {MEM_SIZE - 1}: 5\nnop\n", "d.asm"))
    assert program_from_json(obj, "d.json").data == ((MEM_SIZE - 1, 5),)
    obj["data"][0]["addr"] = MEM_SIZE
    with pytest.raises(ArtifactError, match=r"data\[0\]\.addr"):
        program_from_json(obj, "d.json")


def test_assembler_names_the_register_count() -> None:
    with pytest.raises(SourceError) as e:
        assemble_source(f"mov r{N_REGS}, 1\n", "r.asm")
    assert f"there are {N_REGS} registers, r0 ... r{N_REGS - 1}" in e.value.render()


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


@pytest.mark.parametrize("package", ["asm", "vm", "compiler", "r1cs", "witness", "groth16", "field", "curve", "hash"])
def test_core_stages_do_not_import_the_file_layer(package: str) -> None:
    bad = [f"{p.relative_to(PACKAGE)} imports {m}" for p in (PACKAGE / package).rglob("*.py")
           for m in _imports(p) if m.startswith(("zkvmc.artifacts", "zkvmc.cli"))]
    assert not bad


def test_low_modules_import_nothing_above_them() -> None:
    for low in ("digest.py", "asm/machine.py", "curve/types.py"):
        assert not [m for m in _imports(PACKAGE / low) if m.startswith("zkvmc")], low
    assert {m for m in _imports(PACKAGE / "errors.py") if m.startswith("zkvmc")} <= {"zkvmc.audit.issue"}  # type-only


def test_digest_is_shared_by_setup_and_the_file_layer() -> None:
    from zkvmc.artifacts import io
    from zkvmc.digest import canonical_json, digest

    assert io.digest is digest and io.canonical_json is canonical_json
    assert digest({"b": 1, "a": [2]}) == digest({"a": [2], "b": 1}) != digest({"a": [2], "b": 2})


def test_curve_points_have_one_named_type_each() -> None:
    from zkvmc import backend
    from zkvmc.curve import adapter, g1, g2, types
    from zkvmc.groth16.keys import Proof, ProvingKey, VerificationKey

    assert types.G1Affine == (tuple[int, int] | None)
    assert types.G2Affine == (tuple[tuple[int, int], tuple[int, int]] | None)
    assert backend.G1Affine is adapter.G1Affine is g1.Affine is types.G1Affine
    assert backend.G2Affine is adapter.G2Affine is g2.Affine is types.G2Affine
    ann = {**ProvingKey.__annotations__, **VerificationKey.__annotations__, **Proof.__annotations__}
    assert not [k for k, v in ann.items() if "Any" in str(v)]
    for k, v in ann.items():
        if k.endswith("_g1") or k in ("a", "c", "a_query", "h_query", "l_query", "b_g1_query", "gamma_abc_g1"):
            assert "G1Affine" in str(v), k
        if k.endswith("_g2") or k in ("b", "b_g2_query"):
            assert "G2Affine" in str(v), k


@pytest.mark.parametrize("name", ["zkvmc.groth16.keys.stage", "zkvmc.field.fmod", "zkvmc.field.parse_canonical",
                                  "zkvmc.curve.fq.f2_add", "zkvmc.curve.fq.f2_sub", "zkvmc.curve.fq.f2_neg",
                                  "zkvmc.curve.fq.f2_mul_fq", "zkvmc.curve.fq.f2_inv", "zkvmc.curve.fq.f2_pow"])
def test_dead_helpers_stay_gone(name: str) -> None:
    import importlib

    module, attr = name.rsplit(".", 1)
    assert not hasattr(importlib.import_module(module), attr)


def test_public_json_and_point_codec_share_one_decimal_parser() -> None:
    from zkvmc.artifacts.groth16_files import public_from_json
    from zkvmc.curve.codec import coord_from_str
    from zkvmc.errors import CodecError
    from zkvmc.errors import ArtifactError
    from zkvmc.field import R

    assert public_from_json(["0", str(R - 1)], "p.json") == [0, R - 1]
    for bad, why in ((str(R), "not below the scalar field modulus r"), ("\u0663", "ASCII digits"), (3, "ASCII")):
        with pytest.raises(ArtifactError, match=why):
            public_from_json([bad], "p.json")
    with pytest.raises(CodecError, match=r"\[1\]: not below the field modulus"):
        coord_from_str(str(zkvmc.curve.adapter.FIELD_MODULUS), "[1]")
