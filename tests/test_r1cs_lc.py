"""make_lc's one-term fast path against the general construction (its naive twin)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zkvmc.field import R
from zkvmc.r1cs.system import make_lc, make_lc_naive

COEFFS = st.one_of(st.integers(-3 * R, 3 * R), st.sampled_from([0, 1, R, R - 1, -R, 2 * R, -1]))


@given(st.dictionaries(st.integers(0, 50), COEFFS, max_size=4))
def test_make_lc_matches_the_naive_twin(terms: dict[int, int]) -> None:
    assert make_lc(terms) == make_lc_naive(terms)


def test_one_term_fast_path_reduces_and_drops_zero() -> None:
    assert make_lc({3: R + 5}) == ((3, 5),) and make_lc({3: -R}) == () and make_lc({3: -1}) == ((3, R - 1),)
    assert make_lc({3: 5}) != make_lc({3: 6})  # the negative twin: another coefficient, another LC
