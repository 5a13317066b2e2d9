"""The R1CS optimiser: an R1CS and a level (0, 1, 2) -> a smaller equivalent R1CS (OptResult).

The idea is circom's constraint simplification (circom docs, "--O0/--O1/--O2"; design notes
docs/compiler.md, "Optimiser"): a *linear* constraint (A or B a constant) says
k·<B, w> - <C, w> = 0, so it determines any one of its private wires x as an LC of the other
wires; x is substituted everywhere and the constraint dropped. Level 1 only does this for the
simple forms x = c and x = k·y + c; level 2 for every linear constraint, to a fixed point. Both
levels then drop constraints that became 0 = 0 and duplicates (up to A/B swap and scalars).

Equivalence (what the compiler's Proving semantics needs): a satisfying assignment of the old
system, restricted to the kept wires, satisfies the new one; a satisfying assignment of the new
one extends to one of the old one with the same public values, by evaluating the eliminated
wires' definitions in reverse elimination order (extend_assignment). Wire 0 and the public wires
1..n_public are never eliminated, and keep their indices.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from zkvmc.errors import InvalidValue
from zkvmc.field import R
from zkvmc.r1cs.optimise_types import OptResult
from zkvmc.r1cs.system import LC, R1CS, Constraint, make_lc

Terms = dict[int, int]
"""A mutable linear combination {wire: coefficient}, coefficients in [1, r)."""

LEVELS = (0, 1, 2)
"""The optimisation levels optimise accepts."""

FILL_LIMIT = 64
"""Level 2 keeps a linear constraint whose substitution would add more than this many terms
(nonzeros) to the system: chains like s_i = s_(i-1) + x_i would otherwise grow quadratically."""


@dataclass(frozen=True)
class Elimination:
    """One substituted wire: old wire `wire` equals <value, w> on every satisfying assignment."""

    wire: int
    """Old index of the eliminated private wire."""
    value: LC
    """Its definition over old wires that were not eliminated before it (may include wire 0)."""
    constraint: int
    """Index of the old constraint that defined it (and was dropped)."""


class _Work:
    """The mutable working copy of the constraints, with a per-wire occurrence index."""

    def __init__(self, r1cs: R1CS, keep: frozenset[int] = frozenset()) -> None:
        self.n_public = r1cs.n_public
        self.keep = keep
        self.sides: list[list[Terms]] = [
            [dict(con.a), dict(con.b), dict(con.c)] for con in r1cs.constraints]
        self.alive = [True] * len(self.sides)
        # occ[w] = constraints that mention w (wire 0 is everywhere and is not indexed).
        self.occ: list[set[int]] = [set() for _ in range(r1cs.n_wires)]
        for k in range(len(self.sides)):
            for w in self.wires(k):
                if not 0 < w < r1cs.n_wires:
                    raise InvalidValue(f"constraint {k} uses wire {w}, outside [0, {r1cs.n_wires})")
                self.occ[w].add(k)

    def wires(self, k: int) -> set[int]:
        """The non-constant wires constraint k mentions."""
        return {w for side in self.sides[k] for w in side if w}

    def kill(self, k: int) -> None:
        """Drop constraint k."""
        for w in self.wires(k):
            self.occ[w].discard(k)
        self.alive[k] = False

    def substitute(self, k: int, x: int, sub: Terms) -> None:
        """Replace wire x by the LC sub in constraint k, keeping occ exact."""
        before = self.wires(k)
        for side in self.sides[k]:
            cx = side.pop(x, 0)
            if cx:
                _add_scaled(side, sub, cx)
        after = self.wires(k)
        for w in before - after:
            self.occ[w].discard(k)
        for w in after - before:
            self.occ[w].add(k)


def _add_scaled(acc: Terms, terms: Terms, k: int) -> None:
    """acc += k * terms, dropping terms that cancel."""
    for w, c in terms.items():
        v = (acc.get(w, 0) + k * c) % R
        if v:
            acc[w] = v
        else:
            acc.pop(w, None)


def _constant(side: Terms) -> int | None:
    """The value of an LC that mentions only wire 0 (0 when empty), or None."""
    if not side:
        return 0
    if len(side) == 1 and 0 in side:
        return side[0]
    return None


def linear_form(a: Terms, b: Terms, c: Terms) -> Terms | None:
    """L with (A·B = C  <=>  <L, w> = 0) when A or B is a constant, else None (quadratic)."""
    for const_side, other in ((a, b), (b, a)):
        k = _constant(const_side)
        if k is not None:
            lin: Terms = {}
            _add_scaled(lin, other, k)
            _add_scaled(lin, c, R - 1)
            return lin
    return None


def _choose(work: _Work, lin: Terms, level: int, fill_limit: int | None) -> int | None:
    """The private wire of a linear constraint to eliminate, or None to keep the constraint.

    Fewest occurrences first, to limit fill-in; ties go to the highest index (the latest
    intermediate value), so the choice depends only on the constraints, never on hashing.
    """
    candidates = [w for w in lin if w > work.n_public and w not in work.keep]
    if not candidates or (level == 1 and sum(1 for w in lin if w) > 2):
        return None
    x = min(candidates, key=lambda w: (len(work.occ[w]), -w))
    # Each other occurrence of x trades one term for len(lin) - 1; the dropped row saves len(lin).
    growth = (len(work.occ[x]) - 1) * (len(lin) - 2) - len(lin)
    if level == 2 and fill_limit is not None and growth > fill_limit:
        return None
    return x


def _definition(lin: Terms, x: int) -> Terms:
    """x's value from <lin, w> = 0: x = -(1/lin[x]) · (lin - lin[x]·x)."""
    scale = (R - pow(lin[x], -1, R)) % R
    return {w: c * scale % R for w, c in lin.items() if w != x}


