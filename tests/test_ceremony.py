"""Phase-2 ceremonies (issue 14): powers-of-tau import, contributions, beacons and verification,
mixed with snarkjs both ways, and the negative twins (tampered contribution or section, swapped
circuit, ptau from another ceremony, truncated or too small ptau).

The ptau files come from snarkjs inside the session (tests/ceremony_support.py, 2^8).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ceremony_support import Materials, materials, workdir, zk_ok
from cli_support import needs_snarkjs, snarkjs, snarkjs_ok
from cli_support import run_in
from zkvmc.artifacts.circuit_file import read_circuit
from zkvmc.artifacts.zkey import read_zkey, read_zkey_binary, write_zkey, zkey_to_json
from zkvmc.ceremony import rawops
from zkvmc.ceremony.phase2 import new_zkey
from zkvmc.ceremony.ptau import TAU_G1, TAU_G2, lagrange_from_powers, read_ptau
from zkvmc.ceremony.rng import ChaCha, fr_from_rng, g1_from_rng, seed_of
from zkvmc.field import inv
from zkvmc.field.ntt import root_of_unity

pytestmark = needs_snarkjs


@pytest.fixture(scope="session")
def m(tmp_path_factory: pytest.TempPathFactory) -> Materials:
    return materials(tmp_path_factory)


@pytest.fixture
def wd(m: Materials, tmp_path: Path) -> Path:
    return workdir(m, tmp_path)


# ---- ptau -----------------------------------------------------------------------------------


def test_lagrange_from_plain_powers_equals_snarkjs_prepare(m: Materials) -> None:
    plain, prepared = read_ptau(str(m.ptau)), read_ptau(str(m.ptau_prepared))
    assert not plain.prepared and prepared.prepared
    for kind, n in ((TAU_G1, 64), (TAU_G2, 16), (TAU_G1, 512)):  # 512 = 2^(power+1): padded like snarkjs
        assert plain.lagrange(kind, n) == prepared.lagrange(kind, n)
    assert plain.lagrange(TAU_G1, 64) != prepared.lagrange(TAU_G1, 32) * 2  # the levels differ


def test_group_fft_matches_its_naive_twin(m: Materials) -> None:
    pts = read_ptau(str(m.ptau)).powers(TAU_G1, 3, 16)
    w = root_of_unity(16)
    assert rawops.fft(pts, w) == rawops.dft_naive(pts, w) == rawops.fft(pts, w, backend="python")
    assert lagrange_from_powers(pts, 16) == rawops.scale_all(rawops.dft_naive(pts, inv(w)), inv(16))
    assert rawops.fft(pts, w) != rawops.fft(pts, inv(w))


def test_mcl_bulk_operations_match_their_python_twins(m: Materials) -> None:
    p = read_ptau(str(m.ptau))
    g1, g2 = p.powers(TAU_G1, 0, 8), p.powers(TAU_G2, 0, 8)
    ks = [3, 0, 2**200 + 7, 1, 5, 11, 2**64, 9]
    terms = [[(0, 5), (3, 2**100)], [], [(7, 1)], [(1, 4), (1, 6)]]
    for pts, is_g2 in ((g1, False), (g2, True)):
        assert rawops.scale_each(pts, ks, is_g2) == rawops.scale_each(pts, ks, is_g2, backend="python")
        assert rawops.combos(pts, terms, is_g2) == rawops.combos(pts, terms, is_g2, backend="python")
    rot = g1[64:] + g1[:64]
    assert rawops.sub_pairs(g1, rot) == rawops.sub_pairs(g1, rot, backend="python") != rawops.sub_pairs(rot, g1)


def test_truncated_ptau_is_refused_naming_file_and_section(wd: Path) -> None:
    data = (wd / "pot.ptau").read_bytes()
    (wd / "cut.ptau").write_bytes(data[: len(data) - 100])
    r = run_in(wd, "setup", "-c", "pc.r1cs.json", "--ptau", "cut.ptau", "-o", "s.zkey.json")
    assert r.returncode == 2 and "cut.ptau" in r.stderr and "section" in r.stderr, r.stderr
    assert not (wd / "s.zkey.json").exists()
    ok = run_in(wd, "setup", "-c", "pc.r1cs.json", "--ptau", "pot.ptau", "-o", "s.zkey.json")
    assert ok.returncode == 0 and (wd / "s.zkey.json").exists(), ok.stderr


def test_inconsistent_and_foreign_files_are_refused(wd: Path) -> None:
    data = bytearray((wd / "pot.ptau").read_bytes())
    data[12 + 4 + 8 + 4 + 32] ^= 1  # the header's power: the sections no longer fit it
    (wd / "bad.ptau").write_bytes(bytes(data))
    r = run_in(wd, "setup", "-c", "pc.r1cs.json", "--ptau", "bad.ptau", "-o", "s.zkey.json")
    assert r.returncode == 2 and "bad.ptau" in r.stderr and "power" in r.stderr, r.stderr
    r = run_in(wd, "setup", "-c", "pc.r1cs.json", "--ptau", "pc.r1cs", "-o", "s.zkey.json")
    assert r.returncode == 2 and "pc.r1cs" in r.stderr and "magic" in r.stderr, r.stderr


def test_too_small_ptau_is_refused(wd: Path) -> None:
    snarkjs_ok(wd, "powersoftau", "new", "bn128", "4", "tiny.ptau")
    r = run_in(wd, "setup", "-c", "pc.r1cs.json", "--ptau", "tiny.ptau", "-o", "s.zkey.json")
    assert r.returncode == 2 and "tiny.ptau" in r.stderr and "too few" in r.stderr, r.stderr


# ---- phase 2 against snarkjs ----------------------------------------------------------------------


def test_initial_key_is_byte_for_byte_snarkjs_groth16_setup(m: Materials, wd: Path) -> None:
    snarkjs_ok(wd, "groth16", "setup", "pc.r1cs", "pot_prepared.ptau", "s0.zkey")
    theirs = read_zkey_binary(str(wd / "s0.zkey"))
    r1cs = read_circuit(str(m.circuit)).r1cs
    for ptau in (m.ptau, m.ptau_prepared):
        assert new_zkey(r1cs, read_ptau(str(ptau))) == theirs


def _chain(wd: Path) -> None:
    """zkvmc setup (unprepared ptau) -> zkvmc alice -> snarkjs bob -> snarkjs beacon -> zkvmc carol
    -> zkvmc beacon: c5.zkey.json, and c5.zkey for snarkjs."""
    zk_ok(wd, "setup", "-c", "pc.r1cs.json", "--ptau", "pot.ptau", "-o", "c0.zkey.json")
    zk_ok(wd, "ceremony", "contribute", "c0.zkey.json", "c1.zkey", "--name", "alice", "--entropy", "correct horse")
    snarkjs_ok(wd, "zkey", "contribute", "c1.zkey", "c2.zkey", "--name=bob", "-e=battery staple")
    snarkjs_ok(wd, "zkey", "beacon", "c2.zkey", "c3.zkey", "00ff" * 16, "10", "-n=snarkjs beacon")
    zk_ok(wd, "ceremony", "contribute", "c3.zkey", "c4.zkey.json", "--name", "carol")
    zk_ok(wd, "ceremony", "beacon", "c4.zkey.json", "c5.zkey.json", "--beacon", "abcdef0123", "--iterations", "10")
    zk_ok(wd, "export", "zkey", "c5.zkey.json", "-o", "c5.zkey")


@pytest.fixture(scope="module")
def chain(m: Materials, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mixed ceremony for the tests below (each writes its own, differently named files)."""
    wd = workdir(m, tmp_path_factory.mktemp("chain"))
    _chain(wd)
    return wd


