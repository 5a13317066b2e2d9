"""Shared helpers for the compiler tests: compile, solve the witness, compare with the VM."""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.artifacts.inputs import Inputs
from zkvmc.asm import assemble_source
from zkvmc.asm.program import Program
from zkvmc.compiler import compile_program
from zkvmc.compiler.circuit import Circuit
from zkvmc.r1cs.system import first_unsatisfied
from zkvmc.vm import run
from zkvmc.vm.types import Run
from zkvmc.witness.steps import run_steps


def asm(text: str) -> Program:
    """Assemble a test program."""
    return assemble_source(text, "t.asm")


@dataclass(frozen=True)
class Outcome:
    """A circuit evaluated on inputs."""

    circuit: Circuit
    wires: list[int]
    unsatisfied: int | None
    outputs: tuple[int, ...]


def evaluate(circuit: Circuit, inputs: Inputs) -> Outcome:
    """Run the witness program and check the R1CS (w[i] = signals[wire_map[i]])."""
    s = run_steps(circuit.steps, circuit.n_signals, inputs.public, inputs.private)
    w = [s[i] for i in circuit.wire_map]
    n = circuit.r1cs.n_outputs
    return Outcome(circuit, w, first_unsatisfied(circuit.r1cs, w), tuple(w[1:1 + n]))


def tapes_fit(circuit: Circuit, inputs: Inputs) -> bool:
    """Whether the input tapes have the lengths the circuit reads (else the VM faults)."""
    return (len(inputs.public), len(inputs.private)) == (circuit.r1cs.n_pub_inputs, circuit.n_private_inputs)


def agree(program: Program, inputs: Inputs, level: int) -> tuple[Run, Outcome]:
    """Assert the circuit and the VM agree on inputs; gives both."""
    r = run(program, inputs, max_steps=100_000)
    c = compile_program(program, level)
    o = evaluate(c, inputs)
    if not tapes_fit(c, inputs):
        assert r.fault is not None, "VM accepted tapes of lengths the circuit does not read"
        return r, o
    if r.fault is None:
        assert o.unsatisfied is None, f"VM ok, constraint {o.unsatisfied} (line {c.lines[o.unsatisfied]}) fails"
        assert o.outputs == r.outputs
        assert tuple(o.wires[1 + c.r1cs.n_outputs:1 + c.r1cs.n_public]) == inputs.public
    else:
        assert o.unsatisfied is not None, f"VM faults ({r.fault}) but the witness satisfies the R1CS"
    return r, o
