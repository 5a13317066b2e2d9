"""Static validation and the determinism check (zkvmc.r1cs.check) on hand-built systems."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zkvmc.field import R, inv
from zkvmc.r1cs.check import KINDS, _Search, second_assignment, unpinned_wires, validate_constraints
from zkvmc.r1cs.optimise import optimise, project_assignment
from zkvmc.r1cs.system import R1CS, Constraint, is_satisfied, make_lc
from r1cs_support import chain_system, random_system  # pytest puts tests/ on sys.path

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ONE = R - 1  # -1


def con(a: dict[int, int], b: dict[int, int], c: dict[int, int]) -> Constraint:
    return Constraint(make_lc(a), make_lc(b), make_lc(c))


def kinds(r1cs: R1CS) -> list[str]:
    return [f.kind for f in validate_constraints(r1cs)]


# ---- gadgets: each a clean version and a broken twin -----------------------------------------

def bits(checked: tuple[int, ...] = (0, 1, 2)) -> tuple[R1CS, list[int]]:
    """out1 = lowest bit of public input x (wire 2) = b0 + 2 b1 + 4 b2; b_i at wires 3..5,
    booleanity-checked for the indices in `checked`."""
    cons = [con({3 + i: 1}, {3 + i: 1, 0: ONE}, {}) for i in checked]
    cons.append(con({0: 1}, {3: 1, 4: 2, 5: 4}, {2: 1}))
    cons.append(con({0: 1}, {1: 1}, {3: 1}))
    return R1CS(6, 1, 1, tuple(cons)), [1, 1, 5, 1, 0, 1]


def division(checked: bool, a: int, b: int) -> tuple[R1CS, list[int]]:
    """out1 = a / b for public inputs a (wire 2), b (wire 3); q at wire 4, inv at wire 5.
    The checked version proves b != 0 with b * inv = 1."""
    cons = [con({3: 1}, {4: 1}, {2: 1}), con({0: 1}, {1: 1}, {4: 1})]
    if checked:
        cons.append(con({3: 1}, {5: 1}, {0: 1}))
    q = a * inv(b) % R if b else 0
    return R1CS(6, 1, 2, tuple(cons)), [1, q, a, b, q, inv(b) if b else 0]


def square(free_output: bool) -> tuple[R1CS, list[int]]:
    """out1 = x * x for a public input x (wire 2), via private m (wire 3); the broken twin
    forgets the constraint tying the output to m."""
    cons = [con({2: 1}, {2: 1}, {3: 1})]
    if not free_output:
        cons.append(con({0: 1}, {1: 1}, {3: 1}))
    return R1CS(4, 1, 1, tuple(cons)), [1, 49, 7, 49]


# ---- validate_constraints --------------------------------------------------------------------

def test_clean_systems_have_no_findings() -> None:
    for r1cs, _ in (bits(), division(True, 6, 3), square(False)):
        assert validate_constraints(r1cs) == []


def test_free_output_is_an_unused_public() -> None:
    found = validate_constraints(square(True)[0])
    assert [(f.kind, f.wire) for f in found] == [("unused-public", 1)]
    assert "output" in found[0].message


def test_unused_private_wire() -> None:
    r1cs, _ = division(False, 6, 3)  # wire 5 (inv) is allocated but never constrained
    found = validate_constraints(r1cs)
    assert [(f.kind, f.wire) for f in found] == [("unused-wire", 5)]


def test_trivial_always_false_and_duplicates() -> None:
    cons = (con({1: 1}, {2: 1}, {3: 1}),
            con({}, {1: 1}, {}),                          # 0 * x = 0
            con({0: 2}, {0: 3}, {0: 6}),                  # 2 * 3 = 6
            con({2: 5}, {1: 3}, {3: 15}),                 # the first one, swapped and scaled
            con({0: 1}, {0: 1}, {0: 2}),                  # 1 * 1 = 2
            con({0: 1}, {1: 1}, {2: 1}),                  # x = y
            con({0: 3}, {2: 1}, {1: 3}))                  # 3y = 3x: the same linear check
    found = validate_constraints(R1CS(4, 0, 0, cons))
    assert [(f.kind, f.constraint) for f in found] == [
        ("trivial", 1), ("trivial", 2), ("duplicate", 3), ("always-false", 4), ("duplicate", 6)]
    assert "constraint 0" in found[2].message
    assert {f.severity for f in found} == {"warning"}  # well-formed, merely suspicious


def test_malformed_terms() -> None:
    cons = (Constraint(((1, 1), (7, 2)), ((1, 0),), ((2, R),)),   # wire 7 out of range, 0, r
            Constraint(((2, 1), (1, 1)), ((1, 1),), ()),            # unsorted
            Constraint(((1, 1), (1, 1)), ((1, 1),), ()),            # repeated wire
            Constraint("junk", ((1, 1),), ()))                      # type: ignore[arg-type]
    found = validate_constraints(R1CS(3, 0, 0, cons))
    got = [(f.kind, f.constraint, f.wire) for f in found]
    assert got == [("wire-out-of-range", 0, 7), ("bad-coefficient", 0, 1),
                   ("bad-coefficient", 0, 2), ("unsorted-lc", 1, None), ("unsorted-lc", 2, None),
                   ("malformed-lc", 3, None)]
    assert all(f.kind in KINDS and f.severity == "error" for f in found)


def test_layout() -> None:
    assert kinds(R1CS(2, 1, 1, ())) == ["layout", "unused-public"]


# ---- unpinned_wires ---------------------------------------------------------------------------

def test_clean_bits_are_pinned() -> None:
    r1cs, w = bits()
    assert is_satisfied(r1cs, w)
    assert unpinned_wires(r1cs, w, range(r1cs.n_wires)) == []


def test_bit_without_booleanity_check_is_flagged() -> None:
    """x = 5 = b0 + 2 b1 + 4 b2 with b1 unchecked: b0 = 0, b1 = 1/2, b2 = 1 also satisfies,
    so the output (b0) is not determined by the input."""
    r1cs, w = bits(checked=(0, 2))
    assert is_satisfied(r1cs, w)
    loose = unpinned_wires(r1cs, w, range(r1cs.n_wires))
    assert 1 in loose and 4 in loose
    for seed in range(5):  # not a lucky seed
        assert 1 in unpinned_wires(r1cs, w, [1], seed=seed)


def test_division_without_nonzero_check_is_flagged() -> None:
    """0 / 0: b * q = a holds for every q, so the output is free."""
    r1cs, w = division(False, 0, 0)
    assert is_satisfied(r1cs, w)
    assert unpinned_wires(r1cs, w, [1, 4]) == [1, 4]


def test_checked_division_is_pinned() -> None:
    r1cs, w = division(True, 6, 3)
    assert is_satisfied(r1cs, w)
    assert unpinned_wires(r1cs, w, range(r1cs.n_wires)) == []
    twin, w2 = division(False, 6, 3)  # b != 0 here: this witness does not expose the bug
    assert unpinned_wires(twin, w2, [1, 4]) == []


def test_free_output_is_flagged() -> None:
    r1cs, w = square(True)
    assert unpinned_wires(r1cs, w, [1, 3]) == [1]
    clean, w2 = square(False)
    assert unpinned_wires(clean, w2, [1, 3]) == []


def test_public_inputs_are_held_fixed() -> None:
    """out = x + y with only a linear link: moving out would need moving an input."""
    r1cs = R1CS(4, 1, 2, (con({0: 1}, {2: 1, 3: 1}, {1: 1}),))
    assert unpinned_wires(r1cs, [1, 5, 2, 3], range(4)) == []


def test_order_is_kept_and_rejects_bad_arguments() -> None:
    r1cs, w = division(False, 0, 0)
    assert unpinned_wires(r1cs, w, [4, 1]) == [4, 1]
    with pytest.raises(ValueError, match="satisfies the system"):
        unpinned_wires(r1cs, [1, 1, 0, 0, 0, 0], [1])
    with pytest.raises(ValueError, match="wires to check"):
        unpinned_wires(r1cs, w, [9])


def test_iszero_hint_is_loose_only_when_input_is_zero() -> None:
    """IsZero: c * inv = 1 - z, c * z = 0 (c public input wire 2, z = out wire 1, inv wire 3).
    z is always pinned; the hint inv is free exactly when c = 0 (harmless, and reported)."""
    r1cs = R1CS(4, 1, 1, (con({2: 1}, {3: 1}, {0: 1, 1: ONE}), con({2: 1}, {1: 1}, {})))
    assert unpinned_wires(r1cs, [1, 0, 4, inv(4)], range(4)) == []
    assert unpinned_wires(r1cs, [1, 1, 0, 0], range(4)) == [3]


def test_second_assignment_is_a_real_witness() -> None:
    r1cs, w = bits(checked=(0, 2))
    alt = second_assignment(r1cs, w, 1)
    assert alt is not None and is_satisfied(r1cs, alt)
    assert alt[1] != w[1] and alt[:1] + alt[2:3] == w[:1] + w[2:3]
    assert second_assignment(*bits(), 1) is None


# ---- against the optimiser and random systems ------------------------------------------------

@FAST
@given(st.integers(min_value=0, max_value=2**32), st.sampled_from([0, 1, 2]))
def test_no_false_alarms_on_random_systems(seed: int, level: int) -> None:
    """Every move the search reports is a second witness with the same public inputs; inputs
    and wire 0 are never reported."""
    r1cs, w = random_system(seed)
    res = optimise(r1cs, level)
    new, wn = res.r1cs, project_assignment(res, w)
    search = _Search(new, wn, trials=2, seed=seed)
    inputs = range(new.n_outputs + 1, new.n_public + 1)
    for v in range(new.n_wires):
        moved = search.alternative(v)
        if moved is None:
            continue
        alt = [moved.get(i, x) for i, x in enumerate(wn)]
        assert is_satisfied(new, alt) and alt[v] != wn[v]
        assert [alt[i] for i in inputs] == [wn[i] for i in inputs] and alt[0] == 1
    assert set(unpinned_wires(new, wn, range(new.n_wires), trials=2, seed=seed)) <= set(
        range(new.n_wires)) - {0, *inputs}


def test_random_systems_do_have_unpinned_wires() -> None:
    """The property above is not vacuous: the generator's systems often leave wires free."""
    hits = 0
    for seed in range(40):
        r1cs, w = random_system(seed)
        hits += bool(unpinned_wires(r1cs, w, range(r1cs.n_wires)))
    assert hits >= 10


