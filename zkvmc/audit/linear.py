"""A growing linear system over F_r in reduced row-echelon form (exact Gauss-Jordan).

The determinism analysis feeds it the constraints that are linear in the wires not yet settled,
and the ones that become linear once one factor is a known combination of its rows. Several
rows together can fix wires (or linear forms) that none fixes alone: after circom --O2
substitutes Poseidon's linear layers into the S-box constraints, each partial round's S-box
input is such a form.
"""

from __future__ import annotations

from zkvmc.field import R

Form = dict[int, int]
"""A linear form {wire: coefficient} (coefficients non-zero mod r)."""


class Conflict(Exception):
    """The settled values contradict the constraints: no satisfying assignment extends them."""


class Inconsistent(Conflict):
    """The rows imply 0 = c for a non-zero c."""


def _axpy(row: Form, f: int, other: Form) -> None:
    """row -= f·other (in place, dropping zeros)."""
    for v, c in other.items():
        x = (row.get(v, 0) - f * c) % R
        if x:
            row[v] = x
        else:
            row.pop(v, None)


class Space:
    """Rows sum(coefficient·wire) = rhs; every pivot wire appears only in its own row."""

    def __init__(self) -> None:
        self.pivots: dict[int, tuple[Form, int]] = {}
        """pivot wire -> (row with the pivot's coefficient 1, rhs)."""
        self.holders: dict[int, set[int]] = {}
        """wire -> the pivots whose rows mention it besides their pivot."""

    def knows(self, w: int) -> bool:
        """Whether wire w occurs in some row."""
        return w in self.pivots or bool(self.holders.get(w))

    def reduce(self, form: Form, const: int) -> tuple[Form, int]:
        """form + const rewritten over the free (non-pivot) wires: (free part, constant)."""
        out: Form = {}
        c0 = const % R
        for w, c in form.items():
            got = self.pivots.get(w)
            if got is None:
                out[w] = (out.get(w, 0) + c) % R
                continue
            row, rhs = got
            c0 = (c0 + c * rhs) % R
            for v, x in row.items():
                if v != w:
                    out[v] = (out.get(v, 0) - c * x) % R
        return {w: c for w, c in out.items() if c}, c0

    def add(self, form: Form, rhs: int) -> tuple[int | None, list[int], list[int]]:
        """Add the row form = rhs: (its pivot or None if redundant, wires now determined,
        pivots whose rows changed). Raises Inconsistent when it contradicts the rows."""
        row, c0 = self.reduce(form, 0)
        b = (rhs - c0) % R
        if not row:
            if b:
                raise Inconsistent("0 = non-zero")
            return None, [], []
        p = min(row, key=lambda w: (len(self.holders.get(w, ())), w))
        ip = pow(row[p], -1, R)
        row = {w: c * ip % R for w, c in row.items()}
        b = b * ip % R
        done = [p] if len(row) == 1 else []
        touched = [p]
        for q in list(self.holders.pop(p, ())):
            touched.append(q)
            qrow, qrhs = self.pivots[q]
            f = qrow[p]
            before = set(qrow)
            _axpy(qrow, f, row)
            self.pivots[q] = (qrow, (qrhs - f * b) % R)
            for w in before - set(qrow):
                self.holders.get(w, set()).discard(q)
            for w in set(qrow) - before:
                self.holders.setdefault(w, set()).add(q)
            if len(qrow) == 1:
                done.append(q)
        self.pivots[p] = (row, b)
        for w in row:
            if w != p:
                self.holders.setdefault(w, set()).add(p)
        return p, done, touched

    def value(self, w: int) -> int:
        """The value of a determined pivot."""
        return self.pivots[w][1]
