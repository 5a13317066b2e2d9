"""The determinism analysis: is every wire of an R1CS fixed by its inputs? (docs/validator.md)

Given a satisfying witness and the *given* wires (wire 0 and the inputs), each other wire gets
one of three verdicts, relative to the witness's input values:

- unique: proved. Propagation (zkvmc.audit.propagate) settles it from the inputs, or a probe
  of its other candidate values ends in a contradiction;
- free: disproved, with a concrete second satisfying assignment that has the same inputs and
  another value for the wire (found by a probe or by the randomised repair search of
  zkvmc.r1cs.check);
- unknown: neither a proof nor a second assignment was found.

The order is cheapest first: propagation; then probes (set a wire, or a whole bit group, to
another candidate and propagate: a conflict proves uniqueness, a full assignment is a second
witness); then one repair search per wire still undecided.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from zkvmc.audit.linear import Conflict
from zkvmc.audit.propagate import Prepared, Propagation
from zkvmc.errors import ApiMisuse
from zkvmc.field import R
from zkvmc.r1cs.check import RepairSearch
from zkvmc.r1cs.system import R1CS, is_satisfied
from zkvmc.gcpause import gc_paused


@dataclass(frozen=True)
class Alternative:
    """A second satisfying assignment with the same inputs, as the wires it changes."""

    root: int
    """The wire whose probe or search found it."""
    moved: dict[int, int]
    """wire -> its value in the second assignment (only wires that differ from the witness)."""
    how: str
    """"probe" (propagation from another candidate value) or "search" (perturb and repair)."""


@dataclass
class Determinism:
    """Verdicts on every wire of one R1CS for one witness."""

    given: list[int]
    """Wires taken as inputs (wire 0 included)."""
    unique: list[int] = field(default_factory=list)
    """Wires proved determined by the inputs."""
    free: dict[int, int] = field(default_factory=dict)
    """wire -> index in `alternatives` of a second assignment that changes it."""
    alternatives: list[Alternative] = field(default_factory=list)
    """The second assignments found."""
    unknown: list[int] = field(default_factory=list)
    """Wires neither proved nor disproved."""
    unsearched: list[int] = field(default_factory=list)
    """The unknown wires the search never tried (its budget was spent)."""
    stats: dict[str, float] = field(default_factory=dict)
    """Counts and seconds per stage."""

    def verdict(self, w: int) -> str:
        """"given", "unique", "free" or "unknown"."""
        if w in self.free:
            return "free"
        if w in self.given:
            return "given"
        return "unique" if w in self.unique else "unknown"


PROBE = "probe"


def _probe(prep: Prepared, base: Propagation, witness: list[int],
           hyp: dict[int, int]) -> dict[int, int] | Conflict | None:
    """Set the hypothesis on top of base and propagate: a Conflict (the hypothesis is
    impossible), the changed wires of a second satisfying assignment, or None (stuck)."""
    p = Propagation(prep, witness, parent=base)
    try:
        for w, x in hyp.items():
            p.assign(w, x)
        p.run()
    except Conflict as e:
        return e
    moved = {w: x for w, x in p.ov.items() if x != witness[w]}
    touched = {k for w in moved for k in prep.occ[w]}
    for k in touched:
        con = prep.cons[k]
        a, b, c = (sum(x * moved.get(w, witness[w]) for w, x in lc) % R for lc in (con.a, con.b, con.c))
        if a * b % R != c:
            return None
    return moved


class _Analysis:
    """The state of one analyse() call."""

    def __init__(self, r1cs: R1CS, witness: Sequence[int], given: Iterable[int]) -> None:
        self.prep = Prepared(r1cs)
        self.witness = list(witness)
        self.result = Determinism(sorted(set(given)))
        mark = bytearray(r1cs.n_wires)
        for w in self.result.given:
            mark[w] = 1
        self.base = Propagation(self.prep, self.witness, given=mark)
        self.stats = self.result.stats

    def settle(self, wires: Iterable[int]) -> None:
        """Wires proved unique by a probe: settle them at their witness values, propagate."""
        for w in wires:
            self.base.assign(w, self.witness[w])
        self.base.run()

    def record(self, root: int, moved: dict[int, int], how: str) -> None:
        """A second assignment: every wire it changes is free."""
        self.result.alternatives.append(Alternative(root, moved, how))
        for w in moved:
            self.result.free.setdefault(w, len(self.result.alternatives) - 1)

    def open_wires(self) -> list[int]:
        """Wires neither settled nor shown free yet."""
        return [w for w in range(self.prep.r1cs.n_wires)
                if not self.base.is_known(w) and w not in self.result.free]

    def probe(self, hyp: dict[int, int]) -> bool:
        """Probe one hypothesis: True when it is refuted (a second witness is recorded)."""
        self.stats["probes"] = self.stats.get("probes", 0) + 1
        got = _probe(self.prep, self.base, self.witness, hyp)
        if got and not isinstance(got, Conflict):
            self.record(min(hyp), got, PROBE)
        return isinstance(got, Conflict)

    def probe_group(self, alternatives: list[dict[int, int]]) -> bool:
        """Probe the other solutions of one bit equation; settle the wires on which every
        solution not refuted agrees with the witness. True when that settled something."""
        alive = [h for h in alternatives if not self.probe(h)]
        moving = {w for h in alive for w in h}
        fixed = [w for h in alternatives for w in h if w not in moving and not self.base.is_known(w)]
        if fixed:
            self.settle(dict.fromkeys(fixed))
        return bool(fixed)

    def probes(self) -> None:
        """Probe bit equations with several solutions and wires with two candidates, until no
        probe settles anything more (a probe is repeated only once more is settled)."""
        progress, last = True, {}
        while progress:
            progress = False
            multi, self.base.multi = self.base.multi, []
            for group in multi:
                progress |= self.probe_group(group)
            for u in self.open_wires():
                cand = self.base.cand(u)
                if cand is None or self.base.is_known(u) or last.get(u) == len(self.base.ov):
                    continue
                last[u] = len(self.base.ov)
                other = next(x for x in sorted(cand) if x != self.witness[u])
                if self.probe({u: other}):
                    self.settle([u])
                    progress = True

    def searches(self, trials: int, seed: int, max_searches: int) -> None:
        """One repair search per wire still open, within max_searches and MAX_REPAIR_WORK;
        what they cannot move, or never reach, is unknown."""
        todo = self.open_wires()
        if not todo:
            return
        settled = [w for w in range(self.prep.r1cs.n_wires) if self.base.is_known(w)]
        search = RepairSearch(self.prep.r1cs, self.witness, trials, seed, fixed=settled)
        done = 0
        for u in todo:
            if u in self.result.free:
                continue
            if done >= max_searches or search.spent >= MAX_REPAIR_WORK:
                self.result.unknown.append(u)
                self.result.unsearched.append(u)
                continue
            done += 1
            moved = search.alternative(u)
            if moved:
                self.record(u, moved, "search")
            else:
                self.result.unknown.append(u)
        self.stats["searches"] = done


MAX_SEARCHES = 100_000
"""Repair searches per analysis; wires beyond are left unknown."""
MAX_REPAIR_WORK = 2_000_000
"""Wires the searches may move in all (about a minute at worst); once spent, the wires not yet
searched are left unknown. Both bounds keep the time finite on circuits with very many
undecided wires, deterministically (no clock)."""


def analyse(r1cs: R1CS, witness: Sequence[int], given: Iterable[int], *, trials: int = 4,
            seed: int = 0, max_searches: int = MAX_SEARCHES) -> Determinism:
    """Verdicts on every wire of r1cs given the `given` wires' values in `witness`.

    The witness must satisfy r1cs (ValueError otherwise). Deterministic for a seed. Python's
    cyclic garbage collector is paused meanwhile: its passes over a large circuit's millions of
    small objects made the time grow faster than the circuit (the analysis makes few cycles).
    """
    with gc_paused():
        if not is_satisfied(r1cs, list(witness)):
            raise ApiMisuse("the determinism check needs an assignment that satisfies the system")
        return _analyse(r1cs, witness, given, trials, seed, max_searches)


def _analyse(r1cs: R1CS, witness: Sequence[int], given: Iterable[int], trials: int, seed: int,
             max_searches: int) -> Determinism:
    """analyse() with the collector paused."""
    t0 = time.perf_counter()
    a = _Analysis(r1cs, witness, given)
    a.base.run()
    t1 = time.perf_counter()
    a.stats["propagated"] = len(a.base.ov)
    a.probes()
    t2 = time.perf_counter()
    a.searches(trials, seed, max_searches)
    t3 = time.perf_counter()
    res = a.result
    given_set = set(res.given)
    res.unique = [w for w in range(r1cs.n_wires) if a.base.is_known(w) and w not in given_set]
    res.stats.update(seconds_propagation=t1 - t0, seconds_probes=t2 - t1, seconds_search=t3 - t2)
    return res
