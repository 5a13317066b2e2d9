"""Groth16 batch verification (zkvmc.groth16.batch, `zkvmc verify --batch`): a batch of valid
proofs is accepted, and every negative twin is rejected -- one tampered proof among many, a public
signal changed, signal + r, a proof of another key, two proofs whose errors cancel without the
random combination -- and batch == all(individual verifies) over random tamperings."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from cli_support import run_in as zkvmc
from zkvmc.artifacts.groth16_files import write_proof, write_public, write_vk
from zkvmc.backend import get_backend
from zkvmc.curve.adapter import FIELD_MODULUS
from zkvmc.field import R
from zkvmc.groth16 import MalformedInput, Proof, prove, setup, verify
from zkvmc.groth16.batch import batch_pairs, batch_scalars, find_invalid, folded_signals, verify_batch
from zkvmc.errors import MalformedEntry
from zkvmc.r1cs.system import R1CS, Constraint

# x * y = z: z the public output (wire 1), x a public input (wire 2), y private (wire 3)
MUL = R1CS(4, 1, 1, (Constraint(((2, 1),), ((3, 1),), ((1, 1),)),))
N = 6


def _witness(x: int, y: int) -> list[int]:
    return [1, x * y % R, x, y]


@pytest.fixture(scope="module")
def batch():  # type: ignore[no-untyped-def]
    """(vk, publics, proofs) of N proofs of MUL, and a proof of the same statement under another key."""
    rng = random.Random(13)
    pk, vk = setup(MUL, rng)
    ws = [_witness(rng.randrange(1, R), rng.randrange(1, R)) for _ in range(N)]
    proofs = [prove(pk, MUL, w, rng) for w in ws]
    pk2, _ = setup(MUL, random.Random(14))
    return vk, [w[1:3] for w in ws], proofs, prove(pk2, MUL, ws[0], rng)


def _double_a(p: Proof) -> Proof:
    """A tampered proof: A replaced by 2A (still a valid curve point)."""
    return replace(p, a=get_backend().g1_msm([p.a], [2]))


def test_a_batch_of_valid_proofs_is_accepted_by_both_backends(batch) -> None:  # type: ignore[no-untyped-def]
    vk, publics, proofs, _ = batch
    assert verify_batch(vk, publics, proofs)
    assert verify_batch(vk, publics[:1], proofs[:1])
    assert verify_batch(vk, publics[:2], proofs[:2], backend=get_backend("python"))
    # negative twin on the pure-Python pairing too
    assert not verify_batch(vk, publics[:2], [proofs[0], _double_a(proofs[1])], backend=get_backend("python"))


@pytest.mark.parametrize("at", [0, 3, N - 1])
def test_one_tampered_proof_among_many_is_rejected(batch, at: int) -> None:  # type: ignore[no-untyped-def]
    vk, publics, proofs, _ = batch
    bad = list(proofs)
    bad[at] = _double_a(proofs[at])
    assert not verify_batch(vk, publics, bad)
    assert find_invalid(vk, publics, bad) == [at]
    swapped = list(proofs)
    swapped[at] = replace(proofs[at], c=proofs[(at + 1) % N].c)
    assert not verify_batch(vk, publics, swapped)


def test_a_changed_public_signal_or_reordered_signals_are_rejected(batch) -> None:  # type: ignore[no-untyped-def]
    vk, publics, proofs, _ = batch
    changed = [list(x) for x in publics]
    changed[2][1] = (changed[2][1] + 1) % R
    assert not verify_batch(vk, changed, proofs)
    assert find_invalid(vk, changed, proofs) == [2]
    assert not verify_batch(vk, [publics[1], publics[0], *publics[2:]], proofs)


def test_signal_plus_r_is_malformed_like_a_single_verify(batch) -> None:  # type: ignore[no-untyped-def]
    vk, publics, proofs, _ = batch
    plus_r = [list(x) for x in publics]
    plus_r[4][0] += R
    with pytest.raises(MalformedInput, match="public signal 0"):
        verify(vk, plus_r[4], proofs[4])
    with pytest.raises(MalformedEntry, match="proof 4: public signal 0") as e:
        verify_batch(vk, plus_r, proofs)
    assert e.value.index == 4


def test_a_proof_of_another_key_is_rejected(batch) -> None:  # type: ignore[no-untyped-def]
    vk, publics, proofs, foreign = batch
    assert verify(vk, publics[0], proofs[0]) and not verify(vk, publics[0], foreign)
    assert not verify_batch(vk, publics, [foreign, *proofs[1:]])


def test_errors_that_cancel_without_randomness_are_caught(batch) -> None:  # type: ignore[no-untyped-def]
    """C_0 + D and C_1 - D: with every r_i = 1 the combined equation holds, with random r_i not."""
    vk, publics, proofs, _ = batch
    be = get_backend()
    d = be.g1_msm([vk.alpha_g1], [12345])
    bad = [replace(proofs[0], c=be.g1_msm([proofs[0].c, d], [1, 1])),
           replace(proofs[1], c=be.g1_msm([proofs[1].c, d], [1, -1]))]
    assert not verify(vk, publics[0], bad[0]) and not verify(vk, publics[1], bad[1])
    assert be.pairing_product_is_one(batch_pairs(vk, publics[:2], bad, [1, 1], be))
    assert not verify_batch(vk, publics[:2], bad)
    assert find_invalid(vk, publics[:2], bad) == [0, 1]


def test_ill_formed_batches_are_refused(batch) -> None:  # type: ignore[no-untyped-def]
    vk, publics, proofs, _ = batch
    with pytest.raises(MalformedInput, match="at least one proof"):
        verify_batch(vk, [], [])
    with pytest.raises(MalformedInput, match="3 proofs but 2"):
        verify_batch(vk, publics[:2], proofs[:3])
    off_curve = replace(proofs[1], c=(1, 3))
    with pytest.raises(MalformedEntry, match="proof 1: proof C") as e:
        verify_batch(vk, publics[:2], [proofs[0], off_curve])
    assert e.value.index == 1
    with pytest.raises(MalformedEntry, match="proof 0: expected 2 public signals"):
        verify_batch(vk, [publics[0][:1]], proofs[:1])
    big = replace(proofs[0], a=(proofs[0].a[0] + FIELD_MODULUS, proofs[0].a[1]))
    with pytest.raises(MalformedEntry, match="not canonical"):
        verify_batch(vk, publics[:1], [big])
    # the key is validated once, as a single verify does (not blamed on a proof)
    for bad_vk, what in ((replace(vk, gamma_abc_g1=(vk.gamma_abc_g1[0], (1, 3), vk.gamma_abc_g1[2])), "vk IC\\[1\\]"),
                         (replace(vk, delta_g2=((1, 2), (3, 4))), "vk delta")):
        with pytest.raises(MalformedInput, match=what) as e:
            verify_batch(bad_vk, publics[:2], proofs[:2])
        assert not isinstance(e.value, MalformedEntry)
        with pytest.raises(MalformedInput, match=what):
            verify(bad_vk, publics[0], proofs[0])


def test_scalars_and_folded_signals() -> None:
    rs = batch_scalars(50)
    assert all(1 <= r < R for r in rs) and len(set(rs)) == 50
    assert batch_scalars(3, random.Random(5)) == batch_scalars(3, random.Random(5))
    assert folded_signals([[2, 3], [5, 7]], [10, 100]) == [110, 520, 730]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["ok", "a", "c", "signal", "foreign"]), min_size=1, max_size=5),
       st.integers(0, 2**32))
def test_batch_equals_all_individual_verifies(batch, kinds: list[str], seed: int) -> None:  # type: ignore[no-untyped-def]
    vk, publics, proofs, foreign = batch
    xs, ps = [], []
    for i, kind in enumerate(kinds):
        x, p = list(publics[i]), proofs[i]
        if kind == "a":
            p = _double_a(p)
        elif kind == "c":
            p = replace(p, c=p.a)
        elif kind == "signal":
            x[0] = (x[0] + 1) % R
        elif kind == "foreign":
            x, p = list(publics[0]), foreign
        xs.append(x)
        ps.append(p)
    individual = [verify(vk, x, p) for x, p in zip(xs, ps)]
    assert verify_batch(vk, xs, ps, rng=random.Random(seed)) == all(individual)
    assert find_invalid(vk, xs, ps) == [i for i, good in enumerate(individual) if not good]


# ---- the CLI ----------------------------------------------------------------------------------


@pytest.fixture()
def files(batch, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """vk.json and proofs/<i>/{proof,public}.json for 4 of the batch's proofs."""
    vk, publics, proofs, _ = batch
    write_vk(str(tmp_path / "vk.json"), vk)
    for i in range(4):
        (tmp_path / "proofs" / str(i)).mkdir(parents=True)
        write_proof(str(tmp_path / "proofs" / str(i) / "proof.json"), proofs[i])
        write_public(str(tmp_path / "proofs" / str(i) / "public.json"), publics[i])
    return tmp_path


