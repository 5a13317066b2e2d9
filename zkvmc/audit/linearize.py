"""The elimination stage of a Propagation: what the constraints determine together.

When unit propagation is stuck, the constraints that are linear in the unsettled wires become
rows of a linear.Space. A constraint with unsettled wires in both factors is rewritten over the
space's free wires: if a factor then reduces to a constant (its linear form is fixed by the
rows), the constraint is linear and joins the rows; if its factors are multiples of one form
ℓ, it pins ℓ to the roots of a quadratic — one root is a row, two roots a row ℓ = r1 + (r2 -
r1)·t with a fresh *virtual* bit t. Rows whose variables all take one of two values (wires
with two candidates, virtual bits) are solved exactly with fieldmath.bit_patterns, as a bit
decomposition is. Each stuck constraint waits on the free wires of its rewritten form and is
looked at again only when one of them becomes a pivot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zkvmc.audit.fieldmath import ALL, bit_patterns, roots
from zkvmc.audit.linear import Conflict, Form, Space
from zkvmc.field import R
from zkvmc.r1cs.system import LC

if TYPE_CHECKING:
    from zkvmc.audit.propagate import Propagation


def common_form(parts: list[Form]) -> tuple[Form, list[int]] | None:
    """(ℓ, factors) with parts[i] = factors[i]·ℓ, when the non-empty parts are proportional."""
    ref = next(p for p in parts if p)
    w0 = next(iter(ref))
    inv0 = pow(ref[w0], -1, R)
    out = []
    for p in parts:
        f = p.get(w0, 0) * inv0 % R
        if p and (p.keys() != ref.keys() or any(p[w] != f * c % R for w, c in ref.items())):
            return None
        out.append(f)
    return ref, out


class Linearizer:
    """The Space of one Propagation and the constraints waiting on it."""

    def __init__(self, prop: "Propagation") -> None:
        self.prop = prop
        self.space = Space()
        self.new: dict[int, None] = {}
        """Constraints to bring in at the next stall."""
        self.settled: list[int] = []
        """Wires settled since the last stall that the space mentions."""
        self.watch: dict[int, set[int]] = {}
        """free wire -> constraints waiting for it to become a pivot."""
        self.done: set[int] = set()
        """Constraints already turned into rows."""
        self.seen: set[int] = set()
        """Constraints ever brought in (the watches keep them up to date)."""
        self.virtual_base = prop.prep.r1cs.n_wires
        self.virtual = self.virtual_base
        """The next virtual bit's index (virtual bits are numbered from n_wires up)."""
        self.rows: set[int] = set()
        """Pivots whose rows changed since they were last tried as bit equations."""

    def bring(self, k: int) -> None:
        """Constraint k is stuck with two or more unsettled wires: consider it at the next stall."""
        if k not in self.seen:
            self.seen.add(k)
            self.new[k] = None

    def note_settled(self, w: int) -> None:
        """Wire w was settled by the propagation."""
        if self.space.knows(w) or w in self.watch:
            self.settled.append(w)

    def note_cand(self, w: int) -> None:
        """Wire w got a two-value candidate set: the rows with it may now be bit equations."""
        if w in self.space.pivots:
            self.rows.add(w)
        self.rows.update(self.space.holders.get(w, ()))

    def _form(self, lc: LC) -> tuple[Form, int]:
        """lc over the unsettled wires, rewritten over the space's free wires."""
        prop, form, c0 = self.prop, {}, 0
        for w, c in lc:
            if prop.is_known(w):
                c0 += c * prop.val(w)
            else:
                form[w] = c
        return self.space.reduce(form, c0)

    def _add(self, form: Form, rhs: int, work: list[int], fixed: dict[int, int]) -> None:
        """Add one row; queue the constraints waiting on its pivot; collect determined wires."""
        p, done, touched = self.space.add(form, rhs)
        if p is not None:
            work.extend(self.watch.pop(p, ()))
        self.rows.update(touched)
        for q in done:
            fixed[q] = self.space.value(q)

    def _look(self, k: int, work: list[int], fixed: dict[int, int]) -> None:
        """Rewrite constraint k over the free wires: a row, a virtual bit, or a wait."""
        if k in self.done:
            return
        con = self.prop.prep.cons[k]
        (fa, a0), (fb, b0), (fc, c0) = (self._form(lc) for lc in (con.a, con.b, con.c))
        if not fa or not fb:
            known, other = (a0, fb) if not fa else (b0, fa)
            row = {w: e for w in other.keys() | fc.keys()
                   if (e := (known * other.get(w, 0) - fc.get(w, 0)) % R)}
            self.done.add(k)
            self._add(row, (c0 - a0 * b0) % R, work, fixed)
            return
        common = common_form([fa, fb, fc])
        if common is not None:
            ell, (al, be, ga) = common
            rs = roots(al * be, al * b0 + be * a0 - ga, a0 * b0 - c0)
            if rs is not ALL:
                self.done.add(k)
                if not rs:
                    raise Conflict(f"constraint {k} has no root")
                r1, *r2 = sorted(rs)
                (u, cu), = ell.items() if len(ell) == 1 else ((None, 0),)
                if r2 and u is not None and u < self.virtual_base:  # one wire: a candidate set
                    self.prop.narrow(u, frozenset(x * pow(cu, -1, R) % R for x in rs))
                if r2:  # ℓ = r1 + (r2 - r1)·t, t a virtual bit
                    ell = dict(ell)
                    ell[self.virtual] = (r1 - r2[0]) % R
                    self.virtual += 1
                self._add(ell, r1, work, fixed)
                return
        for w in fa.keys() | fb.keys() | fc.keys():
            self.watch.setdefault(w, set()).add(k)

    def _two_values(self, v: int) -> tuple[int, int] | None:
        """The two candidates of a variable (0 and 1 for a virtual bit), if it has two."""
        if v >= self.virtual_base:
            return (0, 1)
        c = self.prop.cand(v)
        return tuple(sorted(c)) if c is not None and len(c) == 2 else None  # type: ignore[return-value]

    def _bit_rows(self, work: list[int], fixed: dict[int, int]) -> None:
        """Solve the changed rows whose variables all take one of two values."""
        while self.rows:
            p = self.rows.pop()
            got = self.space.pivots.get(p)
            if got is None or len(got[0]) < 2:
                continue
            row, rhs = got
            cands = {v: self._two_values(v) for v in row}
            if any(c is None for c in cands.values()):
                continue
            pats = bit_patterns(row, [rhs], cands)  # type: ignore[arg-type]
            if pats is None:
                continue
            wires = sorted(row)
            real = self.prop.settle_patterns(wires, pats)
            fixed.update(real)
            for i, v in enumerate(wires):
                if v not in real and len({pat[i] for pat in pats}) == 1:
                    self._add({v: 1}, pats[0][i], work, fixed)

    def stall(self) -> dict[int, int]:
        """Bring in what changed since the last stall; the wires the rows now determine."""
        work: list[int] = []
        fixed: dict[int, int] = {}
        for w in self.settled:
            self._add({w: 1}, self.prop.val(w), work, fixed)
        self.settled = []
        work.extend(self.new)
        self.new = {}
        while work or self.rows:
            while work:
                self._look(work.pop(), work, fixed)
            self._bit_rows(work, fixed)
        return {w: x for w, x in fixed.items() if w < self.prop.prep.r1cs.n_wires
                and not self.prop.is_known(w)}
