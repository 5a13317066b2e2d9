"""compile_program: a Program -> a Circuit (R1CS + witness program + source lines).

Spec: the Proving semantics docs/compiler.md states; design: the rest of docs/compiler.md. Runs the
symbolic executor (zkvmc.compiler.explore), settles the tape counts (`.public/.private/.outputs`
or inferred), merges the halted states' outputs into the public output signals, numbers the
signals circom's way (1, outputs, public inputs, the rest) and runs the optimiser.
"""

from __future__ import annotations

from zkvmc.asm.machine import MEM_SIZE
from zkvmc.asm.program import Program
from zkvmc.compiler import lin
from zkvmc.compiler.builder import MAX_CONSTRAINTS, Builder, BudgetExceeded, RawConstraint
from zkvmc.compiler.circuit import Circuit, Step
from zkvmc.compiler.explore import MAX_SYMBOLIC_STEPS, CompileStop, Explorer
from zkvmc.compiler.state import State
from zkvmc.errors import SourceError, Span
from zkvmc.gcpause import gc_paused
from zkvmc.r1cs.optimise import optimise
from zkvmc.r1cs.system import LC, R1CS, Constraint

_COUNTS = (("public", "n_pub", "public input(s) read", "public"),
           ("private", "n_priv", "private input(s) read", "private"),
           ("outputs", "n_out", "output(s) written", "outputs"))


def _error(program: Program, pc: int, message: str, hint: str) -> SourceError:
    """A SourceError at instruction pc (the last instruction for pc = len(instrs))."""
    instrs = program.instrs
    ins = instrs[min(pc, len(instrs) - 1)] if instrs else None
    line, text = (ins.line, ins.text) if ins else (1, "")
    file = (ins.file or program.source) if ins else program.source
    return SourceError(Span(file, line, 1), message, text, hint)


def _count(st: State, attr: str) -> int:
    """A halted state's public reads, private reads or writes."""
    return len(st.outputs) if attr == "n_out" else getattr(st, attr)


def _settle(ex: Explorer, directive: str, attr: str, what: str) -> int:
    """The tape length: the directive's (states that differ fault), else the one all halts agree on."""
    declared = getattr(ex.program, directive)
    if declared is not None:
        keep = []
        for st, line in ex.halted:
            if _count(st, attr) != declared:
                ex.b.line = line
                ex.b.constrain_zero(st.p)
            else:
                keep.append((st, line))
        ex.halted = keep
        return declared
    seen = sorted({_count(st, attr) for st, _ in ex.halted})
    if len(seen) > 1:
        line = next(ln for st, ln in ex.halted if _count(st, attr) == seen[-1])
        pc = next((i for i, ins in enumerate(ex.program.instrs) if ins.line == line), len(ex.program.instrs))
        raise _error(ex.program, pc, f"runs ending here have {seen[-1]} {what}, other runs {seen[0]}: "
                     "the count differs between runs",
                     f"add `.{directive} N` so that runs doing otherwise are faults")
    if seen:
        return seen[0]
    tape = {"n_pub": 0, "n_priv": 1}.get(attr)
    return 1 + max((pos for t, pos in ex.inputs if t == tape), default=-1)


def _outputs(ex: Explorer, n_out: int) -> list[int]:
    """Output signals, each pinned to the merged value its halted states wrote."""
    b = ex.b
    values: list[LC] = [lin.ZERO] * n_out
    for i, (st, line) in enumerate(ex.halted):
        b.line = line
        values = list(st.outputs) if i == 0 else [b.select(st.p, v, acc) for acc, v in zip(values, st.outputs)]
    outs = []
    for j, v in enumerate(values):
        b.line = ex.output_lines.get(j, 0)
        (s,) = b.signal("lc", (v,))
        b.constrain(v, lin.ONE, lin.sig(s))
        outs.append(s)
    return outs


def _public_inputs(ex: Explorer, n_pub: int) -> list[int]:
    """The public input signals in tape order (allocating those no path reads)."""
    for pos in range(n_pub):
        if (0, pos) not in ex.inputs:
            (ex.inputs[(0, pos)],) = ex.b.signal("input", (), (0, pos))
    return [ex.inputs[(0, pos)] for pos in range(n_pub)]


