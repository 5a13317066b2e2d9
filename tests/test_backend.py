"""Backends (zkvmc.backend): every installed backend against the pure-Python reference, proofs
byte-identical across backends and --jobs values, and the backend/jobs options of the CLI."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvmc.artifacts.groth16_files import proof_to_json, vk_to_json
from zkvmc.backend import available, get_backend
from zkvmc.backend.parallel import chunks, run_all
from zkvmc.curve.adapter import (CURVE_ORDER, FIELD_MODULUS, G1_GEN, G2_GEN, reference_g1_add, reference_g1_mul,
                                 reference_g2_mul)
from zkvmc.curve.group import G1, G2
from zkvmc.curve.msm import msm_naive
from zkvmc.errors import InputError
from zkvmc.field import R
from zkvmc.field import ntt as pyntt
from zkvmc.groth16 import Proof, prove, setup, verify

from r1cs_support import random_groth16_system

BACKENDS = available()
"""Every backend installed here (CI installs the fast extra, so both)."""

RNG = random.Random(2024)
P1 = [reference_g1_mul(G1_GEN, RNG.randrange(1, R)) for _ in range(12)] + [None]
P2 = [reference_g2_mul(G2_GEN, RNG.randrange(1, R)) for _ in range(6)] + [None]


def _scalars(rng: random.Random, n: int) -> list[int]:
    """Scalars with the awkward cases: 0, 1, r - 1, r (= 0), negatives, > r, small."""
    special = [0, 1, R - 1, R, -5, R + 7, 3, 1 << 64]
    return [special[i] if i < len(special) and rng.random() < 0.5 else rng.randrange(-R, 2 * R) for i in range(n)]


def _ref_msm(group, points, scalars):  # type: ignore[no-untyped-def]
    return group.batch_to_affine([msm_naive(group, points, scalars)])[0]


def _ints(p):  # type: ignore[no-untyped-def]
    if p is None:
        return None
    if isinstance(p[0], tuple):
        return ((int(p[0][0]), int(p[0][1])), (int(p[1][0]), int(p[1][1])))
    return (int(p[0]), int(p[1]))


def test_python_is_always_available_and_auto_prefers_native() -> None:
    assert BACKENDS[0] == "python"
    assert get_backend("python").name == "python"
    assert get_backend(None).name == get_backend("auto").name == BACKENDS[-1]


def test_unknown_backend_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown backend"):
        get_backend("gpu")


@pytest.mark.parametrize("name", BACKENDS)
def test_g1_msm_matches_the_naive_reference(name: str) -> None:
    be, rng = get_backend(name), random.Random(1)
    for jobs in (1, 2):
        ks = _scalars(rng, len(P1))
        assert be.g1_msm(P1, ks, jobs) == _ints(_ref_msm(G1, P1, ks))
    assert be.g1_msm([P1[0], P1[0]], [1, -1]) is None  # P - P: infinity
    assert be.g1_msm([], []) is None
    assert be.g1_msm(P1[:2], [1, 1]) == reference_g1_add(P1[0], P1[1])
    assert be.g1_msm(P1[:2], [1, 2]) != reference_g1_add(P1[0], P1[1])  # the twin: a wrong sum differs


@pytest.mark.parametrize("name", BACKENDS)
def test_g2_msm_matches_the_naive_reference(name: str) -> None:
    be, rng = get_backend(name), random.Random(2)
    ks = _scalars(rng, len(P2))
    expected = _ints(_ref_msm(G2, P2, ks))
    assert be.g2_msm(P2, ks) == expected and be.g2_msm(P2, ks, 2) == expected
    ks[0] += 1
    assert be.g2_msm(P2, ks) != expected


@pytest.mark.skipif("mcl" not in BACKENDS, reason="mcl not installed")
def test_mcl_msms_longer_than_a_chunk_are_summed_from_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """mcl's MSM runs in chunks (its table lives on the stack); chunked sums equal the reference."""
    import zkvmc.backend.mcl as mcl

    be, rng = get_backend("mcl"), random.Random(3)
    monkeypatch.setattr(mcl, "MSM_CHUNK", 4)
    k1, k2 = _scalars(rng, len(P1)), _scalars(rng, len(P2))
    assert be.g1_msm(P1, k1) == _ints(_ref_msm(G1, P1, k1))
    assert be.g2_msm(P2, k2, 2) == _ints(_ref_msm(G2, P2, k2))
    assert be.g1_msm(P1[:8] * 2, [1] * 8 + [-1] * 8) is None  # chunks that cancel: infinity


