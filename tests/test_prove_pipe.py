"""Issue 15, the prover's pipeline: the R1CS kept as the key's arrays (zkvmc.r1cs.compact) against
the Constraint tuples, the key digest's plain-string fast path against json.dumps, MSMs started
while the key is read (zkvmc.groth16.early), the pipelined threads against the sequenced run,
and the CLI's reading order (the witness first, its error still after the key's)."""

from __future__ import annotations

import json
import random
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli_support import factorial_keys, ok, run_in
from r1cs_support import random_groth16_system
from zkvmc.artifacts.groth16_files import pk_to_json, read_pk_and_matrices
from zkvmc.artifacts.pk_matrices import compact_matrices_from_json, matrices_to_json
from zkvmc.backend import available, get_backend
from zkvmc.digest import digest, object_digest
from zkvmc.errors import ArtifactError
from zkvmc.field import R
from zkvmc.groth16 import prove, setup, verify
from zkvmc.groth16.early import MISSING, EarlyMsms
from zkvmc.groth16.qap import checked_row_values
from zkvmc.r1cs import compact
from zkvmc.r1cs.system import R1CS, Constraint

prove_mod = sys.modules["zkvmc.groth16.prove"]
needs_mcl = pytest.mark.skipif("mcl" not in available(), reason="early MSMs need a GIL-free backend (mcl)")


def _system_with_empty_rows(seed: int) -> tuple[R1CS, list[int]]:
    """A random system (rows of 1-3 terms) plus rows with empty LCs (A * 0 = 0, 0 * 0 = 0)."""
    r1cs, w = random_groth16_system(random.Random(seed), 10, 20, 1, 2)
    extra = (Constraint(((3, 5),), (), ()), Constraint((), (), ()))
    return R1CS(r1cs.n_wires, r1cs.n_outputs, r1cs.n_pub_inputs, (*r1cs.constraints[:7], *extra,
                                                                  *r1cs.constraints[7:])), w


def _compact(r1cs: R1CS) -> compact.CompactR1CS:
    return compact_matrices_from_json(json.loads(json.dumps(matrices_to_json(r1cs))), "pk.json",
                                      r1cs.n_wires, r1cs.n_public)


@pytest.fixture(scope="module")
def system():  # type: ignore[no-untyped-def]
    r1cs, w = _system_with_empty_rows(1)
    pk, vk = setup(r1cs, random.Random(2))
    return r1cs, w, pk, vk


# ---- the R1CS as arrays ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_compact_rows_equal_the_constraint_rows(seed: int) -> None:
    r1cs, w = _system_with_empty_rows(seed)
    cr, n = _compact(r1cs), 64
    assert cr.to_r1cs() == r1cs and len(cr.constraints) == len(r1cs.constraints)
    assert cr.constraints[-1] == r1cs.constraints[-1] and cr.constraints[2:5] == list(r1cs.constraints[2:5])
    assert compact.checked_row_values(cr, w, n) == checked_row_values(r1cs, w, n)
    rng = random.Random(seed)
    for _ in range(8):  # the negative twin: a wrong wire value, the same first bad constraint
        bad = list(w)
        bad[rng.randrange(1, len(w))] = rng.randrange(R)
        got = compact.checked_row_values(cr, bad, n)
        assert got == checked_row_values(r1cs, bad, n)


def test_one_term_rows_take_the_fast_path_and_agree() -> None:
    cons = tuple(Constraint(((i, 1),), ((i, 2),), ((i + 1, 3),)) for i in range(1, 6))
    r1cs = R1CS(7, 1, 0, cons)
    w = [1, 4, 9, 16, 25, 36, 49]
    values, bad = compact.checked_row_values(_compact(r1cs), w, 16)
    assert (values, bad) == checked_row_values(r1cs, w, 16) and bad == 0


def test_the_prover_reads_compact_matrices_from_the_key(system, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r1cs, w, pk, vk = system
    (tmp_path / "pk.json").write_text(json.dumps(pk_to_json(pk, r1cs=r1cs)))
    pk2, cr = read_pk_and_matrices(str(tmp_path / "pk.json"))
    assert isinstance(cr, compact.CompactR1CS) and cr.to_r1cs() == r1cs
    proof = prove(pk2, cr, w, random.Random(5))
    assert proof == prove(pk, r1cs, w, random.Random(5))
    public = w[1:pk.n_public + 1]
    assert verify(vk, public, proof)
    assert not verify(vk, [(public[0] + 1) % R, *public[1:]], proof)


# ---- the key digest: long plain strings without json.dumps ----------------------------------


_LONG = st.text(alphabet=st.sampled_from("0123456789abcdef\"\\\n\x7f é"), min_size=4096, max_size=4200)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text(max_size=3), _LONG | st.just("ab" * 3000) | st.dictionaries(
    st.text(max_size=3), _LONG | st.integers() | st.just("0f" * 2500), max_size=3), max_size=4))
