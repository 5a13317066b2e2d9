"""The proving key's queries as raw point tables (issue 15): the native reader (mcl arrays built
from the file's bytes) against its naive twin (Python ints), hostile keys, identical proofs."""

from __future__ import annotations

import ctypes
import json
import pickle
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvmc.artifacts.groth16_files import checked_table, naive_table, read_pk, write_pk
from zkvmc.backend import available, get_backend
from zkvmc.curve.adapter import FIELD_MODULUS as Q
from zkvmc.curve.adapter import G1_GEN, G2_GEN, reference_g1_mul, reference_g2_mul
from zkvmc.curve.table import PointTable, raw_of
from zkvmc.errors import ArtifactError, MalformedInput
from zkvmc.field import R
from zkvmc.groth16 import prove, setup, verify
from zkvmc.r1cs.system import R1CS, Constraint

needs_mcl = pytest.mark.skipif("mcl" not in available(), reason="the native reader needs mclbn256 (default install)")

G1S = [None, *(reference_g1_mul(G1_GEN, k) for k in (1, 2, 7, R - 1))]
G2S = [None, *(reference_g2_mul(G2_GEN, k) for k in (1, 3, R - 2))]


def _chain(n: int) -> tuple[R1CS, list[int]]:
    """x_{i+1} = x_i * x_i from x_0 = 3 (wire 1 public output = last), n constraints."""
    xs = [3]
    for _ in range(n):
        xs.append(xs[-1] * xs[-1] % R)
    # wires: 0 = 1, 1 = output, 2.. = x_0 .. x_{n-1}
    cons = [Constraint(((2 + i, 1),), ((2 + i, 1),), (((3 + i) if i < n - 1 else 1, 1),)) for i in range(n)]
    return R1CS(2 + n, 1, 0, tuple(cons)), [1, xs[n], *xs[:n]]


@pytest.fixture(scope="module")
def keyfile(tmp_path_factory):  # type: ignore[no-untyped-def]
    r1cs, w = _chain(40)
    pk, vk = setup(r1cs, random.Random(7), circuit_digest="t")
    path = tmp_path_factory.mktemp("pk") / "pk.json"
    write_pk(str(path), pk)
    return path, pk, vk, r1cs, w


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(G1S), max_size=12), st.lists(st.sampled_from(G2S), max_size=6),
       st.integers(0, 12), st.integers(0, 12))
def test_table_behaves_as_the_tuple_of_its_points(p1, p2, a, b) -> None:  # type: ignore[no-untyped-def]
    for pts, g2 in ((p1, False), (p2, True)):
        t = PointTable.of(pts, g2)
        assert len(t) == len(pts) and tuple(t) == tuple(pts) and t == tuple(pts) and t == list(pts)
        assert t[a:b] == tuple(pts[a:b]) and isinstance(t[a:b], PointTable) and t[::2] == tuple(pts[::2])
        assert raw_of(t, g2) is t.raw and PointTable.of(t, g2) == t and hash(PointTable.of(pts, g2)) == hash(t)
        if pts:
            assert t[-1] == pts[-1]
            assert t != tuple(pts[:-1]) and PointTable.of(pts[:-1], g2) != t  # the negative twin
        t.native["x"] = object()
        back = pickle.loads(pickle.dumps(t))
        assert back == t and back.native == {}  # a backend's array never travels


def _queries(path: Path) -> dict[str, tuple[bytes, bool]]:
    obj = json.loads(path.read_text())
    return {k: (bytes.fromhex(obj[k]), k == "b_g2_query") for k in ("a_query", "b_g1_query", "b_g2_query",
                                                                    "h_query", "l_query")}


@needs_mcl
def test_native_reader_matches_its_naive_twin(keyfile) -> None:  # type: ignore[no-untyped-def]
    from zkvmc.backend import mcl

    path, pk = keyfile[0], keyfile[1]
    for name, (raw, g2) in _queries(path).items():
        fast, slow = checked_table(str(path), name, raw, g2), naive_table(str(path), name, raw, g2)
        assert "points" not in fast.__dict__  # no Python ints on the fast path
        assert fast == slow == getattr(pk, name)
        ints = mcl.g2_struct(list(slow.points)) if g2 else mcl.g1_struct(list(slow.points))
        assert bytes(fast.native["mcl"]) == bytes(ints)  # mcl's array from bytes == from ints
        assert ctypes.sizeof(fast.native["mcl"]) == len(fast) * (192 if g2 else 96)