def _renumber(b: Builder, first: list[int]) -> tuple[list[int], list[Step], list[RawConstraint]]:
    """Signal order 0, first..., the rest in allocation order (so wire = signal at O0)."""
    perm = [-1] * b.n_signals
    perm[0] = 0
    for i, s in enumerate(first):
        perm[s] = i + 1
    nxt = len(first) + 1
    for s in range(1, b.n_signals):
        if perm[s] < 0:
            perm[s], nxt = nxt, nxt + 1

    def m(a: LC) -> LC:
        if len(a) == 1:  # most LCs: nothing to sort
            ((s, c),) = a
            return ((perm[s], c),)
        return tuple(sorted((perm[s], c) for s, c in a))

    steps = [Step(st.op, tuple(perm[o] for o in st.outs), tuple(m(a) for a in st.args), st.params)
             for st in b.steps]
    cons = [RawConstraint(m(c.a), m(c.b), m(c.c), c.line) for c in b.constraints]
    return perm, steps, cons


def _explore(program: Program, b: Builder, max_steps: int) -> Explorer:
    """Run the symbolic executor, turning its stops and budget overruns into SourceErrors."""
    ex = Explorer(program, b, max_steps)
    if any(not 0 <= addr < MEM_SIZE for addr, _ in program.data):
        b.constrain_zero(lin.ONE)  # the VM faults before the first instruction
    try:
        ex.run()
    except CompileStop as e:
        raise _error(program, e.pc, e.message, e.hint) from None
    except BudgetExceeded as e:
        pc = next((i for i, ins in enumerate(program.instrs) if ins.line == b.line), 0)
        raise _error(program, pc, f"the circuit needs {e}", "lower `.bound`s or split the program") from None
    return ex


def compile_program(program: Program, level: int = 2, *, max_steps: int = MAX_SYMBOLIC_STEPS,
                    max_constraints: int = MAX_CONSTRAINTS) -> Circuit:
    """Lower program to a Circuit, optimised at level 0, 1 or 2 (zkvmc.r1cs.optimise).

    The cyclic garbage collector is paused meanwhile: lowering allocates millions of acyclic
    tuples (LCs, constraints, steps) that stay alive, and the collector's passes over them took
    half of the compile time at 2^16 constraints (bench/compile_stages.py)."""
    with gc_paused():
        return _compile(program, level, max_steps, max_constraints)


def _compile(program: Program, level: int, max_steps: int, max_constraints: int) -> Circuit:
    b = Builder(max_constraints, data={a: v for a, v in program.data if 0 <= a < MEM_SIZE})
    ex = _explore(program, b, max_steps)
    n_pub, n_priv, n_out = (_settle(ex, d, attr, what) for d, attr, what, _ in _COUNTS)
    outs = _outputs(ex, n_out)
    pubs = _public_inputs(ex, n_pub)
    _, steps, cons = _renumber(b, outs + pubs)
    r1cs = R1CS(b.n_signals, n_out, n_pub, tuple(Constraint(c.a, c.b, c.c) for c in cons))
    private_inputs = frozenset(o for st in steps if st.op == "input" and st.params[0] == 1 for o in st.outs)
    res = optimise(r1cs, level, keep=private_inputs)
    lines = tuple(cons[k].line for k in res.origin)
    texts = {ins.line: ins.text for ins in program.instrs}
    return Circuit(
        r1cs=res.r1cs, n_signals=b.n_signals, steps=tuple(steps), wire_map=res.wire_map,
        lines=lines, line_text=tuple(sorted((ln, texts[ln]) for ln in set(lines) if ln in texts)),
        n_private_inputs=n_priv, source=program.source, source_digest=program.source_digest,
        stats=(("constraints_before", len(cons)), ("constraints_after", len(res.r1cs.constraints)),
               ("wires_before", b.n_signals), ("wires_after", res.r1cs.n_wires),
               ("symbolic_steps", ex.steps)))
