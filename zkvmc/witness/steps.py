"""The witness program's step kinds: each takes argument values and gives output signal values.

Takes a Circuit's steps (zkvmc.compiler.circuit.Step) and the input tapes, gives every signal's
value (signal 0 = 1). A step never raises on any values: hints whose premise fails (an inverse
of 0, bits of a value that is not below 2^n, a quotient by 0) give some value and the
constraints then decide. Kinds (docs/compiler.md, "Witness program"):

| op      | args    | params          | outs                                            |
|---------|---------|-----------------|-------------------------------------------------|
| input   | —       | (tape, index)   | tape 0 (public) / 1 (private) at index, 0 past the end |
| lc      | (a,)    | —               | a                                               |
| mul     | (a, b)  | —               | a·b                                             |
| inv0    | (a,)    | —               | 1/a, or 0 when a = 0                            |
| div0    | (a, b)  | —               | a/b, or 0 when b = 0                            |
| bits    | (a,)    | (n,)            | bit 0 .. n-1 of a as an integer in [0, r)       |
| udiv    | (a, b)  | —               | (a // b, a % b) as integers; (0, a) when b = 0  |
"""

from __future__ import annotations

from typing import Callable, Sequence

from zkvmc.compiler.circuit import Step
from zkvmc.field import R, inv_or_zero
from zkvmc.r1cs.system import LC

Kind = Callable[[list[int], tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...]]], list[int]]


def _input(a: list[int], params: tuple[int, ...], tapes: tuple[tuple[int, ...], tuple[int, ...]]) -> list[int]:
    """Tape value at params = (tape, index); 0 past the end (the caller checks the counts)."""
    tape, index = params
    t = tapes[1 if tape else 0]
    return [t[index] % R if 0 <= index < len(t) else 0]


def _bits(a: list[int], params: tuple[int, ...], tapes: object) -> list[int]:
    """The low params[0] bits of the argument."""
    (n,) = params
    return [(a[0] >> i) & 1 for i in range(n)]


def _udiv(a: list[int], params: object, tapes: object) -> list[int]:
    """Integer quotient and remainder; (0, a) for a zero divisor."""
    x, y = a
    return [0, x] if y == 0 else [x // y, x % y]


STEP_KINDS: dict[str, Kind] = {
    "input": _input,
    "lc": lambda a, params, tapes: [a[0]],
    "mul": lambda a, params, tapes: [a[0] * a[1] % R],
    "inv0": lambda a, params, tapes: [inv_or_zero(a[0])],
    "div0": lambda a, params, tapes: [a[0] * inv_or_zero(a[1]) % R],
    "bits": _bits,
    "udiv": _udiv,
}
"""op -> function(argument values, params, (public tape, private tape)) -> output values."""

ARITY: dict[str, tuple[int, int, int | None]] = {
    "input": (0, 2, 1), "lc": (1, 0, 1), "mul": (2, 0, 1), "inv0": (1, 0, 1),
    "div0": (2, 0, 1), "bits": (1, 1, None), "udiv": (2, 0, 2),
}
"""op -> (number of args, number of params, number of outs or None = params[0])."""


def check_step(step: Step) -> str | None:
    """Why a step is malformed (for file readers), or None."""
    shape = ARITY.get(step.op)
    if shape is None:
        return f"unknown step kind {step.op!r}"
    n_args, n_params, n_outs = shape
    if len(step.args) != n_args or len(step.params) != n_params:
        return f"{step.op} takes {n_args} args and {n_params} params"
    want = step.params[0] if n_outs is None else n_outs
    if len(step.outs) != want or want < 0:
        return f"{step.op} writes {want} signals, not {len(step.outs)}"
    return None


def _eval(lc: LC, s: list[int]) -> int:
    """<lc, s> mod r."""
    if len(lc) == 1:  # most args are one signal: no generator (every s[i] is already < r)
        ((i, c),) = lc
        return s[i] if c == 1 else c * s[i] % R
    return sum([c * s[i] for i, c in lc]) % R


def signals_used(steps: Sequence[Step], wire_map: Sequence[int], n_signals: int) -> int:
    """How many signals a solver must hold: one past the highest signal the steps or the wire map
    touch (at most n_signals). A file may declare far more signals than it uses; allocating only
    these keeps a tiny file with a huge n_signals from exhausting memory."""
    outs = [w for st in steps for w in st.outs]
    args = [w for st in steps for a in st.args for w, _ in a]
    return min(n_signals, max(max(wire_map, default=0), max(outs, default=0), max(args, default=0)) + 1)


def run_steps(steps: Sequence[Step], n_signals: int, public: tuple[int, ...],
              private: tuple[int, ...]) -> list[int]:
    """Every signal's value: run the steps in order over the input tapes."""
    s = [0] * n_signals
    s[0] = 1
    tapes = (tuple(public), tuple(private))
    kinds = STEP_KINDS
    for step in steps:
        vals = kinds[step.op]([_eval(a, s) for a in step.args], step.params, tapes)
        for o, v in zip(step.outs, vals):
            s[o] = v
    return s