@pytest.mark.parametrize("name", BACKENDS)
def test_msm_length_mismatch_is_an_error(name: str) -> None:
    with pytest.raises(ValueError, match="points but"):
        get_backend(name).g1_msm(P1[:3], [1, 2])


@pytest.mark.parametrize("name", BACKENDS)
def test_fixed_base_matches_py_ecc(name: str) -> None:
    be, rng = get_backend(name), random.Random(3)
    ks = _scalars(rng, 8)
    assert be.g1_fixed_base(G1_GEN, ks) == [reference_g1_mul(G1_GEN, k) for k in ks]
    assert be.g2_fixed_base(G2_GEN, ks[:4]) == [reference_g2_mul(G2_GEN, k % CURVE_ORDER) for k in ks[:4]]
    assert be.g1_fixed_base(G1_GEN, [2])[0] != reference_g1_mul(G1_GEN, 3)


@pytest.mark.parametrize("name", BACKENDS)
def test_fixed_base_split_over_workers_is_identical(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    monkeypatch.setattr(importlib.import_module(f"zkvmc.backend.{name}"), "MIN_SPLIT", 2)
    be, ks = get_backend(name), _scalars(random.Random(4), 9)
    assert be.g1_fixed_base(G1_GEN, ks, 2) == be.g1_fixed_base(G1_GEN, ks, 1) == [reference_g1_mul(G1_GEN, k)
                                                                                  for k in ks]
    assert be.g2_fixed_base(G2_GEN, ks[:3], 2) == be.g2_fixed_base(G2_GEN, ks[:3], 1)


@pytest.mark.parametrize("name", BACKENDS)
def test_ntts_match_the_python_transforms(name: str) -> None:
    be, rng = get_backend(name), random.Random(5)
    v = [rng.randrange(R) for _ in range(64)]
    assert be.intt(v) == pyntt.intt(v) and be.coset_ntt(v) == pyntt.coset_ntt(v)
    assert be.coset_intt(be.coset_ntt(v)) == v and be.coset_ntt(v) != pyntt.ntt(v)


@pytest.mark.parametrize("name", BACKENDS)
def test_pairing_product_check_and_its_negative_twin(name: str) -> None:
    be = get_backend(name)
    a, b = reference_g1_mul(G1_GEN, 6), reference_g2_mul(G2_GEN, 7)
    c, d = reference_g1_mul(G1_GEN, 14), reference_g2_mul(G2_GEN, 3)
    neg_c = (c[0], -c[1] % FIELD_MODULUS)
    assert be.pairing_product_is_one([(a, b), (neg_c, d)])  # e(6,7) = e(14,3)
    assert not be.pairing_product_is_one([(a, b), (neg_c, G2_GEN)])
    assert be.pairing_product_is_one([(None, b), (a, None)])


@pytest.fixture(scope="module")
def system():  # type: ignore[no-untyped-def]
    rng = random.Random(77)
    r1cs, w = random_groth16_system(rng, 24, 30, 2, 1)
    pk, vk = setup(r1cs, random.Random(78), backend=get_backend("python"))
    return r1cs, w, pk, vk


@pytest.mark.parametrize("name", BACKENDS)
def test_same_keys_on_every_backend(name: str, system) -> None:  # type: ignore[no-untyped-def]
    r1cs, _, pk, vk = system
    pk2, vk2 = setup(r1cs, random.Random(78), backend=get_backend(name), jobs=2)
    assert pk2 == pk and vk_to_json(vk2) == vk_to_json(vk)
    pk3, _ = setup(r1cs, random.Random(79), backend=get_backend(name))
    assert pk3 != pk


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("name", BACKENDS)
def test_byte_identical_proofs_on_every_backend_and_job_count(name: str, jobs: int,  # type: ignore[no-untyped-def]
                                                              system) -> None:
    r1cs, w, pk, vk = system
    reference = prove(pk, r1cs, w, random.Random(5), backend=get_backend("python"), jobs=1)
    proof = prove(pk, r1cs, w, random.Random(5), backend=get_backend(name), jobs=jobs)
    assert proof_to_json(proof) == proof_to_json(reference)
    assert verify(vk, w[1:4], proof, get_backend(name))
    other = prove(pk, r1cs, w, random.Random(6), backend=get_backend(name), jobs=jobs)
    assert proof_to_json(other) != proof_to_json(reference) and verify(vk, w[1:4], other, get_backend(name))


@pytest.mark.parametrize("name", BACKENDS)
def test_every_backend_rejects_a_tampered_proof(name: str, system) -> None:  # type: ignore[no-untyped-def]
    r1cs, w, pk, vk = system
    be = get_backend(name)
    proof = prove(pk, r1cs, w, random.Random(8), backend=be)
    assert verify(vk, w[1:4], proof, be)
    assert not verify(vk, w[1:4], Proof(proof.c, proof.b, proof.a), be)
    assert not verify(vk, [w[1], w[2], (w[3] + 1) % R], proof, be)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 200), st.integers(1, 9))
