"""An R1CS kept as the proving key stores it: three sparse matrices of uint32 arrays.

Takes the arrays of proving_key.json's "matrices" object (zkvmc.artifacts.pk_matrices: per
matrix the terms of each row, the wire of each term, the index of each term's coefficient in
one table of distinct coefficients) and gives what the prover needs of an R1CS: its wire layout,
the number of constraints, and the rows' values on a witness (the evaluations A(w^j), B(w^j),
C(w^j) of Groth 2016, eprint 2016/260, 3.2, padded with the public-input rows of
zkvmc.groth16.qap.qap_rows) computed a whole matrix at a time in C-level map() passes instead of
one LC at a time. Issue 15: at 2^18 constraints the R1CS as tuples of Constraint objects was
~130 MB and ~1 s of the prover's start; the arrays are ~12 MB and read in milliseconds.
`constraints` still yields the same Constraint objects (built on demand), so anything that takes
an R1CS can take this; zkvmc.groth16.qap.checked_row_values on them is the naive twin of
`checked_row_values` here.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, repeat
from operator import mod, mul, sub
from typing import Any

from zkvmc.field import R
from zkvmc.r1cs.system import LC, R1CS, Constraint


@dataclass(frozen=True, eq=False)
class SparseRows:
    """One matrix (A, B or C), row by row."""

    counts: array
    """Number of terms of each row."""
    wires: array
    """The wire of each term, rows concatenated."""
    coeffs: array
    """Each term's index into the coefficient table, rows concatenated."""

    @cached_property
    def ends(self) -> list[int]:
        """Where each row's terms end in wires / coeffs."""
        return list(accumulate(self.counts))

    def lc(self, k: int, table: Sequence[int]) -> LC:
        """Row k as an LC."""
        end = self.ends[k]
        start = end - self.counts[k]
        return tuple(zip(self.wires[start:end], [table[i] for i in self.coeffs[start:end]]))

    def values(self, w: Sequence[int], table: Sequence[int]) -> list[int]:
        """<row_k, w> mod r for every row k (w reduced mod r)."""
        prods = list(map(mul, map(table.__getitem__, self.coeffs), map(w.__getitem__, self.wires)))
        if len(prods) == len(self.counts) and (not self.counts or min(self.counts) == 1):
            return list(map(mod, prods, repeat(R)))  # one term a row (most zkVM rows): no sums
        prefix = [0, *accumulate(prods)]
        starts = [0, *self.ends[:-1]]
        return list(map(mod, map(sub, map(prefix.__getitem__, self.ends), map(prefix.__getitem__, starts)),
                        repeat(R)))


class _Constraints(Sequence):  # type: ignore[type-arg]
    """CompactR1CS.constraints: a read-only sequence of Constraint objects built on access."""

    def __init__(self, owner: CompactR1CS) -> None:
        self._o = owner

    def __len__(self) -> int:
        return self._o.n_constraints

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if not -len(self) <= k < len(self):
            raise IndexError(k)
        k %= len(self)
        o = self._o
        return Constraint(o.a.lc(k, o.table), o.b.lc(k, o.table), o.c.lc(k, o.table))

    def __iter__(self) -> Iterator[Constraint]:
        return (self[k] for k in range(len(self)))


@dataclass(frozen=True, eq=False)
class CompactR1CS:
    """An R1CS as three sparse matrices (duck-typed as zkvmc.r1cs.system.R1CS for the prover)."""

    n_wires: int
    """Number of wires, including wire 0 = 1."""
    n_outputs: int
    """Public outputs: wires 1..n_outputs."""
    n_pub_inputs: int
    """Public inputs: the next n_pub_inputs wires."""
    n_constraints: int
    """Number of constraints (rows of each matrix)."""
    a: SparseRows
    """The left factors."""
    b: SparseRows
    """The right factors."""
    c: SparseRows
    """The products."""
    table: tuple[int, ...]
    """The distinct coefficients, each in [1, r), indexed by the matrices' coeffs."""

    @property
    def n_public(self) -> int:
        """Number of public signals (outputs + public inputs), wire 0 excluded."""
        return self.n_outputs + self.n_pub_inputs

    @property
    def constraints(self) -> Sequence[Constraint]:
        """The constraints, built on access (len() is free)."""
        return _Constraints(self)

    def to_r1cs(self) -> R1CS:
        """The same system as an R1CS of Constraint tuples."""
        return R1CS(self.n_wires, self.n_outputs, self.n_pub_inputs, tuple(self.constraints))


def checked_row_values(r1cs: CompactR1CS, w: list[int], n: int
                       ) -> tuple[tuple[list[int], list[int], list[int]], int | None]:
    """zkvmc.groth16.qap.checked_row_values (its naive twin) for a CompactR1CS: the rows' values
    (the public rows A = w_i appended, zero-padded to n) and the first unsatisfied constraint."""
    m, extra = r1cs.n_constraints, r1cs.n_public + 1
    pad = [0] * (n - m - extra)
    a, b, c = (getattr(r1cs, p).values(w, r1cs.table) for p in "abc")
    bad = None
    ab = list(map(mod, map(mul, a, b), repeat(R)))
    if ab != c:
        bad = next(k for k, (x, y) in enumerate(zip(ab, c)) if x != y)
    del ab
    a += w[:extra]
    a += pad
    b += repeat(0, extra)
    b += pad
    c += repeat(0, extra)
    c += pad
    return (a, b, c), bad