def test_mixed_ceremony_verifies_in_both_tools(chain: Path) -> None:
    r = run_in(chain, "ceremony", "verify", "-c", "pc.r1cs.json", "--ptau", "pot_prepared.ptau", "c5.zkey.json",
               "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["contributions"]
    assert [(x["type"], x["name"]) for x in rows] == [("contribution", "alice"), ("contribution", "bob"),
                                                      ("beacon", "snarkjs beacon"), ("contribution", "carol"),
                                                      ("beacon", "final beacon")]
    out = snarkjs_ok(chain, "zkey", "verify", "pc.r1cs", "pot_prepared.ptau", "c5.zkey")
    assert "ZKey Ok!" in out
    assert rows[0]["hash"][:8] in out.replace("\t", "").replace(" ", "").replace("\n", "")


def test_proofs_cross_between_tools_with_the_ceremony_key(chain: Path) -> None:
    zk_ok(chain, "ceremony", "export", "c5.zkey.json", "-c", "pc.r1cs.json")
    zk_ok(chain, "prove", "-c", "pc.r1cs.json", "-w", "pc.witness.json")
    snarkjs_ok(chain, "zkey", "export", "verificationkey", "c5.zkey", "vk_s.json")
    assert "OK" in snarkjs_ok(chain, "groth16", "verify", "vk_s.json", "public.json", "proof.json")
    snarkjs_ok(chain, "groth16", "prove", "c5.zkey", "pc.wtns", "p_s.json", "pub_s.json")
    assert run_in(chain, "verify", "-p", "p_s.json", "--public", "pub_s.json").returncode == 0
    proof = json.loads((chain / "p_s.json").read_text())  # the negative twin: a tampered proof
    proof["pi_a"] = proof["pi_c"]
    (chain / "bad.json").write_text(json.dumps(proof))
    assert run_in(chain, "verify", "-p", "bad.json", "--public", "pub_s.json").returncode == 1


# ---- negative twins ------------------------------------------------------------------------------


def _tamper(wd: Path, name: str, edit) -> None:  # type: ignore[no-untyped-def]
    z, digest = read_zkey(str(wd / "c5.zkey.json"))
    write_zkey(str(wd / name), edit(z), digest)


def _verify(wd: Path, state: str, circuit: str = "pc.r1cs.json", ptau: str = "pot_prepared.ptau"):  # type: ignore[no-untyped-def]
    return run_in(wd, "ceremony", "verify", "-c", circuit, "--ptau", ptau, state)


def test_tampered_contribution_is_named(chain: Path) -> None:
    from dataclasses import replace

    def swap_key(z):  # type: ignore[no-untyped-def]
        cs = list(z.contributions)
        cs[3] = replace(cs[3], g1_sx=cs[3].g1_s)  # carol's proof of knowledge no longer matches
        return replace(z, contributions=tuple(cs))

    _tamper(chain, "t.zkey.json", swap_key)
    r = _verify(chain, "t.zkey.json")
    assert r.returncode == 1 and "contribution #4 ('carol')" in r.stderr, r.stderr
    assert _verify(chain, "c5.zkey.json").returncode == 0
    zk_ok(chain, "export", "zkey", "t.zkey.json", "-o", "t.zkey")
    assert "ZKey Ok!" not in snarkjs(chain, "zkey", "verify", "pc.r1cs", "pot_prepared.ptau", "t.zkey").stdout


def test_tampered_sections_are_named(chain: Path) -> None:
    from dataclasses import replace

    _tamper(chain, "l.zkey.json", lambda z: replace(z, c=z.c[64:128] + z.c[:64] + z.c[128:]))
    r = _verify(chain, "l.zkey.json")
    assert r.returncode == 1 and "L (C) section" in r.stderr, r.stderr
    _tamper(chain, "h.zkey.json", lambda z: replace(z, h=z.h[64:] + z.h[:64]))
    r = _verify(chain, "h.zkey.json")
    assert r.returncode == 1 and "H section" in r.stderr, r.stderr
    _tamper(chain, "d.zkey.json", lambda z: replace(z, delta_g2=z.beta_g2))
    r = _verify(chain, "d.zkey.json")
    assert r.returncode == 1 and "delta_2" in r.stderr, r.stderr


def test_swapped_circuit_and_foreign_ptau_are_rejected(chain: Path) -> None:
    from ceremony_support import REPO

    zk_ok(chain, "compile", str(REPO / "programs" / "calls.asm"), "-o", "other.r1cs.json")
    r = _verify(chain, "c5.zkey", circuit="other.r1cs.json")
    assert r.returncode == 1 and "another circuit" in r.stderr, r.stderr
    r = _verify(chain, "c5.zkey.json", ptau="other_prepared.ptau")
    assert r.returncode == 1 and "csHash" in r.stderr, r.stderr
    assert "ZKey Ok!" not in snarkjs(chain, "zkey", "verify", "pc.r1cs", "other_prepared.ptau", "c5.zkey").stdout
    assert _verify(chain, "c5.zkey").returncode == 0  # the binary twin of the same key is fine


def test_contribution_secrets_are_fresh_and_never_written(m: Materials, wd: Path) -> None:
    zk_ok(wd, "setup", "-c", "pc.r1cs.json", "--ptau", "pot_prepared.ptau", "-o", "s0.zkey.json")
    outs = [run_in(wd, "ceremony", "contribute", "s0.zkey.json", f"s{i}.zkey.json", "--entropy", "hunter2")
            for i in (1, 2)]
    assert all(o.returncode == 0 for o in outs)
    a, b = (read_zkey(str(wd / f"s{i}.zkey.json"))[0] for i in (1, 2))
    assert a.delta_g1 != b.delta_g1 and a.contributions[0].g1_s != b.contributions[0].g1_s
    for i, o in zip((1, 2), outs):
        assert "hunter2" not in o.stdout + o.stderr
        assert b"hunter2" not in (wd / f"s{i}.zkey.json").read_bytes()


def test_beacon_is_snarkjs_reproducible_and_checked(wd: Path) -> None:
    """The beacon's key is what snarkjs derives (zkvmc.ceremony.rng matches ffjavascript), and bad
    beacon arguments are usage errors."""
    zk_ok(wd, "setup", "-c", "pc.r1cs.json", "--ptau", "pot_prepared.ptau", "-o", "b0.zkey")
    zk_ok(wd, "ceremony", "beacon", "b0.zkey", "ours.zkey", "--beacon", "0102", "--iterations", "10")
    snarkjs_ok(wd, "zkey", "beacon", "b0.zkey", "theirs.zkey", "0102", "10", "-n=final beacon")
    ours, theirs = read_zkey_binary(str(wd / "ours.zkey")), read_zkey_binary(str(wd / "theirs.zkey"))
    assert ours == theirs
    assert run_in(wd, "ceremony", "beacon", "b0.zkey", "x.zkey", "--beacon", "zz").returncode == 2
    assert run_in(wd, "ceremony", "beacon", "b0.zkey", "x.zkey", "--beacon", "01", "--iterations", "9").returncode == 2


def test_rng_draws_are_deterministic_per_seed() -> None:
    a, b, c = ChaCha(seed_of(bytes(32))), ChaCha(seed_of(bytes(32))), ChaCha(seed_of(b"\1" + bytes(31)))
    assert (fr_from_rng(a), g1_from_rng(a)) == (fr_from_rng(b), g1_from_rng(b))
    assert fr_from_rng(c) != fr_from_rng(ChaCha(seed_of(bytes(32))))


def test_state_file_digest_guards_edits(wd: Path) -> None:
    zk_ok(wd, "setup", "-c", "pc.r1cs.json", "--ptau", "pot_prepared.ptau", "-o", "e0.zkey.json")
    obj = json.loads((wd / "e0.zkey.json").read_text())
    obj["n_public"] += 1
    (wd / "e1.zkey.json").write_text(json.dumps(obj))
    r = run_in(wd, "ceremony", "contribute", "e1.zkey.json", "e2.zkey.json")
    assert r.returncode == 2 and "e1.zkey.json: digest" in r.stderr, r.stderr
    z, digest = read_zkey(str(wd / "e0.zkey.json"))
    assert zkey_to_json(z, digest)["digest"] == json.loads((wd / "e0.zkey.json").read_text())["digest"]


TINY_ROLLUP = """; a stand-in state-transition program: `rollup init` only compiles it and runs the setup
.public 1
.outputs 1
.const DEPTH 1
.const BATCH 1
.const CHAIN_ID 1
        read r1
        mul r2, r1, r1
        write r2
        halt
"""


def test_rollup_init_takes_its_keys_from_a_ceremony(wd: Path) -> None:
    (wd / "tiny.asm").write_text(TINY_ROLLUP)
    zk_ok(wd, "rollup", "init", "-d", "r", "--program", "tiny.asm", "--ptau", "pot_prepared.ptau")
    r = run_in(wd, "ceremony", "verify", "-c", "r/circuit.r1cs.json", "--ptau", "pot.ptau", "r/ceremony_0001.zkey.json")
    assert r.returncode == 0, r.stderr
    zk_ok(wd, "ceremony", "export", "r/ceremony_0001.zkey.json", "--pk", "pk.json", "--vk", "vk.json")
    assert (wd / "vk.json").read_bytes() == (wd / "r" / "verification_key.json").read_bytes()
    r = run_in(wd, "rollup", "init", "-d", "r2", "--program", "tiny.asm", "--ptau", "pot.ptau", "--insecure-seed", "1")
    assert r.returncode == 2 and "exclude" in r.stderr and not (wd / "r2" / "rollup.json").exists(), r.stderr
