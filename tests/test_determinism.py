"""The determinism analysis (zkvmc.audit: fieldmath, linear, propagate, determinism) on
hand-built systems: what it proves, what it disproves with a second witness, and where it
honestly answers "unknown"."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zkvmc.audit.determinism import analyse
from zkvmc.audit.fieldmath import binary_solutions, roots
from zkvmc.field import sqrt as sqrt_mod
from zkvmc.audit.linear import Inconsistent, Space
from zkvmc.field import R, inv
from zkvmc.r1cs.check import _Search
from zkvmc.r1cs.optimise import optimise, project_assignment
from zkvmc.r1cs.system import R1CS, Constraint, is_satisfied, make_lc
from r1cs_support import random_system

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
M1 = R - 1


def con(a: dict[int, int], b: dict[int, int], c: dict[int, int]) -> Constraint:
    return Constraint(make_lc(a), make_lc(b), make_lc(c))


def check_alternatives(r1cs: R1CS, w: list[int], given: list[int]) -> None:
    """Every second assignment reported is a real witness with the same inputs."""
    res = analyse(r1cs, w, given)
    for alt in res.alternatives:
        other = [alt.moved.get(i, x) for i, x in enumerate(w)]
        assert is_satisfied(r1cs, other) and all(other[g] == w[g] for g in given)
        assert all(other[v] != w[v] for v in alt.moved)


# ---- field facts --------------------------------------------------------------------------

def test_roots_and_square_roots() -> None:
    assert roots(0, 0, 0) is None and roots(0, 0, 5) == frozenset()
    assert roots(0, 2, -6) == {3}
    assert roots(1, -5, 6) == {2, 3} and roots(1, -5, 6, known_root=2) == {2, 3}
    i = sqrt_mod(M1)  # r = 1 mod 4: -1 is a square
    assert i is not None and roots(1, 0, 1) == {i, R - i}
    for x in (0, 1, 4, 12345, R - 1):
        s = sqrt_mod(x)
        assert s is None or s * s % R == x
    assert sqrt_mod(5) is None  # 5 is the non-residue Tonelli-Shanks starts from


def test_binary_solutions_of_bit_decompositions() -> None:
    pow2 = [1 << i for i in range(8)]
    assert binary_solutions(pow2, 6) == [[0, 1, 1, 0, 0, 0, 0, 0]]
    assert binary_solutions(pow2, 300) == []
    assert binary_solutions([(-x) % R for x in pow2], (-6) % R) == [[0, 1, 1, 0, 0, 0, 0, 0]]
    scaled = [x * inv(128) % R for x in pow2]  # what circom --O2 leaves after substituting a bit
    assert binary_solutions(scaled, 6 * inv(128) % R) == [[0, 1, 1, 0, 0, 0, 0, 0]]
    assert binary_solutions([1, 1, 2], 1) is None  # equal weights: cannot tell (and 2 solutions)
    # Num2Bits(254): 5 and 5 + r are both sums of distinct powers of two below 2^254
    sols = binary_solutions([1 << i for i in range(254)], 5)
    assert sols is not None and len(sols) == 2
    assert sorted(sum(b << i for i, b in enumerate(s)) for s in sols) == [5, 5 + R]
    assert binary_solutions([1 << i for i in range(253)], 5) == [[1, 0, 1] + [0] * 250]


def test_space_determines_what_rows_fix_together() -> None:
    s = Space()
    s.add({1: 1, 2: 1}, 5)                       # x + y = 5
    assert s.reduce({1: 1, 2: 1}, 0) == ({}, 5)  # the form x + y is fixed, x alone is not
    assert s.reduce({1: 1}, 0)[0]
    _, done, _ = s.add({1: 1, 2: M1}, 1)         # x - y = 1
    assert sorted(done) == [1, 2] and (s.value(1), s.value(2)) == (3, 2)
    with pytest.raises(Inconsistent):
        s.add({1: 2, 2: 2}, 11)


# ---- proofs and counterexamples -----------------------------------------------------------

def bits_system(boolean: bool, n: int = 8, x: int = 6) -> tuple[R1CS, list[int]]:
    """Wire 1 = x (input), wires 2.. = its bits; booleanity optional."""
    cons = [con({}, {}, {1: 1, **{2 + i: M1 * (1 << i) % R for i in range(n)}})]
    if boolean:
        cons += [con({2 + i: 1}, {2 + i: 1, 0: M1}, {}) for i in range(n)]
    w = [1, x] + [(x >> i) & 1 for i in range(n)]
    return R1CS(2 + n, 0, 1, tuple(cons)), w


def test_booleanity_and_recomposition_prove_every_bit() -> None:
    r1cs, w = bits_system(True)
    res = analyse(r1cs, w, [0, 1])
    assert res.unique == list(range(2, 10)) and not res.free and not res.unknown


def test_bits_without_booleanity_are_free_with_real_witnesses() -> None:
    r1cs, w = bits_system(False)
    res = analyse(r1cs, w, [0, 1])
    assert sorted(res.free) == list(range(2, 10)) and not res.unknown
    check_alternatives(r1cs, w, [0, 1])


def test_eliminated_bit_is_a_virtual_boolean() -> None:
    """circom --O2 style: bit 0 substituted away, its booleanity (x - Σ 2^i b_i)(… - 1) = 0."""
    n, x = 6, 45
    ell = {1: 1, **{1 + i: M1 * (1 << i) % R for i in range(1, n)}}  # x - Σ_{i≥1} 2^i b_i
    cons = [con(ell, {**ell, 0: M1}, {})] + [con({1 + i: 1}, {1 + i: 1, 0: M1}, {}) for i in range(1, n)]
    w = [1, x] + [(x >> i) & 1 for i in range(1, n)]
    r1cs = R1CS(1 + n, 0, 1, tuple(cons))
    res = analyse(r1cs, w, [0, 1])
    assert res.unique == list(range(2, 1 + n)) and not res.free and not res.unknown


def test_iszero_out_is_proved_and_its_hint_is_free_only_at_zero() -> None:
    """c·inv = 1 - out, c·out = 0: wire 1 out, 2 c (input), 3 inv."""
    r1cs = R1CS(4, 1, 1, (con({2: 1}, {3: 1}, {0: 1, 1: M1}), con({2: 1}, {1: 1}, {})))
    res = analyse(r1cs, [1, 0, 4, inv(4)], [0, 2])
    assert res.unique == [1, 3] and not res.free
    res = analyse(r1cs, [1, 1, 0, 0], [0, 2])
    assert res.unique == [1] and list(res.free) == [3] and res.alternatives[0].moved.keys() == {3}


def test_iszero_without_the_second_constraint_is_caught() -> None:
    r1cs = R1CS(4, 1, 1, (con({2: 1}, {3: 1}, {0: 1, 1: M1}),))
    assert sorted(analyse(r1cs, [1, 0, 4, inv(4)], [0, 2]).free) == [1, 3]


def test_probe_refutes_the_other_root() -> None:
    """out·out = 9 and t·t = 9 (each ±3), out + t = 6: the bit equation has equal weights
    (no exact solve), but the probe out = -3 forces t = 9, which t·t = 9 refutes."""
    cons = (con({1: 1}, {1: 1}, {0: 9}), con({}, {}, {1: 1, 2: 1, 0: R - 6}), con({2: 1}, {2: 1}, {0: 9}))
    r1cs = R1CS(3, 1, 0, cons)
    res = analyse(r1cs, [1, 3, 3], [0])
    assert res.unique == [1, 2] and res.stats.get("probes", 0) >= 1


def test_cube_root_is_undetermined() -> None:
    """out³ = x has three roots in F_r (3 divides r - 1): not unique, but neither propagation
    nor the search can tell; the analysis says unknown instead of clean."""
    x = 8
    r1cs = R1CS(4, 1, 1, (con({1: 1}, {1: 1}, {3: 1}), con({3: 1}, {1: 1}, {2: 1})))
    res = analyse(r1cs, [1, 2, x, 4], [0, 2])
    assert res.unknown == [1, 3] and not res.free and not res.unique


def test_inputs_must_be_given_and_witness_must_satisfy() -> None:
    r1cs, w = bits_system(True)
    assert sorted(analyse(r1cs, w, [0]).free) == list(range(1, 10))  # x itself is then free
    with pytest.raises(ValueError, match="satisfies"):
        analyse(r1cs, [1, 7] + w[2:], [0, 1])


@FAST
@given(st.integers(min_value=0, max_value=2**32), st.sampled_from([0, 2]))
def test_random_systems_proofs_agree_with_the_search(seed: int, level: int) -> None:
    """On random (optimised) systems: every second assignment is real, and the repair search
    never moves a wire the analysis proved unique."""
    r1cs, w = random_system(seed)
    res_opt = optimise(r1cs, level)
    new, wn = res_opt.r1cs, project_assignment(res_opt, w)
    given_wires = [0, *range(new.n_outputs + 1, new.n_public + 1)]
    check_alternatives(new, wn, given_wires)
    res = analyse(new, wn, given_wires)
    search = _Search(new, wn, trials=3, seed=seed)
    for v in res.unique:
        assert search.alternative(v) is None, v
    assert set(res.unique) | set(res.free) | set(res.unknown) | set(given_wires) == set(range(new.n_wires))


def test_mixed_random_chain_is_fully_decided() -> None:
    """A long chain of products and linear steps: everything is proved, nothing searched."""
    rng = random.Random(3)
    cons, w = [], [1, 5]
    for i in range(300):
        a, b = rng.randrange(1, len(w)), rng.randrange(1, len(w))
        cons.append(con({a: 1}, {b: 1, 0: i}, {len(w): 1}))
        w.append(w[a] * (w[b] + i) % R)
    r1cs = R1CS(len(w), 0, 1, tuple(cons))
    res = analyse(r1cs, w, [0, 1])
    assert len(res.unique) == len(w) - 2 and "searches" not in res.stats


def test_search_budget_leaves_the_rest_unknown() -> None:
    r1cs, w = bits_system(False)
    res = analyse(r1cs, w, [0, 1], max_searches=0)
    assert res.unknown == res.unsearched == list(range(2, 10)) and not res.free
