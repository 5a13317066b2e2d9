"""Issue 15 (prove <= 0.5x): the prover's fast inverse NTT (zkvmc.field.ntt_flint.intt, a
stage-at-a-time Stockham transform on gmpy2 integers) against its naive twin
zkvmc.field.ntt.intt, and proofs that stay byte-identical with either."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from r1cs_support import random_groth16_system
from zkvmc.backend import get_backend
from zkvmc.errors import ApiMisuse
from zkvmc.field import R, ntt, ntt_flint
from zkvmc.groth16 import MalformedInput, prove, setup, verify

SPECIAL = [0, 1, 2, R - 1, R - 2, (R - 1) // 2]
"""Values where an unreduced or wrongly reduced sum or difference would show."""


@st.composite
def evaluations(draw: st.DrawFn) -> list[int]:
    """A vector of 2^k evaluations, k in 0..10, mixing random and edge values."""
    k = draw(st.integers(0, 10))
    rng = random.Random(draw(st.integers(0, 2**32)))
    share = draw(st.sampled_from([0.0, 0.3, 1.0]))  # how many entries are edge values
    return [rng.choice(SPECIAL) if rng.random() < share else rng.randrange(R) for _ in range(1 << k)]


@given(evaluations())
@settings(max_examples=80, deadline=None)
def test_fast_intt_equals_the_naive_twin(evals: list[int]) -> None:
    coeffs = ntt_flint.intt(evals)
    assert coeffs == ntt.intt(evals)
    assert all(type(c) is int and 0 <= c < R for c in coeffs)  # plain ints: they are pickled and compared


@given(evaluations())
@settings(max_examples=30, deadline=None)
def test_fast_intt_interpolates_and_sees_a_changed_evaluation(evals: list[int]) -> None:
    coeffs = ntt_flint.intt(evals)
    assert ntt.ntt(coeffs) == [e % R for e in evals]
    moved = [*evals[:-1], (evals[-1] + 1) % R]
    assert ntt_flint.intt(moved) != coeffs


def test_fast_intt_at_2_to_the_12() -> None:
    rng = random.Random(12)
    evals = [rng.randrange(R) for _ in range(1 << 12)]
    kept = list(evals)
    coeffs = ntt_flint.intt(evals)
    assert evals == kept  # the caller's list is not reused as the work array
    assert coeffs == ntt.intt(evals)
    evals[7] = (evals[7] + 1) % R
    assert ntt_flint.intt(evals) != coeffs


def test_unreduced_inputs_are_reduced_like_the_naive_twin() -> None:
    rng = random.Random(5)
    evals = [rng.randrange(R) for _ in range(64)]
    shifted = [e + R if i % 2 else e - R for i, e in enumerate(evals)]
    assert ntt_flint.intt(shifted) == ntt.intt(shifted) == ntt.intt(evals)


@pytest.mark.parametrize("n", [0, 3, 12, 1 << 29])
def test_sizes_that_are_not_a_domain_are_refused_like_the_naive_twin(n: int) -> None:
    evals = [1] * n if n < 100 else _Sized(n)
    with pytest.raises(ApiMisuse):
        ntt.intt(evals)  # type: ignore[arg-type]
    with pytest.raises(ApiMisuse):
        ntt_flint.intt(evals)  # type: ignore[arg-type]


class _Sized(list):  # type: ignore[type-arg]
    """A list claiming a length, so a size beyond the 2-adicity is refused without allocating it."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def __len__(self) -> int:
        return self.n


def test_plain_ints_give_the_same_coefficients(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without gmpy2 the module falls back to ints; the transform must not depend on mpz."""
    rng = random.Random(8)
    evals = [rng.randrange(R) for _ in range(256)]
    expected = ntt.intt(evals)
    ntt_flint._inverse_twiddles.cache_clear()
    monkeypatch.setattr(ntt_flint, "_big", int)
    monkeypatch.setattr(ntt_flint, "_R_BIG", R)
    try:
        assert ntt_flint.intt(evals) == expected
        assert all(type(t) is int for t in ntt_flint._inverse_twiddles(256))
    finally:
        ntt_flint._inverse_twiddles.cache_clear()


@pytest.mark.skipif(not ntt_flint.available(), reason="the prover takes the native path only with python-flint")
def test_proofs_are_byte_identical_with_the_fast_or_the_naive_intt(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(15)
    r1cs, w = random_groth16_system(rng, 12, 70, 1, 2)  # 70 constraints + inputs: a domain of 128
    pk, vk = setup(r1cs, rng)
    calls: list[int] = []
    real = ntt_flint.intt
    monkeypatch.setattr(ntt_flint, "intt", lambda e: calls.append(len(e)) or real(e))
    fast = prove(pk, r1cs, w, random.Random(9), None, get_backend(None), 1)
    assert calls == [pk.domain_size] * 3  # the prover did take the fast transform, once per row
    monkeypatch.setattr(ntt_flint, "intt", ntt.intt)
    naive = prove(pk, r1cs, w, random.Random(9), None, get_backend(None), 1)
    assert fast == naive
    public = w[1:pk.n_public + 1]
    assert verify(vk, public, fast)
    assert not verify(vk, [(public[0] + 1) % R, *public[1:]], fast)
    with pytest.raises(MalformedInput, match="below r"):  # input + r: refused, not reduced into a valid statement
        verify(vk, [public[0] + R, *public[1:]], fast)
    assert not verify(vk, public, replace(fast, c=fast.a))
