"""The constraint builder: allocates signals with their witness steps and emits constraints.

Takes LCs (zkvmc.compiler.lin) from the lowering and gives signals, Steps (the witness program)
and raw constraints tagged with the source line being lowered. The gadgets here are the
unconditional ones (docs/compiler.md, "Values and signals", "u64 and bits"): products, IsZero, bit
decompositions. They are satisfiable for every value of their inputs, so they are memoised
globally; predication (docs/compiler.md, "Faults") is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zkvmc.compiler import lin
from zkvmc.compiler.circuit import Step
from zkvmc.errors import ApiMisuse
from zkvmc.field import R
from zkvmc.r1cs.system import LC

COMPACT_TERMS = 32
"""An LC built by repeated selects or forks that grows past this many terms becomes one signal
(one linear constraint), so long unrolled loops stay linear, not quadratic, in size."""

MAX_CONSTRAINTS = 1 << 21
"""Budget: lowering stops with an error beyond this many constraints (2^21: rollup batch
circuits reach 2^20 constraints, which issue 15 proves; ~10 GB of compiler state at the limit)."""


class BudgetExceeded(Exception):
    """Raised when the constraint budget is exceeded (the driver turns it into a SourceError)."""


@dataclass
class RawConstraint:
    """A constraint A * B = C over signals, and the source line that caused it."""

    a: LC
    """Left factor."""
    b: LC
    """Right factor."""
    c: LC
    """Product."""
    line: int
    """Source line of the instruction being lowered (0 for none)."""


@dataclass
class Builder:
    """Mutable lowering context shared by every symbolic state."""

    max_constraints: int = MAX_CONSTRAINTS
    """Constraint budget."""
    n_signals: int = 1
    """Signals allocated so far (signal 0 is the constant 1)."""
    steps: list[Step] = field(default_factory=list)
    """The witness program so far."""
    constraints: list[RawConstraint] = field(default_factory=list)
    """Constraints so far."""
    line: int = 0
    """Line charged for new constraints."""
    products: dict[tuple[LC, LC], LC] = field(default_factory=dict)
    """Memo: (a, b) -> signal holding a·b."""
    zeros: dict[LC, LC] = field(default_factory=dict)
    """Memo: c -> LC of [c = 0]."""
    facts: dict[LC, tuple[LC, ...]] = field(default_factory=dict)
    """Range facts: lc -> boolean LCs b_i with lc = sum 2^i b_i in every satisfying assignment."""
    bounds: dict[LC, int] = field(default_factory=dict)
    """Bound facts: lc -> k with lc < 2^k in every satisfying assignment (from bits and selects)."""
    data: dict[int, int] = field(default_factory=dict)
    """Initial memory (`.data`): address -> value."""

    def signal(self, op: str, args: tuple[LC, ...], params: tuple[int, ...] = (), n: int = 1) -> list[int]:
        """Allocate n signals computed by one witness step."""
        outs = list(range(self.n_signals, self.n_signals + n))
        self.n_signals += n
        self.steps.append(Step(op, tuple(outs), args, params))
        return outs

    def constrain(self, a: LC, b: LC, c: LC) -> None:
        """Emit a * b = c."""
        if len(self.constraints) >= self.max_constraints:
            raise BudgetExceeded(f"more than {self.max_constraints} constraints")
        self.constraints.append(RawConstraint(a, b, c, self.line))

    def constrain_zero(self, x: LC) -> None:
        """Emit the linear constraint x = 0 (x * 1 = 0); a nonzero constant gives 1 * 1 = 0."""
        if lin.is_const(x):
            if lin.const_val(x):
                self.constrain(lin.ONE, lin.ONE, lin.ZERO)
            return
        self.constrain(x, lin.ONE, lin.ZERO)

    def mul(self, a: LC, b: LC) -> LC:
        """a·b: free when one side is constant, else one signal and one constraint (memoised)."""
        if lin.is_const(a):
            return lin.scale(b, lin.const_val(a))
        if lin.is_const(b):
            return lin.scale(a, lin.const_val(b))
        key = (a, b) if a <= b else (b, a)
        got = self.products.get(key)
        if got is None:
            (s,) = self.signal("mul", key)
            got = lin.sig(s)
            self.constrain(key[0], key[1], got)
            self.products[key] = got
        return got

    def select(self, s: LC, x: LC, y: LC) -> LC:
        """s ? x : y for boolean s, as y + s·(x - y): one constraint unless it folds.

        The result is x or y, so it inherits the weaker of their bounds.
        """
        if x == y:
            return x
        out = lin.add(y, self.mul(s, lin.sub(x, y)))
        kx, ky = self.bound(x), self.bound(y)
        if kx is not None and ky is not None and not lin.is_const(out):
            self.bounds.setdefault(out, max(kx, ky))
        return self.compact(out)

    def compact(self, x: LC) -> LC:
        """x, or a new signal equal to x (one linear constraint) when x has many terms.

        A recorded bit decomposition (a u64 result) is left alone: it has a fixed size.
        """
        if len(x) <= COMPACT_TERMS or x in self.facts:
            return x
        (s,) = self.signal("lc", (x,))
        out = lin.sig(s)
        self.constrain(x, lin.ONE, out)
        if x in self.bounds:
            self.bounds[out] = self.bounds[x]
        if x in self.facts:
            self.facts[out] = self.facts[x]
        return out

    def bound(self, x: LC) -> int | None:
        """The least known k with x < 2^k, or None."""
        if lin.is_const(x):
            return lin.const_val(x).bit_length()
        return self.bounds.get(x)

    def is_zero(self, c: LC) -> LC:
        """[c = 0] (IsZero: hint inv = 1/c or 0, t = c·inv, c·(1 - t) = 0): two constraints."""
        if lin.is_const(c):
            return lin.ONE if lin.const_val(c) == 0 else lin.ZERO
        got = self.zeros.get(c)
        if got is None:
            (inv,) = self.signal("inv0", (c,))
            (t,) = self.signal("mul", (c, lin.sig(inv)))
            self.constrain(c, lin.sig(inv), lin.sig(t))
            got = lin.sub(lin.ONE, lin.sig(t))
            self.constrain(c, got, lin.ZERO)
            self.zeros[c] = got
        return got

    def bits(self, x: LC, n: int) -> tuple[LC, ...]:
        """n boolean LCs with x = sum 2^i b_i; unsatisfiable unless x < 2^n (n ≤ 252, no aliasing).

        Reuses a recorded decomposition of x with at most n bits (docs/compiler.md, "u64 and bits": bound facts).
        """
        if not 1 <= n <= 252:
            raise ApiMisuse(f"bits: width {n} is not in 1 .. 252 (the checker bounds `range` widths)")
        known = self.facts.get(x)
        if known is not None and len(known) <= n:
            return known + (lin.ZERO,) * (n - len(known))
        if lin.is_const(x):
            v = lin.const_val(x)
            return tuple(lin.const((v >> i) & 1) for i in range(n))
        outs = self.signal("bits", (x,), (n,), n)
        for s in outs:
            self.constrain(lin.sig(s), lin.add_const(lin.sig(s), R - 1), lin.ZERO)
        bits = tuple(lin.sig(s) for s in outs)
        self.constrain(lin.from_bits(bits), lin.ONE, x)
        self.facts[x] = bits
        self.bounds[x] = min(n, self.bounds.get(x, n))
        return bits

    def known_bits(self, x: LC, n: int) -> tuple[LC, ...] | None:
        """A recorded (or constant) decomposition of x into at most n bits, else None."""
        if lin.is_const(x):
            v = lin.const_val(x)
            return None if v >> n else tuple(lin.const((v >> i) & 1) for i in range(n))
        known = self.facts.get(x)
        if known is not None and len(known) <= n:
            return known + (lin.ZERO,) * (n - len(known))
        return None

    def record(self, bits: tuple[LC, ...]) -> LC:
        """The LC sum 2^i bits[i], remembered as a range fact."""
        x = lin.from_bits(bits)
        if not lin.is_const(x):
            self.facts.setdefault(x, bits)
            self.bounds[x] = min(len(bits), self.bounds.get(x, len(bits)))
        return x
