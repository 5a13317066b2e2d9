"""The pure-Python backend: zkvmc.curve (Jacobian arithmetic over gmpy2 or ints, Pippenger,
fixed-base tables), zkvmc.field.ntt and the py_ecc pairing through zkvmc.curve.adapter.

Takes and gives what zkvmc.backend.Backend says. Large MSMs are split into one chunk per job,
each summed in a forked worker; the chunks' sums are added here.
"""

from __future__ import annotations

from typing import Any, Sequence

from zkvmc.backend.parallel import chunks, run_all
from zkvmc.curve.group import G1, G2, A, Group, J
from zkvmc.curve.msm import FixedBase, fixed_base_window
from zkvmc.curve.msm_affine import msm_batch
from zkvmc.curve.types import G1Affine, G2Affine
from zkvmc.errors import ApiMisuse
from zkvmc.field import ntt as _ntt

MIN_SPLIT = 2048
"""MSMs smaller than this stay in one process (forking costs more than it saves)."""


def _msm(group: Group[J, A], points: Sequence[A], scalars: Sequence[int], jobs: int) -> A:
    if len(points) != len(scalars):
        raise ApiMisuse(f"{len(points)} points but {len(scalars)} scalars")
    parts = chunks(len(points), jobs if len(points) >= MIN_SPLIT else 1)
    sums = run_all([lambda r=r: group.batch_to_affine([msm_batch(group, points[r.start:r.stop],
                                                                     scalars[r.start:r.stop])])[0]
                    for r in parts], jobs)
    total = group.inf
    for p in sums:
        if p is not None:
            total = group.add_mixed(total, group.normalize(p))
    return _plain(group.batch_to_affine([total])[0])


def _fixed(group: Group[J, A], base: A, scalars: Sequence[int], jobs: int) -> list[A]:
    """[s]base for each scalar: one window table per worker, one batch inversion per chunk."""
    parts = chunks(len(scalars), jobs if len(scalars) >= MIN_SPLIT else 1)

    def work(r: range) -> list[A]:
        table = FixedBase(group, base, fixed_base_window(len(r)))
        return [_plain(p) for p in table.mul_many(list(scalars[r.start:r.stop]))]

    return [p for part in run_all([lambda r=r: work(r) for r in parts], jobs) for p in part]


def _plain(p: A) -> A:
    """Coordinates as Python ints (gmpy2 mpz in, int out), so backends agree exactly."""
    if p is None:
        return None
    if isinstance(p[0], tuple):
        return ((int(p[0][0]), int(p[0][1])), (int(p[1][0]), int(p[1][1])))
    return (int(p[0]), int(p[1]))


class PythonBackend:
    """Pure Python (gmpy2 when installed)."""

    name = "python"

    def g1_msm(self, points: Sequence[G1Affine], scalars: Sequence[int], jobs: int = 1) -> G1Affine:
        return _msm(G1, points, scalars, jobs)

    def g2_msm(self, points: Sequence[G2Affine], scalars: Sequence[int], jobs: int = 1) -> G2Affine:
        return _msm(G2, points, scalars, jobs)

    def g1_fixed_base(self, base: G1Affine, scalars: Sequence[int], jobs: int = 1) -> list[G1Affine]:
        return _fixed(G1, base, scalars, jobs)

    def g2_fixed_base(self, base: G2Affine, scalars: Sequence[int], jobs: int = 1) -> list[G2Affine]:
        return _fixed(G2, base, scalars, jobs)

    def intt(self, evals: list[int]) -> list[int]:
        return _ntt.intt(evals)

    def coset_ntt(self, coeffs: list[int]) -> list[int]:
        return _ntt.coset_ntt(coeffs)

    def coset_intt(self, evals: list[int]) -> list[int]:
        return _ntt.coset_intt(evals)

    def pairing_product_is_one(self, pairs: list[tuple[G1Affine, G2Affine]]) -> bool:
        from zkvmc.curve.adapter import pairing_product_is_one

        return pairing_product_is_one(pairs)

    # GT (zkvmc.aggregate): 12-int tower-order tuples, see zkvmc.curve.adapter.

    def gt_pairing(self, pairs: list[tuple[Any, Any]]) -> tuple[int, ...]:
        from zkvmc.curve.adapter import gt_pairing_product

        return gt_pairing_product(pairs)

    def gt_mul(self, a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
        from zkvmc.curve.adapter import gt_mul

        return gt_mul(a, b)

    def gt_pow(self, a: tuple[int, ...], k: int) -> tuple[int, ...]:
        from zkvmc.curve.adapter import gt_pow

        return gt_pow(a, k)

    def gt_is_member(self, a: tuple[int, ...]) -> bool:
        from zkvmc.curve.adapter import gt_is_member

        return gt_is_member(a)

    def g2_in_subgroup(self, points: Sequence[Any]) -> bool:
        from zkvmc.curve.g2 import in_subgroup

        return all(in_subgroup(p) for p in points)
