"""What the compile speed-ups of issue 15 must not change: the circuit digest remembered for the
last circuit hashed equals a fresh hash (and another circuit gets its own), and the stages that
pause the cyclic garbage collector leave it as they found it."""

from __future__ import annotations

import dataclasses
import gc
import json
from pathlib import Path

import pytest

from zkvmc.artifacts.circuit_file import circuit_body, circuit_digest, write_circuit
from zkvmc.artifacts.io import digest
from zkvmc.asm import assemble_source
from zkvmc.compiler import compile_program
from zkvmc.r1cs.check import validate_constraints

SRC = ".public 1\n.outputs 1\n  read r1\n  mov r2, r1\n  mul r2, r2, r1\n  mul r2, r2, r1\n  write r2\n  halt\n"


def test_remembered_digest_is_the_fresh_one(tmp_path: Path) -> None:
    c = compile_program(assemble_source(SRC, "p.asm"))
    write_circuit(str(tmp_path / "c.json"), c)  # hashes c and remembers it
    on_file = json.loads((tmp_path / "c.json").read_text())["digest"]
    assert circuit_digest(c) == on_file == digest(circuit_body(c))


def test_another_circuit_is_hashed_again(tmp_path: Path) -> None:
    c = compile_program(assemble_source(SRC, "p.asm"))
    write_circuit(str(tmp_path / "c.json"), c)
    other = dataclasses.replace(c, source="q.asm")  # equal but for the name: another digest
    assert circuit_digest(other) == digest(circuit_body(other)) != circuit_digest(c)


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_left_as_found(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        c = compile_program(assemble_source(SRC, "p.asm"))
        validate_constraints(c.r1cs)
        circuit_digest(dataclasses.replace(c, source="gc.asm"))
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
