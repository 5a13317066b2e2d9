"""Shared helpers for the compiler tests: compile, solve the witness, compare with the VM."""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.artifacts.inputs import Inputs
from zkvmc.asm import assemble_source
from zkvmc.asm.program import Program
from zkvmc.compiler import compile_program
from zkvmc.compiler.circuit import Circuit
from zkvmc.r1cs.optimise import extend_assignment, optimise_traced
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


def private_input_signals(circuit: Circuit) -> list[int]:
    """Signal of each private tape position, in order."""
    got = {s.params[1]: s.outs[0] for s in circuit.steps if s.op == "input" and s.params[0] == 1}
    return [got[i] for i in range(circuit.n_private_inputs)]


def alternative_tape(program: Program, inputs: Inputs, o2: Outcome) -> Inputs:
    """The private tape a satisfying O2 assignment stands for.

    The optimiser may eliminate a private input wire (it is defined by a linear constraint);
    the spec's semantics are existential over the private tape, so an O2 witness built from a
    private tape the VM rejects may still satisfy: then the eliminated wires' definitions give
    the private tape it proves, which the VM must accept with the same outputs.
    """
    c0 = compile_program(program, 0)
    res, elims = optimise_traced(c0.r1cs, 2)
    assert res.r1cs == o2.circuit.r1cs and res.wire_map == o2.circuit.wire_map
    full = extend_assignment(res, elims, c0.r1cs.n_wires, o2.wires)
    assert first_unsatisfied(c0.r1cs, full) is None
    return Inputs(inputs.public, tuple(full[s] for s in private_input_signals(c0)))


def agree(program: Program, inputs: Inputs, level: int) -> tuple[Run, Outcome]:
    """Assert the circuit and the VM agree on inputs (spec, "Proving semantics"); gives both."""
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
    elif o.unsatisfied is None:
        assert level > 0, f"VM faults ({r.fault}) but the O0 witness satisfies the R1CS"
        other = alternative_tape(program, inputs, o)
        assert other.private != inputs.private
        r2 = run(program, other, max_steps=100_000)
        assert r2.fault is None and r2.outputs == o.outputs, f"O2 proves a run the VM rejects: {r2.fault}"
    return r, o
