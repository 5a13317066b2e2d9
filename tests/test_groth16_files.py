"""Groth16 files: snarkjs layout, round trips, and errors naming file and field."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from zkvmc.artifacts.groth16_files import (read_pk, read_proof, read_public, read_vk, write_pk, write_proof,
                                           write_public, write_vk)
from zkvmc.curve import g2
from zkvmc.curve.adapter import FIELD_MODULUS
from zkvmc.curve.codec import g2_to_snarkjs
from zkvmc.errors import ArtifactError
from zkvmc.field import R
from zkvmc.groth16 import prove, setup, verify
from zkvmc.r1cs.system import R1CS, Constraint

MUL = R1CS(4, 1, 1, (Constraint(((2, 1),), ((3, 1),), ((1, 1),)),))


@pytest.fixture(scope="module")
def files(tmp_path_factory):  # type: ignore[no-untyped-def]
    d = tmp_path_factory.mktemp("g16")
    rng = random.Random(21)
    pk, vk = setup(MUL, rng, circuit_digest="abc123")
    proof = prove(pk, MUL, [1, 15, 3, 5], rng)
    write_pk(str(d / "pk.json"), pk)
    write_vk(str(d / "vk.json"), vk)
    write_proof(str(d / "proof.json"), proof)
    write_public(str(d / "public.json"), [15, 3])
    return d, pk, vk, proof


def _edit(src: Path, dst: Path, fn) -> str:  # type: ignore[no-untyped-def]
    obj = json.loads(src.read_text())
    fn(obj)
    dst.write_text(json.dumps(obj))
    return str(dst)


def test_round_trips(files) -> None:  # type: ignore[no-untyped-def]
    d, pk, vk, proof = files
    assert read_pk(str(d / "pk.json")) == pk
    assert read_vk(str(d / "vk.json")) == vk
    assert read_proof(str(d / "proof.json")) == proof
    assert read_public(str(d / "public.json")) == [15, 3]


def test_snarkjs_layout(files) -> None:  # type: ignore[no-untyped-def]
    d, _, vk, _ = files
    v = json.loads((d / "vk.json").read_text())
    assert v["protocol"] == "groth16" and v["curve"] == "bn128" and v["nPublic"] == 2
    assert len(v["IC"]) == 3 and v["vk_alpha_1"][2] == "1" and v["vk_beta_2"][2] == ["1", "0"]
    assert len(v["vk_alphabeta_12"]) == 2 and all(len(h) == 3 and all(len(p) == 2 for p in h)
                                                   for h in v["vk_alphabeta_12"])
    assert v["zkvmc"] == {"format_version": 1, "circuit_digest": "abc123"}
    p = json.loads((d / "proof.json").read_text())
    assert set(p) == {"pi_a", "pi_b", "pi_c", "protocol", "curve"}
    assert p["pi_a"][2] == "1" and p["pi_b"][2] == ["1", "0"] and p["pi_c"][2] == "1"
    assert all(isinstance(x, str) for x in p["pi_a"])
    assert json.loads((d / "public.json").read_text()) == ["15", "3"]
    pk = json.loads((d / "pk.json").read_text())
    assert pk["format"] == "zkvmc-groth16-pk" and pk["version"] == 2 and pk["circuit_digest"] == "abc123"


def test_pi_a_coordinate_above_modulus(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    d = files[0]
    path = _edit(d / "proof.json", tmp_path / "proof.json",
                 lambda o: o["pi_a"].__setitem__(1, str(int(o["pi_a"][1]) + FIELD_MODULUS)))
    with pytest.raises(ArtifactError) as e:
        read_proof(path)
    assert str(e.value) == f"{path}: pi_a[1]: not below the field modulus"


def test_proof_point_off_curve_and_outside_subgroup(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    d = files[0]
    path = _edit(d / "proof.json", tmp_path / "p1.json", lambda o: o["pi_c"].__setitem__(0, "5"))
    with pytest.raises(ArtifactError, match="pi_c: point is not on the curve"):
        read_proof(path)
    bad = g2_to_snarkjs(g2.hash_to_twist(b"file"))
    path = _edit(d / "proof.json", tmp_path / "p2.json", lambda o: o.__setitem__("pi_b", bad))
    with pytest.raises(ArtifactError, match="pi_b: point is not in the prime-order subgroup"):
        read_proof(path)
    path = _edit(d / "proof.json", tmp_path / "p3.json", lambda o: o.__setitem__("protocol", "plonk"))
    with pytest.raises(ArtifactError, match="protocol"):
        read_proof(path)


def test_public_signal_plus_r_is_rejected(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "public.json"
    path.write_text(json.dumps([str(15 + R), "3"]))
    with pytest.raises(ArtifactError, match=r"\[0\]: not below the scalar field modulus r"):
        read_public(str(path))
    path.write_text(json.dumps(["15", 3]))
    with pytest.raises(ArtifactError, match=r"\[1\]: expected a decimal string"):
        read_public(str(path))


def test_vk_errors(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    d = files[0]
    path = _edit(d / "vk.json", tmp_path / "vk1.json", lambda o: o["IC"].pop())
    with pytest.raises(ArtifactError, match="IC: expected nPublic"):
        read_vk(path)
    path = _edit(d / "vk.json", tmp_path / "vk2.json",
                 lambda o: o["vk_delta_2"][1].__setitem__(0, str(FIELD_MODULUS)))
    with pytest.raises(ArtifactError, match=r"vk_delta_2\[1\]\[0\]: not below the field modulus"):
        read_vk(path)


def test_foreign_vk_without_zkvmc_section_is_accepted(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    d, _, vk, proof = files
    path = _edit(d / "vk.json", tmp_path / "vk.json", lambda o: o.pop("zkvmc"))
    foreign = read_vk(path)
    assert foreign.circuit_digest == "" and verify(foreign, [15, 3], proof)
    assert not verify(foreign, [15, 4], proof)


def test_pk_edits_are_detected(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    d = files[0]
    path = _edit(d / "pk.json", tmp_path / "pk1.json", lambda o: o.__setitem__("a_query", o["a_query"][64:] + o["a_query"][:64]))
    with pytest.raises(ArtifactError, match="digest: does not match"):
        read_pk(path)
    path = _edit(d / "pk.json", tmp_path / "pk2.json", lambda o: o.__setitem__("version", 99))
    with pytest.raises(ArtifactError, match="version"):
        read_pk(path)
    (tmp_path / "pk3.json").write_text("{not json")
    with pytest.raises(ArtifactError, match="not valid JSON"):
        read_pk(str(tmp_path / "pk3.json"))


def _edit_resealed(src: Path, dst: Path, fn) -> str:  # type: ignore[no-untyped-def]
    """Edit a proving key and recompute its digest, so the checks behind the digest are reached."""
    from zkvmc.artifacts.io import digest

    obj = json.loads(src.read_text())
    fn(obj)
    body = {k: v for k, v in obj.items() if k not in ("format", "version", "curve", "circuit_digest", "digest")}
    obj["digest"] = digest(body)
    dst.write_text(json.dumps(obj))
    return str(dst)


def _coord_hex(x: int) -> str:
    return x.to_bytes(32, "little").hex()


@pytest.mark.parametrize("edit, message", [
    (lambda o: o.__setitem__("a_query", o["a_query"][:-128]), r"a_query: expected \d+ points"),
    (lambda o: o.__setitem__("h_query", "zz" + o["h_query"][2:]), "h_query: not a hexadecimal string"),
    (lambda o: o.__setitem__("l_query", [1, 2]), "l_query: expected a hexadecimal string"),
    (lambda o: o.__setitem__("b_g1_query", o["b_g1_query"][:128] + _coord_hex(FIELD_MODULUS) + o["b_g1_query"][192:]),
     r"b_g1_query\[1\]\[0\]: not below the field modulus"),
    (lambda o: o.__setitem__("a_query", o["a_query"][:128] + _coord_hex(1) + _coord_hex(3) + o["a_query"][256:]),
     r"a_query\[1\]: point is not on the curve"),
    (lambda o: o.__setitem__("b_g2_query", o["b_g2_query"][:256] + _coord_hex(1) * 4 + o["b_g2_query"][512:]),
     r"b_g2_query\[1\]: point is not on the curve"),
])
def test_pk_query_blob_errors_name_the_point(files, tmp_path, edit, message) -> None:  # type: ignore[no-untyped-def]
    d = files[0]
    good = _edit_resealed(d / "pk.json", tmp_path / "good.json", lambda o: None)
    assert read_pk(good) == read_pk(str(d / "pk.json"))  # the twin: resealing alone changes nothing
    with pytest.raises(ArtifactError, match=message):
        read_pk(_edit_resealed(d / "pk.json", tmp_path / "bad.json", edit))


def test_pk_blob_keeps_points_at_infinity(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    r1cs = R1CS(3, 1, 0, (Constraint(((2, 1),), ((2, 1),), ((1, 1),)),))
    pk, _ = setup(r1cs, random.Random(3))
    pk = replace(pk, a_query=(None, *pk.a_query[1:]), b_g2_query=(*pk.b_g2_query[:-1], None))
    write_pk(str(tmp_path / "pk.json"), pk)
    back = read_pk(str(tmp_path / "pk.json"))
    assert back == pk and back.a_query[0] is None and back.b_g2_query[-1] is None and back.a_query[1] is not None
