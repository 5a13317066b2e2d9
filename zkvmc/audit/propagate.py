"""Propagation of uniqueness through an R1CS (Ecne-style), relative to one input assignment.

A Propagation holds a set of wires whose values are settled and derives more:

- unit rule: a constraint whose wires are all settled but one, u, is a polynomial of degree
  <= 2 in u with known coefficients. One root settles u; two roots give u a candidate set
  (intersected with the sets other constraints give: a singleton settles u); no root is a
  conflict; the zero polynomial says nothing.
- group rule: a constraint whose unsettled wires all have two-value candidate sets and enter
  it through one linear form ℓ (A, B and C's unsettled parts all multiples of ℓ) pins ℓ to
  the roots of a quadratic; writing each wire as p + d·t with t ∈ {0,1} gives one linear
  equation over bits, solved exactly by fieldmath.binary_solutions when its coefficients
  scale to a superincreasing sequence (bit decompositions, booleanity of an eliminated bit).
  One solution settles every wire; none is a conflict; several are recorded as `multi`
  (the caller probes them).

When both rules are stuck, the elimination stage (zkvmc.audit.linearize) combines the
constraints linear in the unsettled wires, and those that become linear, into a linear
system and settles what it determines.

In *witness mode* (the base analysis) the settled wires are the inputs and what they force:
every settled value is then the only value any satisfying assignment with the same inputs can
give that wire, and settled values equal the witness's. In *hypothesis mode* (a probe) some
wires are set to other values on top of a witness-mode parent; a conflict then proves the
hypothesis impossible.
"""

from __future__ import annotations

from collections import deque

from zkvmc.audit.fieldmath import ALL, bit_patterns, roots
from zkvmc.audit.linear import Conflict
from zkvmc.audit.linearize import Linearizer, common_form
from zkvmc.field import R
from zkvmc.r1cs.system import LC, R1CS


class Prepared:
    """An R1CS with the indexes every propagation shares."""

    def __init__(self, r1cs: R1CS) -> None:
        self.r1cs = r1cs
        self.cons = r1cs.constraints
        self.wires: list[tuple[int, ...]] = [
            tuple(sorted({w for lc in (c.a, c.b, c.c) for w, _ in lc})) for c in self.cons]
        self.a_wires: list[frozenset[int]] = [frozenset(w for w, _ in c.a) for c in self.cons]
        self.b_wires: list[frozenset[int]] = [frozenset(w for w, _ in c.b) for c in self.cons]
        self.occ: list[list[int]] = [[] for _ in range(r1cs.n_wires)]
        for k, ws in enumerate(self.wires):
            for w in ws:
                self.occ[w].append(k)


def _parts(lc: LC, settled: "Propagation") -> tuple[dict[int, int], int]:
    """(unsettled wire -> coefficient, value of the settled part) of a linear combination."""
    unk: dict[int, int] = {}
    s = 0
    known, cur = settled.known, settled.cur
    for w, c in lc:
        if known[w]:
            s += c * cur[w]
        else:
            unk[w] = c
    return unk, s % R


