"""`zkvmc verify`'s start-up (issue 15): what it imports, the lazy zkvmc.groth16 package, mcl's
background load and its cheaper digest check, the plain stderr writer, and the readers' G2
subgroup test through the backend. Import checks run in child processes (this one has
imported everything already)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from zkvmc.artifacts.groth16_files import read_proof, read_vk, write_proof, write_public, write_vk
from zkvmc.backend import available, get_backend
from zkvmc.cli import console
from zkvmc.curve import g2
from zkvmc.curve.adapter import FIELD_MODULUS
from zkvmc.curve.codec import g2_to_snarkjs
from zkvmc.errors import ArtifactError
from zkvmc.groth16 import prove, public_signals, setup
from zkvmc.r1cs.system import R1CS, Constraint

MUL = R1CS(4, 1, 1, (Constraint(((2, 1),), ((3, 1),), ((1, 1),)),))
"""x * y = z: z the public output (wire 1), x a public input (wire 2), y private (wire 3)."""

needs_mcl = pytest.mark.skipif("mcl" not in available(), reason="the fast extra (mclbn256) is not installed")

HEAVY = ("rich", "multiprocessing", "secrets", "traceback", "zkvmc.groth16.prove", "zkvmc.groth16.setup",
         "zkvmc.groth16.batch", "zkvmc.groth16.qap")
"""Modules `zkvmc verify` does not need and must not import."""


def _child(code: str, cwd: Path | None = None, **env: str) -> list[str]:
    r = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120,
                       env={**os.environ, **env})
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """vk.json, proof.json and public.json of x * y = z, plus a proof whose B is outside G2."""
    d = tmp_path_factory.mktemp("mul")
    rng, be = random.Random(7), get_backend("python")
    pk, vk = setup(MUL, rng, backend=be)
    w = [1, 15, 3, 5]
    write_vk(str(d / "vk.json"), vk)
    write_proof(str(d / "proof.json"), prove(pk, MUL, w, rng, backend=be))
    write_public(str(d / "public.json"), public_signals(MUL, w))
    obj = json.loads((d / "proof.json").read_text())
    obj["pi_b"] = g2_to_snarkjs(g2.hash_to_twist(b"startup"))  # on the twist, not in G2
    (d / "outside.json").write_text(json.dumps(obj))
    return d


def _verify_code(proof: str) -> str:
    """Runs `zkvmc verify` in a child and prints its exit code and the HEAVY modules it imported
    (with mcl, gmpy2 as well: the Python curve arithmetic is not needed then)."""
    heavy = HEAVY + (("gmpy2", "zkvmc.curve.fq") if "mcl" in available() else ())
    return ("import sys; from zkvmc.cli.main import main\n"
            f"try: main(['verify', '--vk', 'vk.json', '-p', {proof!r}, '--public', 'public.json'])\n"
            "except SystemExit as e: code = e.code\n"
            f"print(code, *[m for m in {heavy!r} if m in sys.modules] or ['-'])")


def test_verify_imports_only_what_it_uses(files: Path) -> None:
    assert _child(_verify_code("proof.json"), files) == ["0", "-"]
    assert _child(_verify_code("outside.json"), files) == ["2", "-"]  # malformed input: exit 2, same path


def test_prove_still_imports_the_prover(files: Path) -> None:
    """The twin: the import check above can see these modules when a command does load them."""
    code = "import sys; from zkvmc.groth16 import prove; print(*[m for m in ('zkvmc.groth16.prove',) if m in sys.modules])"
    assert _child(code) == ["zkvmc.groth16.prove"]


def test_lazy_package_keeps_functions_over_same_named_submodules() -> None:
    """Importing a submodule first binds it on the package; the package must still give the function."""
    code = ("import sys, types; import zkvmc.groth16.prove, zkvmc.groth16.setup, zkvmc.groth16.verify\n"
            "import zkvmc.groth16 as g; from zkvmc.groth16 import prove, setup, verify, verify_batch\n"
            "print(*[isinstance(f, types.FunctionType) for f in (prove, setup, verify, g.prove, g.setup, g.verify)],\n"
            "      prove is sys.modules['zkvmc.groth16.prove'].prove, verify_batch.__module__)")
    assert _child(code) == ["True"] * 7 + ["zkvmc.groth16.batch"]
    with pytest.raises(AttributeError):
        import zkvmc.groth16 as g

        g.no_such_name  # noqa: B018 - the lookup is the test


@needs_mcl
def test_preloaded_mcl_is_the_one_get_backend_uses(tmp_path: Path) -> None:
    code = ("import threading; from zkvmc.backend import get_backend, preload, mcl_load\n"
            "from zkvmc.curve.adapter import G1_GEN\n"
            "preload('auto'); t = mcl_load._PRELOAD.thread; b = get_backend('auto')\n"
            "print(b.name, t.name, t.is_alive(), b.g1_msm([G1_GEN], [2]) == (0x030644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD3, "
            "0x15ED738C0E0A7C92E7845F96B2AE9C0A68A6A449E3538FC7FF3EBF7A5A18A2C4))")
    assert _child(code, ZKVMC_CACHE_DIR=str(tmp_path)) == ["mcl", "zkvmc-mcl-load", "False", "True"]
    assert _child(code, ZKVMC_CACHE_DIR=str(tmp_path)) == ["mcl", "zkvmc-mcl-load", "False", "True"]  # cached


@needs_mcl
def test_a_failed_preload_is_raised_where_the_backend_is_asked_for() -> None:
    """Its error reaches get_backend as a synchronous load's would: auto falls back, mcl is refused."""
    code = ("from zkvmc.backend import get_backend, preload, mcl_load\n"
            "def boom(): raise RuntimeError('boom')\n"
            "mcl_load.load_now = boom; preload(); print(get_backend('auto').name)\n"
            "try: get_backend('mcl')\nexcept Exception as e: print(type(e).__name__)")
    assert _child(code) == ["python", "InputError"]