@FAST
@given(st.integers(min_value=0, max_value=2**32))
def test_optimised_systems_validate_clean(seed: int) -> None:
    """After level 2 nothing is left that the validator calls trivial, duplicate or unused."""
    r1cs, _ = random_system(seed)
    found = validate_constraints(optimise(r1cs, 2).r1cs)
    assert not [f for f in found if f.kind in ("trivial", "duplicate", "unused-wire")
                or f.kind not in KINDS]
    assert not [f for f in found if f.kind in ("malformed-lc", "wire-out-of-range",
                                               "bad-coefficient", "unsorted-lc", "layout")]


def _chain(n_blocks: int, drop_booleanity_of: int | None) -> tuple[R1CS, list[int], tuple[int, ...]]:
    """r1cs_support.chain_system, optionally without one bit's booleanity check; also the
    wires of its 'byte' hints, which act as private inputs (free by design)."""
    r1cs, w = chain_system(n_blocks)
    cons = list(r1cs.constraints)
    if drop_booleanity_of is not None:
        bit = 3 + 12 * drop_booleanity_of + 2 + 3  # block layout: m, byte, 8 bits, copy, select
        cons = [c for c in cons if c.c or c.a != ((bit, 1),)]
        assert len(cons) == len(r1cs.constraints) - 1
    hold = tuple(3 + 12 * i + 1 for i in range(n_blocks))
    return R1CS(r1cs.n_wires, 1, 1, tuple(cons)), w, hold


