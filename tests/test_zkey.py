"""snarkjs's binary `.zkey` both ways (issue 14): `zkvmc export zkey` keys prove in snarkjs,
`zkvmc import zkey` keys from snarkjs prove in zkvmc, each verified by the other tool, with the
negative twins (wrong public input, key for another circuit, hostile files), and the H-basis
conversion between snarkjs's odd-coset basis and zkvmc's power basis.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ceremony_support import Materials, materials, workdir, zk_ok
from cli_support import REPO, needs_snarkjs, snarkjs, snarkjs_ok
from cli_support import run_in
from zkvmc.artifacts.groth16_files import read_pk
from zkvmc.artifacts.zkey import read_zkey_binary, zkey_from_bytes, zkey_to_bytes
from zkvmc.ceremony.convert import h_from_power_basis, h_to_power_basis
from zkvmc.ceremony.points import points_from_lem, points_to_lem
from zkvmc.errors import ArtifactError

pytestmark = needs_snarkjs


@pytest.fixture(scope="module")
def d(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snarkjs key with one contribution (s1.zkey) and a zkvmc single-party key, side by side."""
    m: Materials = materials(tmp_path_factory)
    wd = workdir(m, tmp_path_factory.mktemp("zkey"))
    snarkjs_ok(wd, "groth16", "setup", "pc.r1cs", "pot_prepared.ptau", "s0.zkey")
    snarkjs_ok(wd, "zkey", "contribute", "s0.zkey", "s1.zkey", "--name=dave", "-e=some entropy")
    zk_ok(wd, "setup", "-c", "pc.r1cs.json", "--insecure-seed", "7")
    return wd


def test_contributed_zkey_round_trips_byte_for_byte(d: Path) -> None:
    data = (d / "s1.zkey").read_bytes()
    z = zkey_from_bytes(data, "s1.zkey")
    assert zkey_to_bytes(z) == data
    assert [c.name for c in z.contributions] == ["dave"]


def test_snarkjs_proves_with_an_exported_zkvmc_key(d: Path) -> None:
    zk_ok(d, "export", "zkey", "proving_key.json", "-o", "ours.zkey", "-c", "pc.r1cs.json")
    snarkjs_ok(d, "groth16", "prove", "ours.zkey", "pc.wtns", "p1.json", "pub1.json")
    assert run_in(d, "verify", "-p", "p1.json", "--public", "pub1.json").returncode == 0
    assert "OK" in snarkjs_ok(d, "groth16", "verify", "verification_key.json", "pub1.json", "p1.json")
    public = json.loads((d / "pub1.json").read_text())
    public[0] = str(int(public[0]) + 1)  # the negative twin: a wrong public signal
    (d / "pub1_bad.json").write_text(json.dumps(public))
    assert run_in(d, "verify", "-p", "p1.json", "--public", "pub1_bad.json").returncode == 1


def test_zkvmc_proves_with_an_imported_snarkjs_key(d: Path) -> None:
    zk_ok(d, "import", "zkey", "s1.zkey", "-c", "pc.r1cs.json", "-o", "pk_s.json", "--vk", "vk_s.json")
    zk_ok(d, "prove", "--pk", "pk_s.json", "-c", "pc.r1cs.json", "-w", "pc.witness.json", "-p", "p2.json",
          "--public", "pub2.json")
    snarkjs_ok(d, "zkey", "export", "verificationkey", "s1.zkey", "vk_theirs.json")
    assert "OK" in snarkjs_ok(d, "groth16", "verify", "vk_theirs.json", "pub2.json", "p2.json")
    assert run_in(d, "verify", "--vk", "vk_s.json", "-p", "p2.json", "--public", "pub2.json").returncode == 0
    proof = json.loads((d / "p2.json").read_text())
    proof["pi_c"] = proof["pi_a"]  # the negative twin: a tampered proof, rejected by both
    (d / "p2_bad.json").write_text(json.dumps(proof))
    assert "OK" not in snarkjs(d, "groth16", "verify", "vk_theirs.json", "pub2.json", "p2_bad.json").stdout
    assert run_in(d, "verify", "--vk", "vk_s.json", "-p", "p2_bad.json", "--public", "pub2.json").returncode == 1


def test_import_and_export_refuse_another_circuit(d: Path) -> None:
    zk_ok(d, "compile", str(REPO / "programs" / "calls.asm"), "-o", "calls.r1cs.json")
    r = run_in(d, "import", "zkey", "s1.zkey", "-c", "calls.r1cs.json", "-o", "x.json", "--vk", "y.json")
    assert r.returncode == 2 and "another circuit" in r.stderr, r.stderr
    assert not (d / "x.json").exists()
    r = run_in(d, "export", "zkey", "proving_key.json", "-c", "calls.r1cs.json", "-o", "x.zkey")
    assert r.returncode == 2 and "another circuit" in r.stderr, r.stderr
    zk_ok(d, "setup", "-c", "pc.r1cs.json", "--insecure-seed", "8", "--pk", "pk8.json", "--vk", "vk8.json")
    r = run_in(d, "export", "zkey", "proving_key.json", "--vk", "vk8.json", "-c", "pc.r1cs.json", "-o", "x.zkey")
    assert r.returncode == 2 and "do not belong together" in r.stderr, r.stderr


@pytest.mark.parametrize("damage, field", [
    (lambda b: b[:-10], "section"),
    (lambda b: b[:4] + b"\x02" + b[5:], "version"),
    (lambda b: b"zkez" + b[4:], "magic"),
])
def test_hostile_zkey_files_exit_2_naming_the_field(d: Path, damage, field: str) -> None:  # type: ignore[no-untyped-def]
    (d / "bad.zkey").write_bytes(damage((d / "s1.zkey").read_bytes()))
    r = run_in(d, "import", "zkey", "bad.zkey", "-c", "pc.r1cs.json", "-o", "x.json", "--vk", "y.json")
    assert r.returncode == 2 and "bad.zkey" in r.stderr and field in r.stderr, r.stderr


def test_off_curve_point_is_refused(d: Path) -> None:
    z = read_zkey_binary(str(d / "s1.zkey"))
    data = bytearray(zkey_to_bytes(z))
    at = bytes(data).index(z.a[64:128])  # the second A point: its x coordinate + 1
    data[at] ^= 1
    with pytest.raises(ArtifactError) as e:
        zkey_from_bytes(bytes(data), "off.zkey")
    assert e.value.field == "a[1]"


def test_h_basis_conversion_round_trips_and_matches_its_python_twin(d: Path) -> None:
    pk = read_pk(str(d / "proving_key.json"))
    hq = points_to_lem(pk.h_query)
    h = h_from_power_basis(hq, pk.domain_size)
    assert h == h_from_power_basis(hq, pk.domain_size, backend="python")
    assert h_to_power_basis(h, pk.domain_size) == hq
    assert h_to_power_basis(h, pk.domain_size, backend="python") == hq
    z = read_zkey_binary(str(d / "s1.zkey"))  # a ceremony key: its last power-basis point is not infinity
    assert len(points_from_lem(h_to_power_basis(z.h, z.domain_size))) == z.domain_size - 1