@needs_mcl
def test_no_preload_beside_a_loaded_backend() -> None:
    """A second mclBn_init while the backend computes would corrupt its results: once the backend
    is imported (as in a test process that ran a prover), preload does nothing; nor for python."""
    code = ("from zkvmc.backend import get_backend, preload, mcl_load; preload('python'); a = mcl_load._PRELOAD\n"
            "get_backend('mcl'); preload('mcl'); print(a, mcl_load._PRELOAD)")
    assert _child(code) == ["None", "None"]


@pytest.mark.parametrize("size", [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 << 20])
def test_file_digest_equals_the_digest_of_the_bytes(tmp_path: Path, size: int) -> None:
    from zkvmc.backend import mcl_load

    data = random.Random(size).randbytes(size)
    (tmp_path / "f").write_bytes(data)
    assert mcl_load._file_digest(tmp_path / "f") == mcl_load._digests([data])[0]
    if size:
        (tmp_path / "f").write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
        assert mcl_load._file_digest(tmp_path / "f") != mcl_load._digests([data])[0]


def test_int_on_curve_tests_agree_with_the_curve_arithmetic() -> None:
    """zkvmc.curve.oncurve (no gmpy2) against zkvmc.curve.g1/g2, on points and on points moved off."""
    from zkvmc.curve import g1
    from zkvmc.curve.adapter import G1_GEN, G2_GEN
    from zkvmc.curve.oncurve import g1_on_curve, g2_on_curve

    rng = random.Random(5)
    ones = [g1.to_affine(g1.mul(g1.from_affine(G1_GEN), rng.randrange(1, 1 << 64))) for _ in range(3)]
    twos = [g2.to_affine(g2.mul(g2.from_affine(G2_GEN), rng.randrange(1, 1 << 64))) for _ in range(3)]
    for p in [None, G1_GEN, *ones]:
        assert g1_on_curve(p) and g1.is_on_curve(p)
        if p is not None:
            off = (p[0], (p[1] + 1) % FIELD_MODULUS)
            assert g1_on_curve(off) == g1.is_on_curve(off) is False
    for p in [None, G2_GEN, *twos, g2.hash_to_twist(b"x")]:
        assert g2_on_curve(p) and g2.is_on_curve(p)
        if p is not None:
            off = (p[0], (p[1][0], (p[1][1] + 1) % FIELD_MODULUS))
            assert g2_on_curve(off) == g2.is_on_curve(off) is False


def test_err_prints_literally_with_or_without_rich(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_stderr", None)
    text = "[bold]x[/bold] :smile: 50% {a}"
    console.err(text)
    assert capsys.readouterr().err == text + "\n"
    console.stderr_console()  # a progress bar's console exists now: err goes through it
    console.err(text)
    assert capsys.readouterr().err == text + "\n"


@pytest.mark.parametrize("name", available())
def test_readers_subgroup_test_through_the_backend(files: Path, name: str) -> None:
    """The backend's G2 test gives the reader the same points and the same errors as Python's."""
    be = get_backend(name)
    test = lambda p: be.g2_in_subgroup([p])  # noqa: E731
    assert read_vk(str(files / "vk.json"), test) == read_vk(str(files / "vk.json"))
    assert read_proof(str(files / "proof.json"), test) == read_proof(str(files / "proof.json"))
    for in_subgroup in (test, None):
        with pytest.raises(ArtifactError, match="pi_b: point is not in the prime-order subgroup"):
            read_proof(str(files / "outside.json"), in_subgroup)