def test_object_digest_of_long_strings_is_the_digest(obj) -> None:  # type: ignore[no-untyped-def]
    assert object_digest(obj) == digest(obj)
    if obj:  # the negative twin: one more character anywhere changes it
        k = sorted(obj)[0]
        v = obj[k]
        changed = v + "0" if isinstance(v, str) else {**v, "zz": 1}
        assert object_digest({**obj, k: changed}) != digest(obj)


def test_a_long_string_needing_escapes_is_not_hashed_raw() -> None:
    for s in ("0" * 5000 + '"', "a" * 5000 + "\\", "b" * 5000 + "\x7f", "c" * 5000 + "\n"):
        assert object_digest({"k": s}) == digest({"k": s})
        assert object_digest({"k": s}) != digest({"k": s[:-1] + "0"})


# ---- MSMs started while the key is read -----------------------------------------------------


@needs_mcl
def test_early_msms_give_the_same_proof(system, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r1cs, w, pk, vk = system
    (tmp_path / "pk.json").write_text(json.dumps(pk_to_json(pk, r1cs=r1cs)))
    be = get_backend("mcl")
    seen: list[str] = []
    with EarlyMsms(be) as early:
        early.use_witness(w)
        pk2, cr = read_pk_and_matrices(str(tmp_path / "pk.json"), lambda n, t: (seen.append(n), early.add(n, t)))
        proof = prove(pk2, cr, w, random.Random(7), None, be, 2, early)
    assert sorted(seen) == ["a_query", "b_g1_query", "b_g2_query", "h_query", "l_query"]
    assert proof == prove(pk, r1cs, w, random.Random(7), None, be, 1)
    public = w[1:pk.n_public + 1]
    assert verify(vk, public, proof)
    assert not verify(vk, public, type(proof)(proof.c, proof.b, proof.a))  # tampered


@needs_mcl
def test_an_early_msm_is_used_only_for_its_table_and_scalars(system) -> None:  # type: ignore[no-untyped-def]
    _, w, pk, _ = system
    be = get_backend("mcl")
    with EarlyMsms(be) as early:
        early.use_witness(w)
        early.add("a_query", pk.a_query)
        early.add("h_query", pk.h_query)  # not over the wires: never started
        other = [(x + 1) % R for x in w]
        assert early.take(pk.a_query, other) is MISSING  # other scalars: the caller computes
        early.add("a_query", pk.a_query)
        assert early.take(pk.a_query, [x % R for x in w]) in (be.g1_msm(pk.a_query, w), MISSING)
        assert early.take(pk.a_query, w) is MISSING  # taken once
        assert early.take(pk.h_query, w[:len(pk.h_query)]) is MISSING


@needs_mcl
def test_a_failing_msm_thread_raises_in_prove_and_leaves_no_thread(system, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    r1cs, w, pk, _ = system
    be = get_backend("mcl")

    class Broken(type(be)):  # type: ignore[misc]
        def g2_msm(self, points, scalars, jobs=1):  # type: ignore[no-untyped-def]
            raise RuntimeError("g2 broke")

    before = threading.active_count()
    with pytest.raises(RuntimeError, match="g2 broke"):
        prove(pk, r1cs, w, random.Random(1), None, Broken(), 2)
    assert threading.active_count() == before
    assert prove(pk, r1cs, w, random.Random(1), None, be, 2) == prove(pk, r1cs, w, random.Random(1), None, be, 1)


# ---- the CLI: the witness is read first, its error still comes after the key's -------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return factorial_keys(tmp_path_factory.mktemp("pipe"))


def test_cli_proofs_are_the_same_for_any_jobs_and_valid(folder: Path) -> None:
    for jobs in ("1", "2"):
        ok(folder, "prove", "--insecure-seed", "4", "--quiet", "--jobs", jobs, "-p", f"p{jobs}.json")
    assert (folder / "p1.json").read_bytes() == (folder / "p2.json").read_bytes()
    assert ok(folder, "verify", "-p", "p2.json").returncode == 0
    public = json.loads((folder / "public.json").read_text())
    (folder / "wrong.json").write_text(json.dumps([str((int(public[0]) + 1) % R), *public[1:]]))
    assert run_in(folder, "verify", "-p", "p2.json", "--public", "wrong.json").returncode == 1


def test_cli_a_bad_witness_is_reported_after_a_bad_key(folder: Path) -> None:
    (folder / "bad_w.json").write_text("{not json")
    res = run_in(folder, "prove", "--quiet", "-w", "bad_w.json", "-p", "x.json", "--public", "xp.json")
    assert res.returncode == 2 and "bad_w.json" in res.stderr and "Traceback" not in res.stderr
    (folder / "bad_pk.json").write_text("[]")
    res = run_in(folder, "prove", "--quiet", "--pk", "bad_pk.json", "-w", "bad_w.json", "-p", "x.json",
                 "--public", "xp.json")
    assert res.returncode == 2 and "bad_pk.json" in res.stderr and "bad_w.json" not in res.stderr
    assert not (folder / "x.json").exists()


# ---- one Fr array per witness ---------------------------------------------------------------


@needs_mcl
def test_a_scalar_list_keeps_one_fr_array_and_gives_the_same_msm(system, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from zkvmc.backend import mcl
    from zkvmc.curve.table import ScalarList

    _, w, pk, _ = system
    sl = ScalarList(w)
    first = mcl.fr_struct(sl)
    assert mcl.fr_struct(sl) is first and bytes(first) == bytes(mcl.fr_struct(list(w)))
    assert type(sl[1:]) is list  # a slice is a plain list, without the cache
    monkeypatch.setattr(mcl, "MSM_CHUNK", 3)  # chunks read the one array at offsets
    be, py = get_backend("mcl"), get_backend("python")
    assert be.g1_msm(pk.a_query, sl) == py.g1_msm(list(pk.a_query), list(w))
    other = ScalarList(w)
    other[1] = (other[1] + 1) % R  # the negative twin: another witness, another sum
    assert be.g1_msm(pk.a_query, other) != be.g1_msm(pk.a_query, sl)


@needs_mcl
@pytest.mark.parametrize("jobs", [2, 3])
def test_an_msm_split_over_threads_is_the_same_sum(system, monkeypatch, jobs: int) -> None:  # type: ignore[no-untyped-def]
    from zkvmc.backend import mcl

    _, w, pk, _ = system
    be = get_backend("mcl")
    one = (be.g1_msm(pk.a_query, w, 1), be.g2_msm(pk.b_g2_query, w, 1))
    monkeypatch.setattr(mcl, "MIN_THREADED", 2)
    monkeypatch.setattr(mcl, "MSM_CHUNK", 3)
    assert (be.g1_msm(pk.a_query, w, jobs), be.g2_msm(pk.b_g2_query, w, jobs)) == one
    assert be.g1_msm(pk.a_query, [*w[:-1], (w[-1] + 1) % R], jobs) != one[0] or pk.a_query[-1] is None


def test_an_edited_key_with_a_bad_point_is_reported_as_edited(system, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r1cs, _, pk, _ = system
    obj = pk_to_json(pk, r1cs=r1cs)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(obj))
    assert read_pk_and_matrices(str(good))[0] == pk
    obj["a_query"] = "01" + obj["a_query"][2:]  # a coordinate changed: off the curve, and the digest breaks
    (tmp_path / "pk.json").write_text(json.dumps(obj))
    with pytest.raises(ArtifactError, match="digest"):
        read_pk_and_matrices(str(tmp_path / "pk.json"))


@needs_mcl
@pytest.mark.parametrize("g2", [False, True])
def test_a_loaded_table_drops_its_bytes_and_rebuilds_the_same(system, g2: bool) -> None:  # type: ignore[no-untyped-def]
    from zkvmc.backend import mcl
    from zkvmc.curve.table import PointTable, raw_of

    _, _, pk, _ = system
    points = pk.b_g2_query if g2 else pk.a_query
    raw = raw_of(points, g2)
    t = PointTable(raw, g2)
    assert mcl.load_table(t) and t._raw is None and len(t) == len(points)  # only mcl's array is kept
    assert t.raw == raw and t == tuple(points) and t[1:3] == tuple(points[1:3])
    bad = PointTable(raw[:-1] + bytes([raw[-1] ^ 1]), g2)  # the negative twin: a point off the curve
    assert not mcl.load_table(bad) and bad._raw is not None
