"""R1CS -> QAP over a radix-2 domain, and the prover's quotient polynomial h.

Takes an R1CS (and a witness) and gives the QAP's pieces: the rows (constraints plus, for each
public wire i including wire 0, the row A = w_i, B = 0, C = 0 that bellman and snarkjs add so the
public inputs' polynomials are linearly independent, without which Groth16 is not sound for
public inputs), the domain size, the Lagrange basis at tau in O(n), every wire's u, v, w at tau,
and h(X) = (A(X) B(X) - C(X)) / Z(X) via iNTT, coset NTT, pointwise ops, coset iNTT.
Groth 2016 (eprint 2016/260) section 3; Gennaro-Gentry-Parno-Raykova 2013 for QAPs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zkvmc.field import R, batch_inv, inv
from zkvmc.field.ntt import GENERATOR, coset_intt, coset_ntt, intt, root_of_unity
from zkvmc.r1cs.system import R1CS, Constraint, eval_lc

if TYPE_CHECKING:
    from zkvmc.backend import Backend

Row = Constraint
"""A QAP row: the same A * B = C shape as a constraint."""


def qap_rows(r1cs: R1CS) -> list[Row]:
    """The constraints followed by one row A = w_i, B = 0, C = 0 per public wire i (0 included)."""
    extra = [Constraint(((i, 1),), (), ()) for i in range(r1cs.n_public + 1)]
    return list(r1cs.constraints) + extra


def domain_size(r1cs: R1CS) -> int:
    """The smallest power of two >= n_constraints + n_public + 1."""
    m = len(r1cs.constraints) + r1cs.n_public + 1
    return 1 << max(m - 1, 1).bit_length()


def lagrange_at(tau: int, n: int) -> list[int]:
    """L_j(tau) for the domain of size n: w^j (tau^n - 1) / (n (tau - w^j)), one batch inverse."""
    omega = root_of_unity(n)
    points = [1] * n
    for j in range(1, n):
        points[j] = points[j - 1] * omega % R
    zt = (pow(tau, n, R) - 1) % R
    if zt == 0:  # tau is on the domain: L_j(tau) is 1 at that point, 0 elsewhere
        return [1 if p == tau % R else 0 for p in points]
    dens = batch_inv([(tau - p) % R for p in points])
    k = zt * inv(n) % R
    return [p * d % R * k % R for p, d in zip(points, dens)]


def wire_polys_at(rows: list[Row], n_wires: int, lag: list[int]) -> tuple[list[int], list[int], list[int]]:
    """(u_i(tau), v_i(tau), w_i(tau)) for every wire: u_i = sum_j A[j][i] L_j."""
    u, v, w = [0] * n_wires, [0] * n_wires, [0] * n_wires
    for j, row in enumerate(rows):
        lj = lag[j]
        for acc, lc in ((u, row.a), (v, row.b), (w, row.c)):
            for i, c in lc:
                acc[i] = (acc[i] + c * lj) % R
    return u, v, w


def row_values(rows: list[Row], witness: list[int], n: int) -> tuple[list[int], list[int], list[int]]:
    """A(w^j), B(w^j), C(w^j): each row's LCs on the witness, zero-padded to n."""
    a, b, c = [0] * n, [0] * n, [0] * n
    for j, row in enumerate(rows):
        a[j], b[j], c[j] = eval_lc(row.a, witness), eval_lc(row.b, witness), eval_lc(row.c, witness)
    return a, b, c


def checked_row_values(r1cs: R1CS, witness: list[int], n: int
                       ) -> tuple[tuple[list[int], list[int], list[int]], int | None]:
    """(row_values of qap_rows(r1cs), the first constraint k with A_k B_k != C_k or None): the
    satisfaction check on the values the prover needs anyway, so each LC is evaluated once
    (zkvmc.r1cs.system.first_unsatisfied is the twin the tests compare against)."""
    a, b, c = row_values(qap_rows(r1cs), witness, n)
    bad = next((k for k in range(len(r1cs.constraints)) if a[k] * b[k] % R != c[k]), None)
    return (a, b, c), bad


def coset_evals(values: list[int], backend: Backend | None = None) -> list[int]:
    """A row polynomial's evaluations on the coset g<w>, from its evaluations on the domain."""
    if backend is None:
        return coset_ntt(intt(values))
    return backend.coset_ntt(backend.intt(values))


def quotient_from_cosets(a: list[int], b: list[int], c: list[int], n: int, backend: Backend | None = None) -> list[int]:
    """h_0 .. h_{n-2} from A, B, C on the coset: (A B - C) / Z pointwise, then a coset iNTT."""
    z_inv = inv((pow(GENERATOR, n, R) - 1) % R)  # Z(g w^i) = g^n - 1 for every i
    prod = [(x * y - z) * z_inv % R for x, y, z in zip(a, b, c)]
    h = coset_intt(prod) if backend is None else backend.coset_intt(prod)
    return h[: n - 1]


def quotient(rows: list[Row], witness: list[int], n: int, backend: Backend | None = None) -> list[int]:
    """Coefficients h_0 .. h_{n-2} of h = (A B - C) / Z, Z = X^n - 1, computed on the coset g<w>."""
    a, b, c = (coset_evals(e, backend) for e in row_values(rows, witness, n))
    return quotient_from_cosets(a, b, c, n, backend)
