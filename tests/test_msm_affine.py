"""Batch-affine signed-digit Pippenger (zkvmc.curve.msm_affine) against its naive twins, G1 and G2.

The twins: zkvmc.curve.msm.msm (Jacobian buckets) and msm_naive (double-and-add per term);
edge cases: zero scalars, points at infinity, scalar = r - 1 and r, repeated points (the batch
doubling branch), P + (-P) inside a bucket; the signed-digit recoding on its own.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from zkvmc.curve.adapter import CURVE_ORDER, G1_GEN, G2_GEN
from zkvmc.curve.group import G1, G2, Group
from zkvmc.curve.msm import FixedBase, msm, msm_naive
from zkvmc.curve.msm_affine import (add_pairs_g1, add_pairs_g2, bucket_sums, digit_bias, msm_batch, neg_g1, neg_g2,
                                    running_sum, signed_digits, window_totals)

TABLE1 = FixedBase(G1, G1_GEN, 6)
TABLE2 = FixedBase(G2, G2_GEN, 4)
POOL1 = TABLE1.mul_many(list(range(1, 21)) + [CURVE_ORDER - 1, CURVE_ORDER - 2])
POOL2 = TABLE2.mul_many(list(range(1, 7)) + [CURVE_ORDER - 1])

scalar = st.one_of(st.just(0), st.just(1), st.just(2), st.just(CURVE_ORDER - 1), st.just(CURVE_ORDER),
                   st.integers(0, CURVE_ORDER - 1), st.integers(0, 2 ** 64), st.integers(-CURVE_ORDER, 2 ** 256))


def _affine(group: Group, p: object) -> object:
    return group.batch_to_affine([p])[0]


def _same(group: Group, points: list, scalars: list[int]) -> None:
    fast = _affine(group, msm_batch(group, points, scalars))
    assert fast == _affine(group, msm_naive(group, points, scalars))
    assert fast == _affine(group, msm(group, points, scalars))


@given(st.lists(st.tuples(st.integers(-1, len(POOL1) - 1), scalar), max_size=40))
@settings(max_examples=40, deadline=None)
def test_g1_batch_affine_matches_naive(terms: list[tuple[int, int]]) -> None:
    points = [None if i < 0 else POOL1[i] for i, _ in terms]  # -1: the point at infinity
    _same(G1, points, [s for _, s in terms])


@given(st.lists(st.tuples(st.integers(-1, len(POOL2) - 1), scalar), max_size=10))
@settings(max_examples=15, deadline=None)
def test_g2_batch_affine_matches_naive(terms: list[tuple[int, int]]) -> None:
    points = [None if i < 0 else POOL2[i] for i, _ in terms]
    _same(G2, points, [s for _, s in terms])


def test_larger_random_msm_uses_wide_windows() -> None:
    rng = random.Random(5)
    pts1 = TABLE1.mul_many([rng.randrange(CURVE_ORDER) for _ in range(400)])
    ks = [rng.randrange(CURVE_ORDER) for _ in pts1]
    ks[:50] = [CURVE_ORDER - 1] * 50  # and many equal digits, so buckets fill with repeats
    pts1[50:60] = [pts1[0]] * 10
    _same(G1, pts1, ks)
    pts2 = TABLE2.mul_many([rng.randrange(CURVE_ORDER) for _ in range(60)])
    _same(G2, pts2, [rng.randrange(CURVE_ORDER) for _ in pts2])


@given(st.integers(0, 2 ** 254 - 1), st.integers(2, 16))
@settings(max_examples=60, deadline=None)
def test_signed_digits_recompose(k: int, c: int) -> None:
    windows = 254 // c + 1
    ds = signed_digits(k, c, windows)
    assert sum(d << (c * j) for j, d in enumerate(ds)) == k
    assert all(-(1 << (c - 1)) <= d < (1 << (c - 1)) for d in ds[:-1])
    assert 0 <= ds[-1] <= 1 << (c - 1)
    big, mask = k + digit_bias(c, windows), (1 << c) - 1
    fast = [((big >> (c * j)) & (mask if j < windows - 1 else -1)) - (1 << (c - 1)) for j in range(windows)]
    assert fast == ds


def test_pair_sums_double_cancel_and_add() -> None:
    p, q = POOL1[2], POOL1[4]  # 3g, 5g
    assert add_pairs_g1([p, p, q, p], [neg_g1(p), p, p, q]) == [None, POOL1[5], POOL1[7], POOL1[7]]
    a, b = POOL2[0], POOL2[1]  # g, 2g
    assert add_pairs_g2([a, a, b], [neg_g2(a), a, a]) == [None, POOL2[1], POOL2[2]]


def test_bucket_sums_cancel_to_infinity() -> None:
    p, q = POOL1[0], POOL1[1]
    sums = bucket_sums(add_pairs_g1, [[], [p, neg_g1(p)], [p, p, p], [q, p, neg_g1(q)], [p]])
    assert sums == [None, None, POOL1[2], POOL1[0], POOL1[0]]


def test_cancellation_and_empty_sums() -> None:
    p = POOL1[4]
    assert G1.is_inf(msm_batch(G1, [p, p], [3, CURVE_ORDER - 3]))
    assert G1.is_inf(msm_batch(G1, [], []))
    assert G1.is_inf(msm_batch(G1, [p, None], [0, 7]))
    assert _affine(G1, msm_batch(G1, [p, p], [1, 1])) == POOL1[9]
    assert _affine(G2, msm_batch(G2, [POOL2[0]] * 3, [CURVE_ORDER - 1] * 3)) == _affine(
        G2, msm_naive(G2, [POOL2[0]], [CURVE_ORDER - 3]))


@given(st.integers(1, 6).flatmap(lambda k: st.lists(st.lists(st.integers(-1, len(POOL1) - 1), min_size=k, max_size=k),
                                                  min_size=1, max_size=4)))
@settings(max_examples=30, deadline=None)
def test_window_totals_match_jacobian_running_sums(windows: list[list[int]]) -> None:
    sums = [[None if i < 0 else POOL1[i] for i in w] for w in windows]  # repeats and None included
    want = [_affine(G1, running_sum(G1, s)) for s in sums]
    assert window_totals(add_pairs_g1, sums) == want

