"""NTT / iNTT / coset NTT over F_r against the naive O(n^2) DFT."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvmc.field import R
from zkvmc.field.ntt import (GENERATOR, ROOT_OF_UNITY, TWO_ADICITY, coset_intt, coset_ntt, intt, log2_exact,
                             naive_dft, ntt, root_of_unity)

vectors = st.integers(0, 6).flatmap(
    lambda k: st.lists(st.integers(0, R - 1), min_size=1 << k, max_size=1 << k))


def test_root_of_unity_has_order_2_to_the_28() -> None:
    assert pow(ROOT_OF_UNITY, 1 << TWO_ADICITY, R) == 1
    assert pow(ROOT_OF_UNITY, 1 << (TWO_ADICITY - 1), R) == R - 1
    assert (R - 1) % (1 << TWO_ADICITY) == 0 and ((R - 1) >> TWO_ADICITY) % 2 == 1


@pytest.mark.parametrize("n", [1, 2, 4, 8, 1024])
def test_domain_root_is_primitive(n: int) -> None:
    w = root_of_unity(n)
    assert pow(w, n, R) == 1
    assert n == 1 or pow(w, n // 2, R) == R - 1


@given(vectors)
@settings(max_examples=60, deadline=None)
def test_ntt_matches_naive_dft(coeffs: list[int]) -> None:
    assert ntt(coeffs) == naive_dft(coeffs, root_of_unity(len(coeffs)))


@given(vectors)
@settings(max_examples=60, deadline=None)
def test_intt_inverts_ntt(coeffs: list[int]) -> None:
    assert intt(ntt(coeffs)) == coeffs
    assert ntt(intt(coeffs)) == coeffs


@given(vectors)
@settings(max_examples=40, deadline=None)
def test_coset_ntt_evaluates_on_the_coset(coeffs: list[int]) -> None:
    n = len(coeffs)
    w = root_of_unity(n)
    expected = [sum(c * pow(GENERATOR * pow(w, i, R), j, R) for j, c in enumerate(coeffs)) % R for i in range(n)]
    assert coset_ntt(coeffs) == expected
    assert coset_intt(expected) == coeffs


def test_random_large_transform_round_trip() -> None:
    rng = random.Random(7)
    coeffs = [rng.randrange(R) for _ in range(1 << 10)]
    evals = ntt(coeffs)
    x = rng.randrange(len(coeffs))  # spot-check one evaluation against Horner
    point = pow(root_of_unity(len(coeffs)), x, R)
    acc = 0
    for c in reversed(coeffs):
        acc = (acc * point + c) % R
    assert evals[x] == acc
    assert intt(evals) == coeffs


@pytest.mark.parametrize("n", [0, 3, 6, 1 << 29])
def test_bad_domain_sizes_are_rejected(n: int) -> None:
    with pytest.raises(ValueError):
        log2_exact(n)
