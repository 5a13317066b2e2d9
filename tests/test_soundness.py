"""Soundness probes on every example program (spec, "Proving semantics"; docs/compiler.md, "Faults").

From a valid witness, change any single public signal, or any single private wire: the R1CS must
become unsatisfied. The one kind of wire that is genuinely free is the IsZero inverse hint
(`inv0`, used by `eq`, `jz`/`jnz` and run-time memory addresses) when its argument is 0: the
gadget's constraints c·inv = t, c·(1 - t) = 0 then say t = 0 and nothing about inv. Its value
reaches no other constraint and no public signal, so any value is as good as the honest one;
the test asserts that every free wire is exactly such a hint.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from compiler_support import evaluate
from zkvmc.artifacts.inputs import Inputs
from zkvmc.witness.steps import run_steps
from zkvmc.artifacts.inputs import read_inputs
from zkvmc.asm import assemble_file
from zkvmc.compiler import compile_program
from zkvmc.compiler.circuit import Circuit
from zkvmc.field import R
from zkvmc.r1cs.system import eval_lc

PROGRAMS = sorted(Path(__file__).resolve().parent.parent.joinpath("programs").glob("*.asm"))


def _uses(circuit: Circuit) -> dict[int, list[int]]:
    """wire -> constraints it appears in."""
    out: dict[int, list[int]] = defaultdict(list)
    for k, con in enumerate(circuit.r1cs.constraints):
        for wire in {i for lc in (con.a, con.b, con.c) for i, _ in lc}:
            out[wire].append(k)
    return out


def _still_satisfied(circuit: Circuit, w: list[int], ks: list[int]) -> bool:
    cons = circuit.r1cs.constraints
    return all(eval_lc(cons[k].a, w) * eval_lc(cons[k].b, w) % R == eval_lc(cons[k].c, w) for k in ks)


def _zero_inverse_hints(circuit: Circuit, signals: list[int]) -> set[int]:
    """Signals computed by inv0 from an argument that is 0 in this witness."""
    return {s.outs[0] for s in circuit.steps
            if s.op == "inv0" and sum(c * signals[i] for i, c in s.args[0]) % R == 0}


def test_there_are_programs() -> None:
    assert len(PROGRAMS) >= 5


def free_wires(c: Circuit, inputs: Inputs) -> tuple[list[int], list[int]]:
    """(public signals, unexplained private wires) that change alone without breaking the R1CS."""
    o = evaluate(c, inputs)
    assert o.unsatisfied is None
    signals = run_steps(c.steps, c.n_signals, inputs.public, inputs.private)
    uses = _uses(c)
    allowed = _zero_inverse_hints(c, signals)
    free = []
    for j in range(1, c.r1cs.n_wires):
        for delta in (1, R - 1, 12345):
            w = list(o.wires)
            w[j] = (w[j] + delta) % R
            if _still_satisfied(c, w, uses[j]):
                free.append(j)
                break
    public = [j for j in free if j <= c.r1cs.n_public]
    return public, [j for j in free if j > c.r1cs.n_public and c.wire_map[j] not in allowed]


def _example(path: Path, level: int) -> tuple[Circuit, Inputs]:
    c = compile_program(assemble_file(str(path)), level)
    return c, read_inputs(str(path.with_suffix("")) + ".input.json")


@pytest.mark.parametrize("level", [0, 2])
@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_single_changes_break_the_witness(path: Path, level: int) -> None:
    public, private = free_wires(*_example(path, level))
    assert public == [], f"public signals {public} can change without breaking the R1CS"
    assert private == [], f"private wires {private} are free"


@pytest.mark.parametrize("drop", [-1])
def test_probe_finds_a_dropped_constraint(drop: int) -> None:
    """The negative twin: remove one constraint and the probe reports a free wire."""
    c, inputs = _example(PROGRAMS[0].parent / "preimage.asm", 0)
    cons = list(c.r1cs.constraints)
    del cons[drop]
    broken = replace(c, r1cs=replace(c.r1cs, constraints=tuple(cons)), lines=c.lines[:len(cons)])
    public, private = free_wires(broken, inputs)
    assert public or private
