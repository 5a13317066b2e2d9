"""Static and dynamic checks of a constraint system: an R1CS (and a witness) -> findings.

validate_constraints looks at the R1CS alone: malformed LCs (index out of range, coefficient
outside [1, r), unsorted terms), wires no constraint uses (an unused public wire is a free
output or an ignored input: the proof does not bind it), constraints that hold for every
assignment or for none, and duplicates (up to A/B swap and scalars, as the optimiser sees them).

unpinned_wires / free_wires / second_assignment are the randomised search for a second
satisfying assignment (the "under-constrained circuit" bug class of circom audits; cf. Pailoor
et al., "Automated Detection of Under-Constrained Circuits in Zero-Knowledge Proofs", PLDI
2023): starting from a satisfying assignment, change one wire and repair the violated
constraints by solving for wires that appear linearly in them, with the public inputs (or the
`fixed` wires) held. Success exhibits a second satisfying assignment, so a reported wire is
certainly not determined by the inputs; failure is no proof. zkvmc.audit.determinism uses it
as its last stage, after the proofs of uniqueness (docs/validator.md).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterable
from dataclasses import dataclass

from zkvmc.errors import ApiMisuse, InvalidValue
from zkvmc.field import R
from zkvmc.gcpause import gc_paused
from zkvmc.r1cs.optimise import constraint_key
from zkvmc.r1cs.system import LC, R1CS, Constraint, is_satisfied


@dataclass(frozen=True)
class Finding:
    """One problem found in a constraint system."""

    kind: str
    """Machine-readable class, one of KINDS."""
    message: str
    """A sentence for a person."""
    wire: int | None
    """The wire concerned, if any."""
    constraint: int | None
    """The constraint concerned, if any."""

    @property
    def severity(self) -> str:
        """"error" for a malformed system (unusable), "warning" for a well-formed but
        suspicious one (it still proves exactly what its constraints say)."""
        return "error" if self.kind in ERROR_KINDS else "warning"


ERROR_KINDS = ("layout", "malformed-lc", "wire-out-of-range", "bad-coefficient", "unsorted-lc")
"""Kinds that make the system malformed: no later stage may consume it."""

KINDS = ERROR_KINDS + ("unused-wire", "unused-public", "trivial", "always-false", "duplicate")
"""Every Finding.kind validate_constraints produces."""

MAX_REPAIRS = 5000
"""Most constraints one move of the determinism check repairs before giving up."""


def _well_typed(lc: object) -> bool:
    """Whether lc is a tuple of (int, int) pairs."""
    if type(lc) is not tuple:
        return False
    for t in lc:
        if type(t) is not tuple or len(t) != 2 or type(t[0]) is not int or type(t[1]) is not int:
            return False
    return True


def _term_findings(lc: object, n_wires: int, k: int, side: str) -> list[Finding]:
    """Findings about one LC of constraint k."""
    if not _well_typed(lc):
        return [Finding("malformed-lc", f"constraint {k}: {side} is not a tuple of (wire, coeff) "
                        "integer pairs", None, k)]
    out = []
    prev = -1
    unsorted = False
    for w, c in lc:  # type: ignore[union-attr]
        if not 0 <= w < n_wires:
            out.append(Finding("wire-out-of-range", f"constraint {k}: {side} uses wire {w}, "
                               f"outside [0, {n_wires})", w, k))
        if not 0 < c < R:
            out.append(Finding("bad-coefficient", f"constraint {k}: {side} coefficient {c} of "
                               f"wire {w} is not in [1, r)", w, k))
        unsorted |= w <= prev
        prev = w
    if unsorted:
        out.append(Finding("unsorted-lc", f"constraint {k}: {side} wires are not strictly "
                           "ascending (unsorted or repeated)", None, k))
    return out


def _layout_findings(r1cs: R1CS) -> list[Finding]:
    """The wire counts must leave room for wire 0 and the public wires."""
    if min(r1cs.n_outputs, r1cs.n_pub_inputs) < 0 or r1cs.n_wires < r1cs.n_public + 1:
        return [Finding("layout", f"n_wires = {r1cs.n_wires} cannot hold wire 0 and "
                        f"{r1cs.n_outputs} outputs + {r1cs.n_pub_inputs} public inputs",
                        None, None)]
    return []


def _unused_findings(r1cs: R1CS, used: set[int]) -> list[Finding]:
    """Wires no constraint mentions."""
    out = []
    for w in range(1, r1cs.n_wires):
        if w in used:
            continue
        if w <= r1cs.n_outputs:
            out.append(Finding("unused-public", f"output wire {w} is in no constraint: "
                               "a proof accepts any value for it", w, None))
        elif w <= r1cs.n_public:
            out.append(Finding("unused-public", f"public input wire {w} is in no constraint: "
                               "only the setup's extra input rows (snarkjs-style) bind it",
                               w, None))
        else:
            out.append(Finding("unused-wire", f"private wire {w} is in no constraint", w, None))
    return out


def _quadratic_signature(con: Constraint) -> tuple | None:
    """For a constraint with a non-constant wire in both A and B (never trivial or false),
    its wire sets up to A/B swap: two such constraints can only be duplicates if these are
    equal, which spares computing the normalised key of every constraint. None otherwise."""
    wa = tuple(w for w, _ in con.a)
    wb = tuple(w for w, _ in con.b)
    if wa in ((), (0,)) or wb in ((), (0,)):
        return None
    return (min(wa, wb), max(wa, wb), tuple(w for w, _ in con.c))


def _shape_findings(k: int, con: Constraint, seen: dict[tuple, int],
                    quads: dict[tuple, list[int]], cons: tuple[Constraint, ...]) -> list[Finding]:
    """Trivially true, never true or duplicate constraint k (seen: key -> first index;
    quads: quadratic signature -> constraints whose keys are not computed yet)."""
    sig = _quadratic_signature(con)
    if sig is not None:
        if sig not in quads:
            quads[sig] = [k]
            return []
        for j in quads[sig]:  # a possible duplicate: key the earlier one now
            seen.setdefault(constraint_key(dict(cons[j].a), dict(cons[j].b), dict(cons[j].c)), j)
        quads[sig] = []
    key = constraint_key(dict(con.a), dict(con.b), dict(con.c))
    if key is None:
        return [Finding("trivial", f"constraint {k} holds for every assignment", None, k)]
    if key[0] == "lin" and all(w == 0 for w, _ in key[1]):
        return [Finding("always-false", f"constraint {k} is a false constant equation: "
                        "nothing satisfies the system", None, k)]
    if key in seen:
        return [Finding("duplicate", f"constraint {k} repeats constraint {seen[key]}", None, k)]
    seen[key] = k
    return []


def validate_constraints(r1cs: R1CS) -> list[Finding]:
    """Every static problem of the system, in constraint then wire order (the cyclic collector
    paused: the constraint keys are many acyclic tuples, zkvmc/gcpause.py)."""
    with gc_paused():
        return _validate(r1cs)


def _validate(r1cs: R1CS) -> list[Finding]:
    out = _layout_findings(r1cs)
    used: set[int] = set()
    seen: dict[tuple, int] = {}
    quads: dict[tuple, list[int]] = {}
    for k, con in enumerate(r1cs.constraints):
        lc_out = [f for side, lc in zip("ABC", (con.a, con.b, con.c))
                  for f in _term_findings(lc, r1cs.n_wires, k, side)]
        out += lc_out
        if any(f.kind == "malformed-lc" for f in lc_out):
            continue
        used.update(w for lc in (con.a, con.b, con.c) for w, _ in lc if w)
        if not lc_out:
            out += _shape_findings(k, con, seen, quads, r1cs.constraints)
    return out + _unused_findings(r1cs, used)


# ---- the determinism check ---------------------------------------------------------------------

def _coeff(lc: LC, u: int) -> int:
    """u's coefficient in lc (0 if absent)."""
    for w, c in lc:
        if w == u:
            return c
    return 0


