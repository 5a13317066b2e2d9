"""Issue 15 parts 1-2: the lean prover (native quotient, one pass over the rows, named pieces,
stage progress), the constraint matrices carried in the proving key, `zkvmc doctor`, the
fallback notice and the platform markers of the default dependencies."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from r1cs_support import random_groth16_system as random_system
from cli_support import REPO, factorial_keys, ok
from cli_support import run_in as zkvmc
from zkvmc.artifacts.groth16_files import pk_from_json, pk_to_json, read_pk_and_matrices
from zkvmc.artifacts.io import digest
from zkvmc.artifacts.pk_matrices import matrices_from_json, matrices_to_json
from zkvmc.backend import get_backend
from zkvmc.backend.parallel import run_all
from zkvmc.errors import ArtifactError
from zkvmc.field import R, ntt_flint
from zkvmc.field.ntt import intt
from zkvmc.groth16 import WitnessUnsatisfied, prove, setup, verify
from zkvmc.groth16.qap import checked_row_values, coset_evals, quotient_from_cosets
from zkvmc.r1cs.system import first_unsatisfied

prove_mod = sys.modules["zkvmc.groth16.prove"]  # the module: zkvmc.groth16.prove is also the function

needs_flint = pytest.mark.skipif(not ntt_flint.available(), reason="python-flint not installed on this platform")


@pytest.fixture(scope="module")
def system():  # type: ignore[no-untyped-def]
    rng = random.Random(15)
    r1cs, w = random_system(rng, 12, 40, 1, 2)
    pk, vk = setup(r1cs, rng)
    return r1cs, w, pk, vk


# ---- the quotient: native truncated product against the pure-Python coset NTTs -------------


@needs_flint
@pytest.mark.parametrize("k", [1, 2, 5, 9])
def test_native_quotient_equals_the_coset_method(k: int) -> None:
    rng, n = random.Random(k), 1 << k
    a, b = ([rng.randrange(R) for _ in range(n)] for _ in range(2))
    c = [x * y % R for x, y in zip(a, b)]  # A B - C vanishes on the domain
    naive = quotient_from_cosets(*(coset_evals(e) for e in (a, b, c)), n)
    assert ntt_flint.quotient_from_coeffs(*(intt(e) for e in (a, b, c)), n) == naive
    c[0] = (c[0] + 1) % R  # A B - C no longer divisible by Z: not the quotient any more
    assert ntt_flint.quotient_from_coeffs(*(intt(e) for e in (a, b, c)), n) != naive


@needs_flint
def test_mul_low_pads_to_n_and_truncates() -> None:
    assert ntt_flint.mul_low([1, 1], [R - 1, 1], 4) == [R - 1, 0, 1, 0]  # (1 + X)(X - 1) = X^2 - 1
    assert ntt_flint.mul_low([2, 3], [5, 7], 1) == [10]


# ---- one pass over the rows: the satisfaction check on the row values ----------------------


def test_checked_row_values_finds_the_same_constraint_as_first_unsatisfied(system) -> None:  # type: ignore[no-untyped-def]
    r1cs, w, pk, _ = system
    assert checked_row_values(r1cs, w, pk.domain_size)[1] is None
    rng = random.Random(3)
    for _ in range(10):
        bad = list(w)
        bad[rng.randrange(1, len(w))] = rng.randrange(R)
        assert checked_row_values(r1cs, bad, pk.domain_size)[1] == first_unsatisfied(r1cs, bad)


# ---- proofs: the same with either quotient method, and tasks named, not positional ----------


def _proof(system, jobs: int = 1, progress=None):  # type: ignore[no-untyped-def]
    r1cs, w, pk, _ = system
    return prove(pk, r1cs, w, random.Random(9), progress, get_backend(None), jobs)


@needs_flint
def test_proof_is_the_same_with_the_native_or_the_python_quotient(system, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    native = _proof(system)
    monkeypatch.setattr(ntt_flint, "available", lambda: False)
    assert _proof(system) == native
    r1cs, w, pk, vk = system
    public = w[1:pk.n_public + 1]
    assert verify(vk, public, native)
    assert not verify(vk, [(public[0] + 1) % R, *public[1:]], native)
    assert not verify(vk, public, replace(native, c=native.a))


def test_reordering_the_tasks_cannot_mix_up_the_pieces(system, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    expected = _proof(system)
    original = prove_mod._tasks
    monkeypatch.setattr(prove_mod, "_tasks", lambda *a: dict(reversed(original(*a).items())))
    assert _proof(system) == expected
    assert _proof(system, jobs=2) == expected


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_stage_is_reported_once_when_it_finishes(system, jobs: int) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    _proof(system, jobs, lambda stage, done, total: seen.append(stage) if done == total else None)
    assert sorted(seen) == sorted(prove_mod.TASK_NAMES) and len(seen) == len(set(seen))
    at = seen.index  # each after every piece it needs (the other MSMs may still run: pipelined)
    assert max(at(prove_mod.STAGES[k]) for k in ("row_a", "row_b", "row_c")) < at(prove_mod.QUOTIENT) < at(prove_mod.C_H)


def test_an_unsatisfying_witness_is_refused(system) -> None:  # type: ignore[no-untyped-def]
    r1cs, w, pk, _ = system
    bad = list(w)
    bad[-1] = (bad[-1] + 1) % R
    k = first_unsatisfied(r1cs, bad)
    assert k is not None
    with pytest.raises(WitnessUnsatisfied, match=f"constraint {k}"):
        prove(pk, r1cs, bad, random.Random(1))


def test_run_all_reports_every_task_once_and_keeps_order() -> None:
    tasks = [lambda i=i: i * i for i in range(5)]
    for jobs in (1, 2):
        done: list[int] = []
        assert run_all(tasks, jobs, done.append) == [0, 1, 4, 9, 16]
        assert sorted(done) == list(range(5))


# ---- the constraint matrices in the proving key ---------------------------------------------


def test_matrices_round_trip(system) -> None:  # type: ignore[no-untyped-def]
    r1cs, _, pk, _ = system
    obj = json.loads(json.dumps(pk_to_json(pk, r1cs=r1cs)))
    assert pk_from_json(obj, "pk.json") == pk
    assert matrices_from_json(obj["matrices"], "pk.json", pk.n_wires, pk.n_public) == r1cs
    assert "matrices" not in pk_to_json(pk)  # additive: keys without them are as before


def _with(obj: dict, part: str, key: str, value: object) -> dict:
    m = json.loads(json.dumps(obj))
    if part:
        m[part][key] = value
    else:
        m[key] = value
    return m


@pytest.mark.parametrize("part,key,value,where", [
    ("a", "wires", "ffffffff", "matrices.a"),
    ("b", "counts", "zz", "matrices.b.counts"),
    ("c", "coeffs", "", "matrices.c"),
    ("", "coeff_table", ["0"], "matrices.coeff_table[0]"),
    ("", "n_outputs", 5, "matrices.n_outputs"),
])
def test_bad_matrices_are_refused_naming_the_field(system, part: str, key: str, value: object, where: str) -> None:  # type: ignore[no-untyped-def]
    r1cs, _, pk, _ = system
    good = matrices_to_json(r1cs)
    with pytest.raises(ArtifactError, match=where.replace(".", r"\.").replace("[", r"\[")):
        matrices_from_json(_with(good, part, key, value), "pk.json", pk.n_wires, pk.n_public)


def test_a_wire_beyond_the_key_is_refused(system) -> None:  # type: ignore[no-untyped-def]
    r1cs, _, pk, _ = system
    with pytest.raises(ArtifactError, match="not below n_wires"):
        matrices_from_json(matrices_to_json(r1cs), "pk.json", 5, pk.n_public)


def test_an_edited_matrix_breaks_the_key_digest(system, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r1cs, _, pk, _ = system
    obj = pk_to_json(pk, r1cs=r1cs)
    obj["matrices"]["coeff_table"][0] = "2"
    (tmp_path / "pk.json").write_text(json.dumps(obj))
    with pytest.raises(ArtifactError, match="digest"):
        read_pk_and_matrices(str(tmp_path / "pk.json"))
    body = {k: v for k, v in obj.items() if k not in ("format", "version", "curve", "circuit_digest", "digest")}
    assert digest(body) != obj["digest"]


# ---- the CLI: prove reads the key and the witness only --------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return factorial_keys(tmp_path_factory.mktemp("lean"))


def test_prove_needs_no_circuit_file_when_the_key_has_the_matrices(folder: Path) -> None:
    ok(folder, "prove", "--insecure-seed", "4", "--quiet", "-p", "with_circuit.json")
    with_circuit = (folder / "with_circuit.json").read_bytes()
    obj = json.loads((folder / "proving_key.json").read_text())
    assert "matrices" in obj
    del obj["matrices"]  # an older key: the prover falls back to the circuit file
    body = {k: v for k, v in obj.items() if k not in ("format", "version", "curve", "circuit_digest", "digest")}
    obj["digest"] = digest(body)
    (folder / "old_pk.json").write_text(json.dumps(obj))
    ok(folder, "prove", "--insecure-seed", "4", "--quiet", "--pk", "old_pk.json", "-p", "old.json")
    assert (folder / "old.json").read_bytes() == with_circuit
    (folder / "circuit.r1cs.json").rename(folder / "away.json")
    try:
        res = zkvmc(folder, "prove", "--insecure-seed", "4", "--quiet", "-p", "lean.json")
        assert res.returncode == 0, res.stderr
        assert (folder / "lean.json").read_bytes() == with_circuit
        assert zkvmc(folder, "verify", "-p", "lean.json").returncode == 0
        assert zkvmc(folder, "verify", "-p", "lean.json", "--public", "missing_public.json").returncode == 2
        bad = zkvmc(folder, "prove", "--quiet", "--pk", "old_pk.json", "-p", "x.json")
        assert bad.returncode == 2 and "circuit.r1cs.json" in bad.stderr  # an older key still needs the circuit
        named = zkvmc(folder, "prove", "--quiet", "-c", "away.json", "-p", "y.json")  # a named circuit is checked
        assert named.returncode == 0 and (folder / "y.json").exists()
        wrong = zkvmc(folder, "prove", "--quiet", "-c", "missing.json", "-p", "z.json")
        assert wrong.returncode == 2 and "missing.json" in wrong.stderr
    finally:
        (folder / "away.json").rename(folder / "circuit.r1cs.json")


def test_prove_refuses_a_witness_of_another_circuit(folder: Path) -> None:
    w = json.loads((folder / "witness.json").read_text())
    w["circuit_digest"] = "0" * 64
    (folder / "other_witness.json").write_text(json.dumps(w))
    res = zkvmc(folder, "prove", "--quiet", "-w", "other_witness.json", "-p", "x.json")
    assert res.returncode == 2 and "another circuit" in res.stderr


# ---- doctor, the fallback notice, and the platform markers ----------------------------------


def test_doctor_names_the_backend_in_use(folder: Path) -> None:
    res = zkvmc(folder, "doctor", "--json")
    assert res.returncode == 0
    r = json.loads(res.stdout)
    assert r["backend"] == get_backend(None).name
    assert r["polynomials"] == ("python-flint" if ntt_flint.available() else "python")
    text = zkvmc(folder, "doctor")
    assert text.returncode == 0 and f"backend (auto):   {r['backend']}" in text.stdout


def test_pure_python_fallback_says_once_how_to_get_the_fast_path(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "mclbn256.py").write_text("raise ImportError('no native library for this test')\n")
    env = {"PYTHONPATH": f"{tmp_path}:{REPO}", "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "zkvmc", "prove", "--quiet", "--insecure-seed", "4", "-p",
                          str(tmp_path / "p.json"), "--public", str(tmp_path / "pub.json")],
                         cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("pure-Python backend") == 1 and "zkvmc[fast]" in run.stderr
    assert zkvmc(folder, "verify", "-p", str(tmp_path / "p.json"), "--public", str(tmp_path / "pub.json")).returncode == 0
    doctor = subprocess.run([sys.executable, "-m", "zkvmc", "doctor", "--json"], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=120)
    assert json.loads(doctor.stdout)["backend"] == "python" and "does not load" in doctor.stdout
    quiet = subprocess.run([sys.executable, "-m", "zkvmc", "prove", "--quiet", "--backend", "python", "-p",
                            str(tmp_path / "q.json"), "--public", str(tmp_path / "pub2.json")],
                           cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0 and "pure-Python backend" not in quiet.stderr  # asked for: no notice


def _requirements() -> dict[str, str]:
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    return {d.split(";")[0].split("=")[0].split(">")[0].strip(): d for d in deps}


@pytest.mark.parametrize("env,fast", [
    ({"sys_platform": "linux", "platform_machine": "x86_64"}, {"mclbn256", "gmpy2", "python-flint"}),
    ({"sys_platform": "linux", "platform_machine": "aarch64"}, {"gmpy2"}),
    ({"sys_platform": "win32", "platform_machine": "AMD64"}, {"mclbn256", "gmpy2", "python-flint"}),
    ({"sys_platform": "darwin", "platform_machine": "arm64", "platform_release": "23.1.0"},
     {"mclbn256", "gmpy2", "python-flint"}),
    ({"sys_platform": "darwin", "platform_machine": "x86_64", "platform_release": "19.6.0"}, {"gmpy2", "python-flint"}),
    ({"sys_platform": "linux", "platform_machine": "x86_64", "platform_python_implementation": "PyPy"}, set()),
])
def test_native_dependencies_are_installed_only_where_they_have_wheels(env: dict, fast: set) -> None:
    from packaging.requirements import Requirement

    full = {"platform_python_implementation": "CPython", "platform_release": "6.1.0", **env}
    chosen = {name for name, spec in _requirements().items()
              if Requirement(spec).marker is None or Requirement(spec).marker.evaluate(full)}
    assert chosen & {"mclbn256", "gmpy2", "python-flint"} == fast
    assert {"click", "lark", "py_ecc", "rich"} <= chosen  # the pure-Python path is always there


def test_the_key_readers_inline_g2_check_agrees_with_the_curve_code() -> None:
    from zkvmc.artifacts.groth16_files import g2_on_curve_ints
    from zkvmc.curve import g2
    from zkvmc.curve.adapter import FIELD_MODULUS as Q, G2_GEN

    rng = random.Random(7)
    pts = [g2.to_affine(g2.mul(g2.from_affine(G2_GEN), rng.randrange(1, R))) for _ in range(5)]
    for (x0, x1), (y0, y1) in pts:
        assert g2_on_curve_ints(x0, x1, y0, y1) and g2.is_on_curve(((x0, x1), (y0, y1)))
        for bad in ((x0, x1, (y0 + 1) % Q, y1), (x0, (x1 + 1) % Q, y0, y1), (y0, y1, x0, x1)):
            assert g2_on_curve_ints(*bad) == g2.is_on_curve(((bad[0], bad[1]), (bad[2], bad[3]))) is False