def _put(raw: bytes, g2: bool, i: int, coords: tuple[int, ...]) -> bytes:
    w = 128 if g2 else 64
    return raw[:i * w] + b"".join(c.to_bytes(32, "little") for c in coords) + raw[(i + 1) * w:]


def _hostile(raw: bytes, g2: bool, kind: str) -> bytes:
    p = G2S[1] if g2 else G1S[2]
    flat = (*p[0], *p[1]) if g2 else p
    if kind == "off_curve":
        return _put(raw, g2, 1, tuple(c + 1 if j == len(flat) - 1 else c for j, c in enumerate(flat)))
    if kind == "x_plus_q":  # the same point mod q, but not canonical
        return _put(raw, g2, 2, (flat[0] + Q, *flat[1:]))
    if kind == "y_is_q":
        return _put(raw, g2, 2, (*flat[:-1], Q))
    # both: an off-curve point before a non-canonical one; the canonical check comes first
    return _hostile(_hostile(raw, g2, "off_curve"), g2, "x_plus_q")


@needs_mcl
@pytest.mark.parametrize("name", ["a_query", "b_g2_query", "l_query"])
@pytest.mark.parametrize("kind, where", [("off_curve", r"\[1\]: point is not on the curve"),
                                         ("x_plus_q", r"\[2\]\[0\]: not below the field modulus"),
                                         ("y_is_q", r"\[2\]\[[13]\]: not below the field modulus"),
                                         ("both", r"\[2\]\[0\]: not below the field modulus")])
def test_hostile_key_rejected_by_both_readers_naming_the_same_field(keyfile, name, kind, where) -> None:  # type: ignore[no-untyped-def]
    from zkvmc.backend import mcl

    path = keyfile[0]
    raw, g2 = _queries(path)[name]
    bad = _hostile(raw, g2, kind)
    assert len(bad) == len(raw) and bad != raw
    errors = []
    for reader in (checked_table, naive_table):
        with pytest.raises(ArtifactError, match=name + where) as e:
            reader(str(path), name, bad, g2)
        errors.append(str(e.value))
    assert errors[0] == errors[1] and str(path) in errors[0]
    t = PointTable(bad, g2)
    assert not mcl.load_table(t) and t.native == {}  # the native check itself says no
    good = PointTable(raw, g2)
    assert mcl.load_table(good) and "mcl" in good.native  # its twin: the untouched bytes pass


def test_proofs_from_a_key_file_are_identical_to_proofs_from_setup(keyfile) -> None:  # type: ignore[no-untyped-def]
    path, pk, vk, r1cs, w = keyfile
    back = read_pk(str(path))
    assert all(isinstance(getattr(back, k), PointTable) for k in ("a_query", "b_g2_query", "h_query"))
    backends = [get_backend(n) for n in available()]
    proofs = {(be.name, jobs, src): prove(k, r1cs, w, random.Random(5), backend=be, jobs=jobs)
              for be in backends for jobs in (1, 2) for src, k in (("file", back), ("setup", pk))}
    first = next(iter(proofs.values()))
    assert all(p == first for p in proofs.values()), proofs
    assert verify(vk, [w[1]], first)
    assert not verify(vk, [(w[1] + 1) % R], first)  # wrong public input
    with pytest.raises(MalformedInput):
        verify(vk, [w[1] + R], first)  # input + r
    tampered = type(first)(first.c, first.b, first.a)
    assert not verify(vk, [w[1]], tampered)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(max_size=4), st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=3), kids, max_size=3)), max_size=5))
def test_object_digest_is_the_digest_member_by_member(obj) -> None:  # type: ignore[no-untyped-def]
    from zkvmc.digest import digest, object_digest

    assert object_digest(obj) == digest(obj)
    if obj:  # the negative twin: any change to a member changes it
        k = sorted(obj)[0]
        assert object_digest({**obj, k: [obj[k]]}) != digest(obj)