class Propagation:
    """Settled wires and candidate sets, extended by the unit and group rules until stuck."""

    def __init__(self, prep: Prepared, values: list[int], *, given: bytearray | None = None,
                 parent: "Propagation | None" = None) -> None:
        """Witness mode: `given` marks the settled inputs and `values` is the witness.
        Hypothesis mode: `parent` is a witness-mode propagation; call assign() for the
        hypothesis, then run()."""
        self.prep, self.values, self.parent = prep, values, parent
        self.witness_mode = parent is None
        self.ov: dict[int, int] = {}
        """Wires this propagation settled, with their values."""
        self.known = bytearray(given) if parent is None else bytearray(parent.known)  # type: ignore[arg-type]
        """known[w]: wire w is settled (here or in the parent)."""
        self.cur = values if parent is None else list(values)
        """Current values: the witness's, and in hypothesis mode the hypothesis' where set."""
        self.cand_ov: dict[int, frozenset[int]] = {}
        self.counts: dict[int, list[int]] = {}
        """k -> [unsettled wires, unsettled in A, unsettled in B, unsettled without candidates]."""
        self.queue: deque[int] = deque()
        self.groups: dict[int, None] = {}
        self.multi: list[list[dict[int, int]]] = []
        """Witness mode: for each bit equation with several solutions, the solutions other than
        the witness's (each as the wires it changes), for the probes."""
        self.seen_multi: set[tuple[tuple[tuple[int, int], ...], ...]] = set()
        self.lin = Linearizer(self)
        """The elimination stage, used when the unit and group rules are stuck."""
        self.brought_all = False
        """Whether every stuck constraint was handed to the elimination stage (done once)."""
        if self.witness_mode:
            for k in range(len(prep.cons)):
                st = self._init_counts(k)
                self._schedule(k, st, st[1] == 0 or st[2] == 0)

    # ---- the view ------------------------------------------------------------------------

    def is_known(self, w: int) -> bool:
        """Whether wire w is settled."""
        return bool(self.known[w])

    def val(self, w: int) -> int:
        """The value of a settled wire (the witness's for wires settled in the parent)."""
        return self.cur[w]

    def cand(self, w: int) -> frozenset[int] | None:
        """The candidate set of an unsettled wire, if one is known."""
        got = self.cand_ov.get(w)
        if got is None and self.parent is not None:
            return self.parent.cand(w)
        return got

    # ---- scheduling ----------------------------------------------------------------------

    def _init_counts(self, k: int) -> list[int]:
        prep, known = self.prep, self.known
        unsettled = [w for w in prep.wires[k] if not known[w]]
        st = [len(unsettled), 0, 0, 0]
        if unsettled:
            a, b = prep.a_wires[k], prep.b_wires[k]
            st[1] = sum(1 for w in unsettled if w in a)
            st[2] = sum(1 for w in unsettled if w in b)
            st[3] = sum(1 for w in unsettled if self.cand(w) is None)
        self.counts[k] = st
        return st

    def _schedule(self, k: int, st: list[int], side_done: bool) -> None:
        if st[0] <= 1 or side_done:
            self.queue.append(k)
        if st[3] == 0 and st[0] >= 2:
            self.groups[k] = None

    def assign(self, w: int, x: int) -> None:
        """Settle wire w at value x and schedule the constraints it is in."""
        if self.is_known(w):
            if self.val(w) != x:
                raise Conflict(f"wire {w} settled twice")
            return
        if self.witness_mode and x != self.values[w]:
            raise AssertionError(f"wire {w} settled at a value other than the witness's")
        had_cand = self.cand(w) is not None
        self.ov[w] = x
        self.known[w] = 1
        if not self.witness_mode:
            self.cur[w] = x
        self.lin.note_settled(w)
        prep = self.prep
        for k in prep.occ[w]:
            st = self.counts.get(k)
            if st is None:
                st = self._init_counts(k)
                self._schedule(k, st, st[1] == 0 or st[2] == 0)
                continue
            in_a, in_b = w in prep.a_wires[k], w in prep.b_wires[k]
            st[0] -= 1
            st[1] -= in_a
            st[2] -= in_b
            st[3] -= not had_cand
            self._schedule(k, st, (in_a and st[1] == 0) or (in_b and st[2] == 0))

    def narrow(self, u: int, rs: frozenset[int]) -> None:
        """Intersect u's candidate set with the roots rs."""
        old = self.cand(u)
        new = rs if old is None else old & rs
        if not new:
            raise Conflict(f"no value of wire {u} fits")
        if len(new) == 1:
            self.assign(u, next(iter(new)))
        elif new != old:
            self.cand_ov[u] = new
            self.lin.note_cand(u)
            for k in self.prep.occ[u]:
                st = self.counts.get(k)
                if st is None:
                    st = self._init_counts(k)
                elif old is None:
                    st[3] -= 1
                self._schedule(k, st, False)

    # ---- the rules -----------------------------------------------------------------------

    def _examine(self, k: int) -> None:
        """Apply the unit or group rule to constraint k (see the module docstring)."""
        con = self.prep.cons[k]
        (au, a0), (bu, b0), (cu, c0) = (_parts(lc, self) for lc in (con.a, con.b, con.c))
        if not au or not bu:  # a settled side: linear in the unsettled wires
            known, other = (a0, bu) if not au else (b0, au)
            form = {w: e for w in other.keys() | cu.keys()
                    if (e := (known * other.get(w, 0) - cu.get(w, 0)) % R)}
            rhs = (c0 - a0 * b0) % R
            if not form:
                if rhs:
                    raise Conflict(f"constraint {k} fails")
            elif len(form) == 1:
                (w, e), = form.items()
                self.narrow(w, frozenset({rhs * pow(e, -1, R) % R}))
            else:
                self.lin.bring(k)
                self._solve_bits(form, [rhs])
            return
        unsettled = au.keys() | bu.keys() | cu.keys()
        if len(unsettled) == 1:
            self._unit(k, next(iter(unsettled)), (au, a0), (bu, b0), (cu, c0))
            return
        self.lin.bring(k)
        common = common_form([au, bu, cu])
        if common is None:
            return
        ell, (al, be, ga) = common
        known_root = sum(c * self.values[w] for w, c in ell.items()) if self.witness_mode else None
        rs = roots(al * be, al * b0 + be * a0 - ga, a0 * b0 - c0, known_root)
        if rs is ALL:
            return
        if not rs:
            raise Conflict(f"constraint {k} has no root")
        self._solve_bits(ell, sorted(rs))

    def _unit(self, k: int, u: int, *parts: tuple[dict[int, int], int]) -> None:
        """Constraint k with u its only unsettled wire: a polynomial of degree <= 2 in u."""
        (au, a0), (bu, b0), (cu, c0) = ((p.get(u, 0), s) for p, s in parts)
        rs = roots(au * bu, au * b0 + bu * a0 - cu, a0 * b0 - c0,
                   self.values[u] if self.witness_mode else None)
        if rs is not ALL:
            self.narrow(u, rs)

    def _solve_bits(self, ell: dict[int, int], rs: list[int]) -> None:
        """Settle ℓ's wires from ℓ ∈ rs and their two-value candidate sets, if exact."""
        cands = {w: self.cand(w) for w in ell}
        if any(c is None or len(c) != 2 for c in cands.values()):
            return
        pats = bit_patterns(ell, rs, {w: tuple(sorted(c)) for w, c in cands.items()})  # type: ignore[arg-type]
        if pats is not None:
            for w, x in self.settle_patterns(sorted(ell), pats).items():
                self.assign(w, x)

    def settle_patterns(self, wires: list[int], pats: list[tuple[int, ...]]) -> dict[int, int]:
        """The wires (< n_wires) equal in every pattern, with their values; in witness mode
        the other patterns are recorded in `multi` for probing. Conflict if there is none."""
        if not pats:
            raise Conflict("no bit pattern fits")
        n = self.prep.r1cs.n_wires
        same = {w: pats[0][i] for i, w in enumerate(wires) if w < n and len({p[i] for p in pats}) == 1}
        if len(pats) > 1 and self.witness_mode:
            alts = {tuple((w, x) for w, x in zip(wires, p) if w < n and x != self.values[w]) for p in pats}
            group = tuple(sorted(alts - {()}))
            if group and group not in self.seen_multi:
                self.seen_multi.add(group)
                self.multi.append([dict(h) for h in group])
        return same

    def run(self) -> None:
        """Apply the rules until nothing changes (raises Conflict)."""
        while True:
            while self.queue or self.groups:
                while self.queue:
                    k = self.queue.popleft()
                    if not (self.witness_mode and self.counts[k][0] == 0):  # the witness holds
                        self._examine(k)
                if self.groups:
                    k = next(iter(self.groups))
                    del self.groups[k]
                    self._examine(k)
            if not self.brought_all:  # constraints never examined because never close to solved
                self.brought_all = self.witness_mode
                for k, st in self.counts.items():
                    if st[0] >= 2:
                        self.lin.bring(k)
            fixed = self.lin.stall()
            for w, x in fixed.items():
                self.assign(w, x)
            if not (self.queue or self.groups):
                return