class _Trial:
    """One attempt to move wire v: the changed values over a base assignment."""

    def __init__(self, r1cs: R1CS, base: list[int], occ: list[list[int]], fixed: set[int]) -> None:
        self.r1cs, self.base, self.occ, self.fixed = r1cs, base, occ, fixed
        self.cur: dict[int, int] = {}

    def val(self, w: int) -> int:
        """The current value of wire w."""
        return self.cur.get(w, self.base[w])

    def ev(self, lc: LC) -> int:
        """<lc, current assignment>."""
        return sum(c * self.val(w) for w, c in lc) % R

    def holds(self, k: int) -> bool:
        """Whether constraint k holds under the current values."""
        con = self.r1cs.constraints[k]
        return self.ev(con.a) * self.ev(con.b) % R == self.ev(con.c)

    def sums(self, k: int) -> tuple[int, int, int]:
        """(<A>, <B>, <C>) of constraint k under the current values."""
        con = self.r1cs.constraints[k]
        return self.ev(con.a), self.ev(con.b), self.ev(con.c)

    def parts(self, k: int, u: int, sums: tuple[int, int, int] | None = None
              ) -> tuple[int, int, int, int, int, int]:
        """(a_u, b_u, c_u, A0, B0, C0): constraint k as (A0 + a_u·u)(B0 + b_u·u) = C0 + c_u·u."""
        con = self.r1cs.constraints[k]
        x = self.val(u)
        cf = [_coeff(lc, u) for lc in (con.a, con.b, con.c)]
        rest = [(s - c * x) % R for s, c in zip(sums or self.sums(k), cf)]
        return cf[0], cf[1], cf[2], rest[0], rest[1], rest[2]

    def solve_for(self, k: int, u: int, sums: tuple[int, int, int] | None = None) -> int | None:
        """The value of u that satisfies constraint k with the others unchanged, when k is
        linear in u with a non-zero coefficient; else None."""
        au, bu, cu, a0, b0, c0 = self.parts(k, u, sums)
        slope = (au * b0 + bu * a0 - cu) % R
        if (au and bu) or not slope:
            return None
        return (c0 - a0 * b0) * pow(slope, -1, R) % R

    def other_root(self, k: int, u: int) -> int | None:
        """When k is quadratic in u (like a booleanity check), its root besides u's value."""
        au, bu, cu, a0, b0, _ = self.parts(k, u)
        if not (au and bu):
            return None
        alt = (-(au * b0 + bu * a0 - cu) * pow(au * bu, -1, R) - self.val(u)) % R
        return alt if alt != self.val(u) else None

    def repair(self, k: int, rng: random.Random | None, bent: set[int]) -> int | None:
        """Change one movable wire of constraint k so that it holds; the wire, or None.

        Each wire moves at most once per trial (re-moving one is how repairs go round in
        circles); wires that only ever appear linearly come first (`bent` holds the others):
        moving those cannot break a booleanity-style check. Among equals, without rng the
        highest index first (the latest-computed wire: repairs flow forward, towards the
        outputs, the way the witness program computes), else a random one.
        """
        con = self.r1cs.constraints[k]
        wires = sorted({w for lc in (con.a, con.b, con.c) for w, _ in lc}
                       - self.fixed - self.cur.keys(), reverse=True)
        if rng is not None:
            rng.shuffle(wires)
        wires.sort(key=lambda w: w in bent)  # stable sort keeps the order among equals
        sums = self.sums(k)
        for u in wires:
            new = self.solve_for(k, u, sums)
            if new is not None:
                self.cur[u] = new
                return u
        return None