PROOFS = [f"proofs/{i}/proof.json" for i in range(4)]


def test_cli_batch_accepts_valid_proofs_and_pairs_publics_in_order(files: Path) -> None:
    res = zkvmc(files, "verify", "--vk", "vk.json", "--batch", *PROOFS)
    assert res.returncode == 0 and "valid: all 4 proofs" in res.stderr
    publics = [a for i in range(4) for a in ("--public", f"proofs/{i}/public.json")]
    res = zkvmc(files, "verify", "--vk", "vk.json", "--batch", *PROOFS, *publics, "--json")
    assert res.returncode == 0 and json.loads(res.stdout) == {"valid": True, "proofs": 4, "reason": None}
    listed = ["--public", *publics[1::2]]  # --public a.json b.json ... (a shell glob)
    assert zkvmc(files, "verify", "--batch", *PROOFS, *listed, "--vk", "vk.json").returncode == 0
    swapped = publics[2:4] + publics[0:2] + publics[4:]
    assert zkvmc(files, "verify", "--vk", "vk.json", "--batch", *PROOFS, *swapped).returncode == 1
    # the single-proof forms still work, with and without the defaults
    assert zkvmc(files, "verify", "--vk", "vk.json", "-p", PROOFS[1], "--public", "proofs/1/public.json"
                 ).returncode == 0
    assert zkvmc(files / "proofs" / "2", "verify", "--vk", "../../vk.json").returncode == 0
    assert zkvmc(files / "proofs" / "2", "verify", "--vk", "../../vk.json", "--public", "../1/public.json"
                 ).returncode == 1


