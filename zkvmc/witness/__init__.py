"""Witness generation: a Circuit and the input tapes -> a satisfying assignment of its wires.

Runs the circuit's witness program (zkvmc.witness.steps) over all signals, keeps the wires
the final R1CS uses (wire_map) and checks every constraint, naming the source line of the
first one that fails.
"""

from __future__ import annotations

from zkvmc.asm.machine import Inputs
from zkvmc.compiler.circuit import Circuit
from zkvmc.errors import Unsatisfied
from zkvmc.r1cs.system import eval_lc, first_unsatisfied


def check_counts(circuit: Circuit, inputs: Inputs) -> None:
    """The tapes must have exactly the lengths the circuit reads (the VM faults otherwise)."""
    want = (circuit.r1cs.n_pub_inputs, circuit.n_private_inputs)
    have = (len(inputs.public), len(inputs.private))
    for tape, w, h in zip(("public", "private"), want, have):
        if w != h:
            raise Unsatisfied(f"{circuit.source}: the program reads exactly {w} {tape} input(s); "
                              f"the inputs give {h} (the VM faults on such a run)")


def describe_constraint(circuit: Circuit, k: int, w: list[int] | tuple[int, ...]) -> str:
    """'constraint k (file:line: instr): A=.., B=.., C=..' for messages."""
    con = circuit.r1cs.constraints[k]
    line = circuit.lines[k] if k < len(circuit.lines) else 0
    where = f"{circuit.source}:{line}: {circuit.text_of_line(line)}" if line else "no source line"
    a, b, c = (eval_lc(x, list(w)) for x in (con.a, con.b, con.c))
    return f"constraint {k} unsatisfied ({where}); A = {a}, B = {b}, C = {c}"


def solve(circuit: Circuit, inputs: Inputs) -> tuple[int, ...]:
    """The full wire assignment for these inputs; raises Unsatisfied naming the failing line."""
    from zkvmc.witness.steps import run_steps, signals_used

    check_counts(circuit, inputs)
    n = signals_used(circuit.steps, circuit.wire_map, circuit.n_signals)
    signals = run_steps(circuit.steps, n, inputs.public, inputs.private)
    w = [signals[i] for i in circuit.wire_map]
    k = first_unsatisfied(circuit.r1cs, w)
    if k is not None:
        raise Unsatisfied(describe_constraint(circuit, k, w))
    return tuple(w)