def test_chunks_cover_the_range_in_order(n: int, parts: int) -> None:
    cs = chunks(n, parts)
    assert [i for c in cs for i in c] == list(range(n))
    assert len(cs) <= parts and all(len(c) > 0 for c in cs)
    assert max(map(len, cs), default=0) - min(map(len, cs), default=0) <= 1


def test_run_all_keeps_order_and_results_across_processes() -> None:
    tasks = [lambda i=i: (i, os.getpid()) for i in range(5)]
    seq, par = run_all(tasks, 1), run_all(tasks, 2)
    assert [r[0] for r in seq] == [r[0] for r in par] == list(range(5))
    assert {r[1] for r in seq} == {os.getpid()}
    assert os.getpid() not in {r[1] for r in par}  # really ran in workers


@pytest.mark.skipif("mcl" not in BACKENDS, reason="the fast extra (mclbn256) is not installed")
@pytest.mark.parametrize("corrupt", [False, True])
def test_mcl_library_cache_is_used_and_survives_corruption(tmp_path: Path, corrupt: bool) -> None:
    two_g = (0x030644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD3,
             0x15ED738C0E0A7C92E7845F96B2AE9C0A68A6A449E3538FC7FF3EBF7A5A18A2C4)  # [2]G1 (as py_ecc computes it)
    code = ("import sys; from zkvmc.backend import get_backend; from zkvmc.curve.adapter import G1_GEN; "
            f"b = get_backend('mcl'); print(b.g1_msm([G1_GEN], [2]) == {two_g}, 'mclbn256' in sys.modules)")
    env = {**os.environ, "ZKVMC_CACHE_DIR": str(tmp_path / "zkvmc")}
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert first.stdout.split() == ["True", "True"], first.stderr  # decoded from mclbn256, then cached
    libs = list(tmp_path.glob("zkvmc/mclbn256-*/libmclbn256.so"))
    assert len(libs) == 1
    if corrupt:
        libs[0].write_bytes(b"not a library")
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert second.stdout.split() == ["True", "True" if corrupt else "False"], second.stderr


def test_a_native_backend_that_does_not_load_falls_back_or_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import zkvmc.backend as backend

    monkeypatch.setattr(backend, "available", lambda: ["python", "mcl"])
    monkeypatch.setitem(sys.modules, "zkvmc.backend.mcl", None)  # importing it now raises ImportError
    assert get_backend("auto").name == "python"
    with pytest.raises(InputError, match="'mcl' is not available"):
        get_backend("mcl")