def test_cli_batch_rejects_one_bad_proof_and_find_bad_names_it(batch, files: Path) -> None:  # type: ignore[no-untyped-def]
    write_proof(str(files / "proofs" / "2" / "proof.json"), _double_a(batch[2][2]))
    res = zkvmc(files, "verify", "--vk", "vk.json", "--batch", *PROOFS)
    assert res.returncode == 1 and "does not say which" in res.stderr and "--find-bad" in res.stderr
    res = zkvmc(files, "verify", "--vk", "vk.json", "--batch", *PROOFS, "--find-bad", "--json")
    assert res.returncode == 1 and "invalid proofs: proofs/2/proof.json" in res.stderr
    assert json.loads(res.stdout)["invalid"] == ["proofs/2/proof.json"]


def test_cli_batch_usage_and_malformed_input_are_exit_2(files: Path) -> None:
    cases = [(["--batch"], "at least one PROOF"), ([PROOFS[0]], "need --batch"),
             (["--batch", *PROOFS, "-p", "x.json"], "not with --batch"),
             (["--batch", *PROOFS, "--public", "proofs/0/public.json"], "1 files for 4 proofs"),
             (["--public", "a.json", "--public", "b.json"], "more than one file"),
             (["--public", "a.json", "b.json"], "more than one file"),
             (["--batch", PROOFS[0], "missing/proof.json"], "missing/proof.json")]
    for args, message in cases:
        res = zkvmc(files, "verify", "--vk", "vk.json", *args)
        assert res.returncode == 2 and message in res.stderr, (args, res.stderr)
    (files / "proofs" / "3" / "public.json").write_text(json.dumps(["1"]))
    res = zkvmc(files, "verify", "--vk", "vk.json", "--batch", *PROOFS, "--json")
    assert res.returncode == 2 and "proofs/3/proof.json with proofs/3/public.json: expected 2" in res.stderr
    assert json.loads(res.stdout)["valid"] is False