def test_chain_output_pinned_only_with_every_bit_checked() -> None:
    clean, wc, hold = _chain(30, None)
    assert unpinned_wires(clean, wc, [1], hold=hold) == []
    assert unpinned_wires(clean, wc, range(clean.n_wires), hold=hold) == []
    broken, w, hold = _chain(30, 7)
    # Moving the output alone would need square roots to reach block 7 (the search solves
    # only linear occurrences), but moving the loose bit cascades forward to the output.
    loose = unpinned_wires(broken, w, range(broken.n_wires), hold=hold)
    assert 1 in loose and 3 + 12 * 7 + 5 in loose
    assert all(v > 3 + 12 * 7 for v in loose if v != 1)  # earlier blocks stay pinned
    # without holding the private 'byte' values the output is (rightly) not determined
    assert 1 in unpinned_wires(clean, wc, range(clean.n_wires))


@FAST
@given(st.integers(min_value=0, max_value=2**32))
def test_shape_findings_match_keying_every_constraint(seed: int) -> None:
    """validate_constraints keys only constraints that could repeat an earlier one (same wire
    sets); it must find exactly what keying every constraint finds."""
    from zkvmc.r1cs.optimise import constraint_key

    r1cs, _ = random_system(seed)
    want, seen = [], {}
    for k, c in enumerate(r1cs.constraints):
        key = constraint_key(dict(c.a), dict(c.b), dict(c.c))
        if key is None:
            want.append(("trivial", k))
        elif key[0] == "lin" and all(w == 0 for w, _ in key[1]):
            want.append(("always-false", k))
        elif key in seen:
            want.append(("duplicate", k))
        else:
            seen[key] = k
    got = [(f.kind, f.constraint) for f in validate_constraints(r1cs)
           if f.kind in ("trivial", "always-false", "duplicate")]
    assert got == want
