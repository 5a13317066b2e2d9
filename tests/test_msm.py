"""Pippenger MSM and fixed-base tables against their naive twins, in G1 and G2."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from zkvmc.curve import adapter
from zkvmc.curve.adapter import CURVE_ORDER, G1_GEN, G2_GEN
from zkvmc.curve.group import G1, G2, Group
from zkvmc.curve.msm import FixedBase, msm, msm_affine, msm_naive, window_size

TABLE1 = FixedBase(G1, G1_GEN, 6)
TABLE2 = FixedBase(G2, G2_GEN, 4)
POOL1 = TABLE1.mul_many(list(range(1, 41)) + [CURVE_ORDER - 1, CURVE_ORDER - 2])
POOL2 = TABLE2.mul_many(list(range(1, 9)) + [CURVE_ORDER - 1])

scalar = st.one_of(st.just(0), st.just(1), st.just(CURVE_ORDER - 1), st.just(CURVE_ORDER),
                   st.integers(0, CURVE_ORDER - 1), st.integers(-CURVE_ORDER, 2 ** 256))


def _same(group: Group, points: list, scalars: list[int]) -> None:
    fast = msm_affine(group, points, scalars)
    slow = group.batch_to_affine([msm_naive(group, points, scalars)])[0]
    assert fast == slow


@given(st.lists(st.tuples(st.integers(-1, len(POOL1) - 1), scalar), max_size=40))
@settings(max_examples=40, deadline=None)
def test_g1_pippenger_matches_naive(terms: list[tuple[int, int]]) -> None:
    points = [None if i < 0 else POOL1[i] for i, _ in terms]  # -1: the point at infinity
    _same(G1, points, [s for _, s in terms])


@given(st.lists(st.tuples(st.integers(-1, len(POOL2) - 1), scalar), max_size=10))
@settings(max_examples=15, deadline=None)
def test_g2_pippenger_matches_naive(terms: list[tuple[int, int]]) -> None:
    points = [None if i < 0 else POOL2[i] for i, _ in terms]
    _same(G2, points, [s for _, s in terms])


def test_larger_random_msm_in_both_groups() -> None:
    rng = random.Random(3)
    pts1 = TABLE1.mul_many([rng.randrange(CURVE_ORDER) for _ in range(300)])
    _same(G1, pts1, [rng.randrange(CURVE_ORDER) for _ in pts1])
    pts2 = TABLE2.mul_many([rng.randrange(CURVE_ORDER) for _ in range(40)])
    _same(G2, pts2, [rng.randrange(CURVE_ORDER) for _ in pts2])


def test_msm_cancellation_and_empty_sums() -> None:
    p = POOL1[4]
    assert msm_affine(G1, [p, p], [3, CURVE_ORDER - 3]) is None
    assert msm_affine(G1, [], []) is None
    assert msm_affine(G1, [p], [0]) is None
    assert msm_affine(G1, [p, p], [1, 1]) == POOL1[9]  # 5g + 5g = 10g
    assert G1.is_inf(msm(G1, [None], [5]))


def test_fixed_base_matches_py_ecc() -> None:
    rng = random.Random(9)
    ks = [0, 1, CURVE_ORDER - 1, CURVE_ORDER + 5] + [rng.randrange(CURVE_ORDER) for _ in range(5)]
    assert TABLE1.mul_many(ks) == [adapter.reference_g1_mul(G1_GEN, k) for k in ks]
    assert TABLE2.mul_many(ks[:5]) == [adapter.reference_g2_mul(G2_GEN, k % CURVE_ORDER) or None
                                       if k % CURVE_ORDER else None for k in ks[:5]]


def test_window_size_grows_with_n() -> None:
    sizes = [window_size(n) for n in (1, 10, 100, 1000, 10000, 100000)]
    assert sizes == sorted(sizes) and sizes[0] >= 1 and sizes[-1] > sizes[1]


def test_mismatched_lengths_are_an_error() -> None:
    try:
        msm(G1, [G1_GEN], [1, 2])
    except ValueError as e:
        assert "1 points but 2 scalars" in str(e)
    else:
        raise AssertionError("expected ValueError")


def test_mixed_small_and_large_scalars() -> None:
    rng = random.Random(5)
    pts = TABLE1.mul_many([rng.randrange(CURVE_ORDER) for _ in range(60)])
    ks = [rng.choice([0, 1, rng.randrange(2 ** 64), rng.randrange(2 ** 64, CURVE_ORDER), 2 ** 64 - 1, 2 ** 64])
          for _ in pts]
    _same(G1, pts, ks)
    calls: list[tuple[int, int]] = []
    msm(G1, pts, ks, lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1] and [d for d, _ in calls] == list(range(1, len(calls) + 1))