def _move(trial: _Trial, v: int, value: int, rng: random.Random | None, budget: int,
          bent: set[int]) -> bool:
    """Give v a new value and repair until every constraint holds (True) or we are stuck."""
    trial.cur[v] = value
    todo = list(trial.occ[v])
    heapq.heapify(todo)
    for _ in range(budget):
        while todo and trial.holds(todo[0]):
            heapq.heappop(todo)
        if not todo:
            return all(trial.holds(k) for u in trial.cur for k in trial.occ[u])
        u = trial.repair(heapq.heappop(todo), rng, bent)
        if u is None:
            return False
        for k in trial.occ[u]:
            heapq.heappush(todo, k)
    return False


def _bent(r1cs: R1CS) -> set[int]:
    """Wires that appear somewhere in a factor whose other factor is not a constant."""
    out: set[int] = set()
    for con in r1cs.constraints:
        const_a = all(w == 0 for w, _ in con.a)
        const_b = all(w == 0 for w, _ in con.b)
        if not (const_a or const_b):
            out.update(w for lc in (con.a, con.b) for w, _ in lc if w)
    return out


def _attempts(r1cs: R1CS, base: list[int], occ: list[list[int]], v: int,
              rng: random.Random, trials: int) -> list[tuple[int, random.Random | None]]:
    """(new value for v, rng for the repair order or None for forward order) pairs to try:
    the other roots of quadratic constraints on v, 0 and 1 (flags and bits are where
    under-constrained circuits usually hide), then random values."""
    probe = _Trial(r1cs, base, occ, set())
    special = ({probe.other_root(k, v) for k in occ[v]} | {0, 1}) - {None, base[v]}
    rand = [(base[v] + rng.randrange(1, R)) % R for _ in range(trials)]
    return ([(x, None) for x in sorted(special)] + [(x, None) for x in rand[:1]]
            + [(x, rng) for x in rand[1:]])


def _occurrences(r1cs: R1CS) -> list[list[int]]:
    """occ[w] = the constraints that mention wire w, ascending."""
    occ: list[list[int]] = [[] for _ in range(r1cs.n_wires)]
    for k, con in enumerate(r1cs.constraints):
        for w in sorted({w for lc in (con.a, con.b, con.c) for w, _ in lc}):
            occ[w].append(k)
    return occ


