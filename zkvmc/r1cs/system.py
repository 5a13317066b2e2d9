"""The R1CS data type and its satisfaction check."""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.field import R

LC = tuple[tuple[int, int], ...]
"""A sparse linear combination: (wire, coefficient) pairs, wires ascending, coefficients in [1, r)."""


def make_lc(terms: dict[int, int]) -> LC:
    """Canonical LC from a {wire: coefficient} map: reduced, zero terms dropped, sorted."""
    if len(terms) == 1:  # most LCs (the optimiser's and compiler's hot loops): no generator, no sort
        ((w, c),) = terms.items()
        c %= R
        return ((w, c),) if c else ()
    return make_lc_naive(terms)


def make_lc_naive(terms: dict[int, int]) -> LC:
    """make_lc for any number of terms (its one-term fast path's twin in tests/test_r1cs_lc.py)."""
    return tuple(sorted((w, c % R) for w, c in terms.items() if c % R))


@dataclass(frozen=True)
class Constraint:
    """One constraint A * B = C."""

    a: LC
    """Left factor."""
    b: LC
    """Right factor."""
    c: LC
    """Product."""


@dataclass(frozen=True)
class R1CS:
    """A constraint system and the layout of its wires."""

    n_wires: int
    """Number of wires, including wire 0 = 1."""
    n_outputs: int
    """Public outputs: wires 1..n_outputs."""
    n_pub_inputs: int
    """Public inputs: the next n_pub_inputs wires."""
    constraints: tuple[Constraint, ...]
    """The constraints, in emission order."""

    @property
    def n_public(self) -> int:
        """Number of public signals (outputs + public inputs), wire 0 excluded."""
        return self.n_outputs + self.n_pub_inputs


def eval_lc(lc: LC, w: list[int]) -> int:
    """<lc, w> mod r."""
    if len(lc) == 1:  # most LCs have one term: skip the generator (witness checks' hot loop)
        ((i, c),) = lc
        return c * w[i] % R
    return sum([c * w[i] for i, c in lc]) % R


def first_unsatisfied(r1cs: R1CS, w: list[int]) -> int | None:
    """Index of the first constraint the assignment w violates, or None."""
    for k, con in enumerate(r1cs.constraints):
        if eval_lc(con.a, w) * eval_lc(con.b, w) % R != eval_lc(con.c, w):
            return k
    return None


def is_satisfied(r1cs: R1CS, w: list[int]) -> bool:
    """Whether w (w[0] == 1, len == n_wires) satisfies every constraint."""
    return len(w) == r1cs.n_wires and w[0] == 1 and first_unsatisfied(r1cs, w) is None
