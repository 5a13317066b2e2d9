"""The mcl library cache (zkvmc/backend/mcl.py) loads only the bytes mclbn256 ships (issue 17).

Each process test runs in its own cache (ZKVMC_CACHE_DIR under tmp_path), so nothing is shared
with ~/.cache/zkvmc or with other tests. A tampered cached library that still loads (bytes
appended to the ELF file) is the attack: it must not be loaded; the package's bytes are used
and the cache is rewritten with them.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zkvmc.backend import available

pytestmark = pytest.mark.skipif("mcl" not in available(), reason="the fast extra (mclbn256) is not installed")

TWO_G = (0x030644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD3,
         0x15ED738C0E0A7C92E7845F96B2AE9C0A68A6A449E3538FC7FF3EBF7A5A18A2C4)
"""[2]G1, as py_ecc computes it."""

CODE = ("import sys; from zkvmc.backend import get_backend; from zkvmc.curve.adapter import G1_GEN; "
        f"b = get_backend('mcl'); print(b.g1_msm([G1_GEN], [2]) == {TWO_G}, 'mclbn256' in sys.modules)")
"""Prints whether mcl computes [2]G1 right, and whether mclbn256 was imported (cache not used)."""


def _run(cache: Path) -> list[str]:
    env = {**os.environ, "ZKVMC_CACHE_DIR": str(cache / "zkvmc")}
    r = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pinned_digests_are_those_of_the_installed_package() -> None:
    """In a child process: importing mclbn256 here would load a second copy of its libraries."""
    code = ("import hashlib; from mclbn256 import mclbn256 as m; from zkvmc.backend import mcl_load as mcl; "
            "print(mcl._SHIPPED[mcl._module().st_size] == mcl._digests((m.mcl_bs, m.mclbn256_bs)))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.split() == ["True"], r.stderr


@pytest.mark.parametrize("victim", ["libmclbn256.so", "lib/libmcl.so"])
def test_tampered_cache_is_not_loaded_and_is_rewritten(tmp_path: Path, victim: str) -> None:
    assert _run(tmp_path) == ["True", "True"]  # decoded from mclbn256, then cached
    (d,) = tmp_path.glob("zkvmc/mclbn256-*")
    genuine = _sha(d / victim)
    with open(d / victim, "ab") as f:
        f.write(b"\0evil")  # still a loadable ELF file: only the digest tells
    assert _run(tmp_path) == ["True", "True"]  # the package's bytes, not the cache
    assert _sha(d / victim) == genuine  # rewritten
    assert _run(tmp_path) == ["True", "False"]  # and used again
    assert not list(d.rglob("*.tmp"))


def test_cache_writable_by_others_is_not_loaded(tmp_path: Path) -> None:
    assert _run(tmp_path) == ["True", "True"]
    (d,) = tmp_path.glob("zkvmc/mclbn256-*")
    assert _run(tmp_path) == ["True", "False"]  # the twin: a private cache is used
    os.chmod(d / "libmclbn256.so", 0o666)
    assert _run(tmp_path) == ["True", "True"]
    assert (d / "libmclbn256.so").stat().st_mode & 0o022 == 0  # rewritten private


def test_cached_bytes_check(tmp_path: Path) -> None:
    """The check alone, on stand-in bytes: exact digests, every file, private folders."""
    from zkvmc.backend import mcl_load as mcl

    d = tmp_path / "zkvmc" / "mclbn256-x"
    blobs = (b"libmcl bytes", b"libmclbn256 bytes")
    mcl._save(d, blobs)
    expected = mcl._digests(blobs)
    assert mcl._cached_bytes_ok(d, expected)
    assert not mcl._cached_bytes_ok(d, (expected[0], expected[0]))
    (d / "lib" / "libmcl.so").write_bytes(b"other bytes")
    assert not mcl._cached_bytes_ok(d, expected)
    mcl._save(d, blobs)
    assert mcl._cached_bytes_ok(d, expected)
    os.chmod(d / "lib", 0o777)
    assert not mcl._cached_bytes_ok(d, expected)
    os.chmod(d / "lib", 0o755)
    (d / "libmclbn256.so").unlink()
    assert not mcl._cached_bytes_ok(d, expected)