def _eliminate(work: _Work, level: int, fill_limit: int | None) -> list[Elimination]:
    """Substitute linear constraints' wires to a fixed point; the eliminations, in order."""
    heap = [k for k in range(len(work.sides)) if linear_form(*work.sides[k]) is not None]
    heapq.heapify(heap)
    done: list[Elimination] = []
    while heap:
        k = heapq.heappop(heap)
        lin = linear_form(*work.sides[k]) if work.alive[k] else None
        if lin is None:
            continue
        x = _choose(work, lin, level, fill_limit)
        if x is None:
            continue
        sub = _definition(lin, x)
        work.kill(k)
        for j in sorted(work.occ[x]):
            work.substitute(j, x, sub)
            # A constraint can turn linear, or (level 1) shrink to the simple form: revisit it.
            if linear_form(*work.sides[j]) is not None:
                heapq.heappush(heap, j)
        done.append(Elimination(x, make_lc(sub), k))
    return done


def _normalised(terms: Terms) -> tuple[LC, int]:
    """(terms scaled so the lowest wire's coefficient is 1, the coefficient divided out)."""
    lc = make_lc(terms)
    if not lc or lc[0][1] == 1:
        return lc, 1
    lead = lc[0][1]
    s = pow(lead, -1, R)
    return tuple((w, c * s % R) for w, c in lc), lead


def constraint_key(a: Terms, b: Terms, c: Terms) -> tuple | None:
    """A key equal for constraints with the same solutions up to A/B swap and scaling.

    None for a constraint that holds for every assignment (0 = 0 once constants are evaluated).
    """
    lin = linear_form(a, b, c)
    if lin is not None:
        norm, _ = _normalised(lin)
        return ("lin", norm) if norm else None
    na, ka = _normalised(a)
    nb, kb = _normalised(b)
    nc = tuple((w, v * pow(ka * kb, -1, R) % R) for w, v in make_lc(c))
    return ("quad", min(na, nb), max(na, nb), nc)


def _survivors(work: _Work) -> list[int]:
    """Live constraints that are not 0 = 0 and not duplicates of an earlier one, ascending."""
    seen: set[tuple] = set()
    keep: list[int] = []
    for k, alive in enumerate(work.alive):
        if not alive:
            continue
        key = constraint_key(*work.sides[k])
        if key is None or key in seen:
            continue
        seen.add(key)
        keep.append(k)
    return keep


def _renumbered(work: _Work, r1cs: R1CS, keep: list[int]) -> OptResult:
    """The kept constraints over the renumbered wires, with wire_map and origin."""
    used = {w for k in keep for w in work.wires(k) if w > work.n_public}
    wire_map = tuple(range(work.n_public + 1)) + tuple(sorted(used))
    new_index = {old: new for new, old in enumerate(wire_map)}
    cons = tuple(Constraint(*(make_lc({new_index[w]: v for w, v in side.items()})
                              for side in work.sides[k])) for k in keep)
    new = R1CS(len(wire_map), r1cs.n_outputs, r1cs.n_pub_inputs, cons)
    return OptResult(new, wire_map, tuple(keep))


def optimise_traced(r1cs: R1CS, level: int, fill_limit: int | None = FILL_LIMIT,
                    keep: frozenset[int] = frozenset()) -> tuple[OptResult, tuple[Elimination, ...]]:
    """optimise, plus the eliminated wires' definitions (for extend_assignment).

    fill_limit None substitutes every linear constraint (pure circom --O2, fill-in unbounded).
    keep: private wires never eliminated (the compiler passes its private inputs, as circom
    keeps the main component's inputs, so a witness for a tape the VM rejects stays unsatisfied).
    """
    if level not in LEVELS:
        raise InvalidValue(f"optimisation level must be one of {LEVELS}, got {level}")
    if level == 0:
        ident = OptResult(r1cs, tuple(range(r1cs.n_wires)), tuple(range(len(r1cs.constraints))))
        return ident, ()
    work = _Work(r1cs, frozenset(keep))
    done = _eliminate(work, level, fill_limit)
    return _renumbered(work, r1cs, _survivors(work)), tuple(done)


def optimise(r1cs: R1CS, level: int, keep: frozenset[int] = frozenset()) -> OptResult:
    """The optimised system at this level (0: identity, 1: circom --O1, 2: circom --O2);
    wires in `keep` are never eliminated."""
    return optimise_traced(r1cs, level, keep=keep)[0]


def extend_assignment(res: OptResult, elims: tuple[Elimination, ...], n_old_wires: int,
                      w_new: list[int], free: list[int] | None = None) -> list[int]:
    """An old-system assignment from a new-system one: kept wires copied, eliminated wires
    computed from their definitions (latest first), dropped free wires from `free` (else 0)."""
    w = list(free) if free is not None else [0] * n_old_wires
    w[0] = 1
    for new, old in enumerate(res.wire_map):
        w[old] = w_new[new] % R
    for e in reversed(elims):
        w[e.wire] = sum(c * w[i] for i, c in e.value) % R
    return w


def project_assignment(res: OptResult, w_old: list[int]) -> list[int]:
    """The new-system assignment that keeps the surviving wires of an old one."""
    return [w_old[old] for old in res.wire_map]