class _Search:
    """What every move of one unpinned_wires / second_assignment call shares (also used by
    zkvmc.audit.determinism, which adds the wires it proved unique to `fixed`)."""

    def __init__(self, r1cs: R1CS, w_valid: list[int] | tuple[int, ...], trials: int,
                 seed: int, hold: Iterable[int] = (), fixed: Iterable[int] | None = None) -> None:
        """fixed, when given, replaces the default held wires (0, the public inputs, hold)."""
        self.base = list(w_valid)
        if not is_satisfied(r1cs, self.base):
            raise ApiMisuse("the determinism check needs an assignment that satisfies the system")
        self.r1cs, self.trials, self.rng = r1cs, trials, random.Random(seed)
        self.fixed = ({0, *range(r1cs.n_outputs + 1, r1cs.n_public + 1), *hold} if fixed is None
                      else {0, *fixed})
        self.occ = _occurrences(r1cs)
        self.bent = _bent(r1cs)
        # A repair cascade longer than this is abandoned (the wire then counts as pinned).
        self.budget = min(4 * len(r1cs.constraints) + 16, MAX_REPAIRS)
        self.spent = 0
        """Wires moved over every attempt so far (the work done, for callers' budgets)."""

    def check_wires(self, wires: list[int] | range) -> None:
        """Reject wire indices outside the system."""
        if any(not 0 <= v < self.r1cs.n_wires for v in wires):
            raise InvalidValue(f"wires to check must be in [0, {self.r1cs.n_wires})")

    def alternative(self, v: int) -> dict[int, int] | None:
        """The changed wires of a second satisfying assignment in which v differs, or None."""
        if v in self.fixed:
            return None
        for value, rng in _attempts(self.r1cs, self.base, self.occ, v, self.rng, self.trials):
            trial = _Trial(self.r1cs, self.base, self.occ, self.fixed)
            ok = _move(trial, v, value, rng, self.budget, self.bent)
            self.spent += len(trial.cur)
            if ok:
                return {u: x for u, x in trial.cur.items() if x != self.base[u]}
        return None


def second_assignment(r1cs: R1CS, w_valid: list[int] | tuple[int, ...], v: int, *,
                      hold: tuple[int, ...] = (), trials: int = 4,
                      seed: int = 0) -> list[int] | None:
    """A satisfying assignment with the same public inputs (and `hold` wires) as w_valid and
    a different value of wire v, if the randomised search finds one (see unpinned_wires)."""
    search = _Search(r1cs, w_valid, trials, seed, tuple(hold))
    search.check_wires([v, *hold])
    moved = search.alternative(v)
    if moved is None:
        return None
    return [moved.get(i, x) for i, x in enumerate(search.base)]


def unpinned_wires(r1cs: R1CS, w_valid: list[int] | tuple[int, ...], order: list[int] | range,
                   *, hold: tuple[int, ...] = (), trials: int = 4, seed: int = 0) -> list[int]:
    """Wires of `order` (checked in that order, e.g. the witness program's) whose value can
    change while every constraint still holds and the public inputs stay the same.

    Outputs and private wires may move; wire 0, the public inputs and the `hold` wires (pass
    the wires of the private inputs: they are free by design) are held fixed. Each
    listed wire comes with a concrete second assignment (so no false alarms); a wire is
    considered pinned when moving it to 0, 1, the other root of each quadratic constraint on
    it and `trials` random values all fail to repair. Deterministic for a seed.
    """
    search = _Search(r1cs, w_valid, trials, seed, tuple(hold))
    search.check_wires([*order, *hold])
    loose: set[int] = set()
    for v in order:
        if v not in loose:
            # every wire the repair moved has a second value too
            loose.update(search.alternative(v) or {})
    return [v for v in order if v in loose]


def free_wires(r1cs: R1CS, w_valid: list[int] | tuple[int, ...], order: list[int] | range,
               *, hold: tuple[int, ...] = (), trials: int = 4,
               seed: int = 0) -> list[tuple[int, dict[int, int]]]:
    """Like unpinned_wires, but tries every wire of `order` and gives, for each free one, the
    wires its second assignment changed ({wire: new value}, the wire itself included)."""
    search = _Search(r1cs, w_valid, trials, seed, tuple(hold))
    search.check_wires([*order, *hold])
    out = []
    for v in order:
        moved = search.alternative(v)
        if moved:
            out.append((v, moved))
    return out


RepairSearch = _Search
"""The randomised perturbation-and-repair search, for callers outside this module."""
