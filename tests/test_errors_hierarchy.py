"""One error hierarchy (issue 17, section 3): every ZkvmcError is defined in zkvmc/errors.py, has
a docstring and exactly the exit code of its base; the old names still import and are the same
classes; library code raises no bare ValueError; the CLI maps each kind to its exit code."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import zkvmc
from zkvmc import errors
from zkvmc.errors import (EXIT_INTERNAL, EXIT_NEGATIVE, EXIT_USAGE, ApiMisuse, InputError, InternalError,
                          InvalidValue, NegativeResult, ZkvmcError)

PACKAGE = Path(zkvmc.__file__).parent


def _all_modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(zkvmc.__path__, "zkvmc.") if not m.name.endswith("__main__")]


def _error_classes() -> dict[type, set[str]]:
    """Every ZkvmcError subclass reachable by name from a zkvmc module -> where it is reachable."""
    found: dict[type, set[str]] = {}
    for name in _all_modules():
        mod = importlib.import_module(name)
        for attr, v in vars(mod).items():
            if isinstance(v, type) and issubclass(v, ZkvmcError):
                found.setdefault(v, set()).add(f"{name}.{attr}")
    return found


def test_every_zkvmc_module_imports() -> None:
    for name in _all_modules():
        importlib.import_module(name)


def test_every_error_class_is_defined_in_errors_py() -> None:
    elsewhere = {f"{c.__module__}.{c.__qualname__}" for c in _error_classes() if c.__module__ != "zkvmc.errors"}
    assert not elsewhere, f"define these in zkvmc/errors.py and re-export them: {sorted(elsewhere)}"


def _expected_code(cls: type) -> int:
    if issubclass(cls, NegativeResult):
        return EXIT_NEGATIVE
    if issubclass(cls, InternalError):
        return EXIT_INTERNAL
    return EXIT_USAGE


def test_each_class_has_a_docstring_and_the_exit_code_of_its_base() -> None:
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, ZkvmcError)]
    assert len(classes) > 20
    for cls in classes:
        assert cls.__doc__ and cls.__doc__.strip(), cls
        assert cls.exit_code == _expected_code(cls), cls
        # A class is at most one of negative / internal: one exit code per class.
        assert not (issubclass(cls, NegativeResult) and issubclass(cls, InternalError)), cls


FACADE_NAMES = [
    ("zkvmc.groth16", "KeyMismatch"), ("zkvmc.groth16", "MalformedInput"), ("zkvmc.groth16", "WitnessUnsatisfied"),
    ("zkvmc.vm", "MalformedProgram"), ("zkvmc.evm", "UnsupportedKey"), ("zkvmc.l1", "L1Error"),
    ("zkvmc.l1", "L1Unavailable"), ("zkvmc.audit", "CircuitRejected"), ("zkvmc.audit", "MalformedCircuit"),
    ("zkvmc.audit", "UnderConstrained"), ("zkvmc.audit", "Undetermined"), ("zkvmc.audit", "WitnessRejected"),
    ("zkvmc.aggregate", "BadSRS"), ("zkvmc.aggregate", "MalformedAggregate"),
]
"""The packages' public APIs name their errors too: the same class objects as zkvmc.errors'."""


@pytest.mark.parametrize("module,name", FACADE_NAMES)
def test_package_apis_name_the_one_class(module: str, name: str) -> None:
    cls = getattr(importlib.import_module(module), name)
    assert cls is getattr(errors, name, None) or (name == "WitnessUnsatisfied" and cls is errors.Unsatisfied)


def test_one_unsatisfied_class() -> None:
    from zkvmc.groth16 import WitnessUnsatisfied
    from zkvmc.errors import Unsatisfied

    assert WitnessUnsatisfied is Unsatisfied is errors.Unsatisfied
    assert Unsatisfied.exit_code == EXIT_NEGATIVE
    assert issubclass(errors.WitnessRejected, Unsatisfied)


def test_value_errors_of_the_library_are_typed_and_still_value_errors() -> None:
    from zkvmc.field import parse_decimal, parse_value

    with pytest.raises(InvalidValue, match="ASCII digits") as e:
        parse_decimal("\u00b3")  # a superscript 3: str.isdigit() says yes
    assert isinstance(e.value, ValueError) and isinstance(e.value, InputError)
    with pytest.raises(ValueError, match="not below the field modulus"):
        parse_decimal(str(zkvmc.field.R), zkvmc.field.R)
    assert parse_decimal(str(zkvmc.field.R - 1), zkvmc.field.R) == zkvmc.field.R - 1
    with pytest.raises(InvalidValue, match="boolean"):
        parse_value(True)


def test_no_bare_value_error_raised_in_library_code() -> None:
    bare = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(exc, ast.Name) and exc.id == "ValueError":
                    bare.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not bare, f"raise a zkvmc.errors class (InvalidValue, ApiMisuse, ...) instead: {bare}"


def test_malformed_program_is_an_internal_error() -> None:
    import dataclasses

    from zkvmc.asm import assemble_source
    from zkvmc.asm.machine import Inputs
    from zkvmc.asm.program import Instr
    from zkvmc.vm import MalformedProgram, run

    p = assemble_source("nop\n", "t.asm")
    assert run(p, Inputs((), ())).fault is None  # the well-formed twin runs
    with pytest.raises(InternalError) as e:
        run(dataclasses.replace(p, instrs=(Instr("frob", (), 1, "frob"),)), Inputs((), ()))
    assert isinstance(e.value, MalformedProgram) and e.value.exit_code == EXIT_INTERNAL


def test_builder_bits_checks_its_width_without_assert() -> None:
    from zkvmc.compiler import lin
    from zkvmc.compiler.builder import Builder

    b = Builder()
    x = lin.sig(b.signal("input", ())[0])
    assert len(b.bits(x, 252)) == 252  # the widest allowed width works
    for n in (0, 253):
        with pytest.raises(ApiMisuse, match="width"):
            Builder().bits(x, n)


def test_msm_length_mismatch_is_api_misuse() -> None:
    from zkvmc.backend import available, get_backend
    from zkvmc.curve.adapter import G1_GEN

    for name in available():
        be = get_backend(name)
        assert be.g1_msm([G1_GEN], [1]) == G1_GEN
        with pytest.raises(ApiMisuse, match="1 points but 2 scalars"):
            be.g1_msm([G1_GEN], [1, 2])


@pytest.mark.parametrize("exc,code", [
    (InvalidValue("bad value x"), EXIT_USAGE), (errors.KeyMismatch("bad key x"), EXIT_USAGE),
    (errors.Unsatisfied("no x"), EXIT_NEGATIVE), (ApiMisuse("bug x"), EXIT_INTERNAL),
    (errors.MalformedProgram("bug x"), EXIT_INTERNAL),
])
def test_cli_maps_each_class_to_its_exit_code_without_traceback(
        exc: ZkvmcError, code: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from zkvmc.cli import main as cli_main

    def boom(*args: object, **kwargs: object) -> None:
        raise exc

    monkeypatch.setattr(cli_main.cli, "main", boom)
    with pytest.raises(SystemExit) as e:
        cli_main.main(["info"])
    err = capsys.readouterr().err
    assert e.value.code == code
    assert str(exc) in err and "Traceback" not in err
