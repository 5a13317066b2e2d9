"""The native backend: mcl (herumi/mcl, MIT) through the PyPI package `mclbn256`.

Takes and gives what zkvmc.backend.Backend says. mcl is re-initialised for the Ethereum /
snarkjs curve (mclBn_init(MCL_BN_SNARK1 = 4, ...), i.e. alt_bn128), and points are handed to it
as raw structs: little-endian 64-bit limbs in Montgomery form (x 2^256 mod q), Jacobian with
z = 1 (infinity: all zero), Fr scalars likewise mod r. Building those bytes in Python costs
~0.6 us per point, against ~78 us for mcl's decimal-string parser. MSMs use mcl's
multi-threaded mulVecMT (jobs threads); verify uses millerLoopVec + one finalExp.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from zkvmc.backend.parallel import chunks, run_all
from zkvmc.curve.adapter import CURVE_ORDER as _R
from zkvmc.curve.adapter import FIELD_MODULUS as _Q
from zkvmc.field import ntt as _ntt

MCL_BN_SNARK1 = 4
"""mcl's id for Ethereum's BN254 (alt_bn128), the curve snarkjs uses."""
COMPILED_TIME_VAR = 44
"""MCLBN_FR_UNIT_SIZE * 10 + MCLBN_FP_UNIT_SIZE for the 256-bit build."""

MIN_SPLIT = 1024
"""Fixed-base batches smaller than this stay in one process."""

_FP = 32
_G1 = ctypes.c_uint64 * 12
_G2 = ctypes.c_uint64 * 24
_GT = ctypes.c_uint64 * 48
_MONT_INV_Q = pow(1 << 256, -1, _Q)
_ONE_Q = ((1 << 256) % _Q).to_bytes(_FP, "little")


def _cache_dir() -> Path | None:
    """Where the libraries from this mclbn256 install are kept (keyed by its module's size and mtime)."""
    spec = importlib.util.find_spec("mclbn256")
    if spec is None or not spec.submodule_search_locations:
        return None
    st = os.stat(os.path.join(list(spec.submodule_search_locations)[0], "mclbn256.py"))
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "zkvmc" / f"mclbn256-{st.st_size}-{st.st_mtime_ns}"


_SO = ("lib/libmcl.so", "libmclbn256.so")
"""The two libraries mclbn256 carries; the second finds the first through its RUNPATH $ORIGIN/lib."""


def _save(d: Path, blobs: tuple[bytes, bytes]) -> None:
    """Write the libraries atomically (caching is an optimisation: failures are ignored)."""
    with contextlib.suppress(OSError):
        for name, blob in zip(_SO, blobs):
            if blob:
                (d / name).parent.mkdir(parents=True, exist_ok=True)
                tmp = d / f"{name}.{os.getpid()}.tmp"
                tmp.write_bytes(blob)
                os.replace(tmp, d / name)


def _from_cache(d: Path | None) -> Any:
    """The cached mclbn256 library, or None."""
    if d is None or not (d / _SO[1]).exists():
        return None
    try:
        return ctypes.CDLL(str(d / _SO[1]))
    except OSError:
        return None


def _load() -> Any:
    """mcl, initialised for BN_SNARK1.

    mclbn256 ships its libraries as hex strings in a Python module and decodes them on every
    import (~160 ms, most of a verify's budget); the decoded libraries are cached once and later
    loaded directly (a few ms). Without a writable cache they are used straight from mclbn256.
    """
    d = _cache_dir() if sys.platform == "linux" else None  # the cached layout is the Linux wheel's
    lib = _from_cache(d)
    if lib is None:
        from mclbn256 import mclbn256 as m

        lib = m.lib
        if d is not None:
            _save(d, (m.mcl_bs, m.mclbn256_bs))
    if lib.mclBn_init(MCL_BN_SNARK1, COMPILED_TIME_VAR) != 0:
        raise RuntimeError("mcl: mclBn_init for BN_SNARK1 failed")
    return lib


_LIB = _load()


def _mq(x: int) -> bytes:
    return ((x << 256) % _Q).to_bytes(_FP, "little")


def _fq(b: bytes, i: int) -> int:
    return int.from_bytes(b[i * _FP:(i + 1) * _FP], "little") * _MONT_INV_Q % _Q


def g1_struct(points: Sequence[Any]) -> Any:
    """An mcl G1 array for affine points."""
    zero = bytes(3 * _FP)
    raw = b"".join(zero if p is None else _mq(p[0]) + _mq(p[1]) + _ONE_Q for p in points)
    return (_G1 * len(points)).from_buffer_copy(raw)


def g2_struct(points: Sequence[Any]) -> Any:
    """An mcl G2 array for affine points (F_q2 as c0, c1)."""
    zero, one = bytes(6 * _FP), _ONE_Q + bytes(_FP)
    raw = b"".join(zero if p is None else _mq(p[0][0]) + _mq(p[0][1]) + _mq(p[1][0]) + _mq(p[1][1]) + one
                   for p in points)
    return (_G2 * len(points)).from_buffer_copy(raw)


def fr_struct(scalars: Sequence[int]) -> Any:
    """An mcl Fr array (Montgomery form mod r)."""
    raw = b"".join(((s % _R << 256) % _R).to_bytes(_FP, "little") for s in scalars)
    return (ctypes.c_uint64 * (4 * len(scalars))).from_buffer_copy(raw)


def g1_affine(p: Any) -> Any:
    """An mcl G1 value back to an affine int pair (None = infinity)."""
    if _LIB.mclBnG1_isZero(ctypes.byref(p)):
        return None
    _LIB.mclBnG1_normalize(ctypes.byref(p), ctypes.byref(p))
    b = bytes(p)
    return (_fq(b, 0), _fq(b, 1))


def g2_affine(p: Any) -> Any:
    """An mcl G2 value back to affine ((x0, x1), (y0, y1))."""
    if _LIB.mclBnG2_isZero(ctypes.byref(p)):
        return None
    _LIB.mclBnG2_normalize(ctypes.byref(p), ctypes.byref(p))
    b = bytes(p)
    return ((_fq(b, 0), _fq(b, 1)), (_fq(b, 2), _fq(b, 3)))


def _check(points: Sequence[Any], scalars: Sequence[int]) -> None:
    if len(points) != len(scalars):
        raise ValueError(f"{len(points)} points but {len(scalars)} scalars")


def _muls(base: Any, scalars: Sequence[int], kind: Any, mul: Any, affine: Any) -> list[Any]:
    """[s]base for each scalar: one mcl multiplication and one normalisation each."""
    fr, out, res = fr_struct(scalars), kind(), []
    for i in range(len(scalars)):
        mul(ctypes.byref(out), base, ctypes.byref(fr, 32 * i))
        res.append(affine(out))
    return res


def _split(work: Any, scalars: Sequence[int], jobs: int) -> list[Any]:
    """work(part) over `jobs` contiguous parts of the scalars, in forked workers."""
    parts = chunks(len(scalars), jobs if len(scalars) >= MIN_SPLIT else 1)
    return [p for r in run_all([lambda r=r: work(scalars[r.start:r.stop]) for r in parts], jobs) for p in r]


MSM_CHUNK = 1 << 16
"""Most points handed to one mcl mulVec call: mcl keeps its table on the stack, and under the
usual 8 MiB stack a single-threaded G2 MSM of ~140k points overflows it (a depth-16 rollup with
batches of 8 has ~180k wires); longer MSMs are summed from chunks."""


def _msm(points: Sequence[Any], scalars: Sequence[int], jobs: int, kind: Any, struct: Any,
         mul_vec: Any, add: Any) -> Any:
    """sum scalars[i]·points[i] in chunks of at most MSM_CHUNK points (the projective sum)."""
    _check(points, scalars)
    total, part = kind(), kind()
    for at in range(0, len(points), MSM_CHUNK):
        pts, sc = points[at:at + MSM_CHUNK], scalars[at:at + MSM_CHUNK]
        mul_vec(ctypes.byref(part), struct(pts), fr_struct(sc), len(pts), max(1, jobs))
        add(ctypes.byref(total), ctypes.byref(total), ctypes.byref(part))
    return total


class MclBackend:
    """mcl (native, multi-threaded MSMs)."""

    name = "mcl"

    def g1_msm(self, points: Sequence[Any], scalars: Sequence[int], jobs: int = 1) -> Any:
        return g1_affine(_msm(points, scalars, jobs, _G1, g1_struct, _LIB.mclBnG1_mulVecMT, _LIB.mclBnG1_add))

    def g2_msm(self, points: Sequence[Any], scalars: Sequence[int], jobs: int = 1) -> Any:
        return g2_affine(_msm(points, scalars, jobs, _G2, g2_struct, _LIB.mclBnG2_mulVecMT, _LIB.mclBnG2_add))

    def g1_fixed_base(self, base: Any, scalars: Sequence[int], jobs: int = 1) -> list[Any]:
        return _split(lambda part: _muls(g1_struct([base]), part, _G1, _LIB.mclBnG1_mul, g1_affine), scalars, jobs)

    def g2_fixed_base(self, base: Any, scalars: Sequence[int], jobs: int = 1) -> list[Any]:
        return _split(lambda part: _muls(g2_struct([base]), part, _G2, _LIB.mclBnG2_mul, g2_affine), scalars, jobs)

    def intt(self, evals: list[int]) -> list[int]:
        return _ntt.intt(evals)

    def coset_ntt(self, coeffs: list[int]) -> list[int]:
        return _ntt.coset_ntt(coeffs)

    def coset_intt(self, evals: list[int]) -> list[int]:
        return _ntt.coset_intt(evals)

    def pairing_product_is_one(self, pairs: list[tuple[Any, Any]]) -> bool:
        live = [(p, q) for p, q in pairs if p is not None and q is not None]
        if not live:
            return True
        f, e = _GT(), _GT()
        _LIB.mclBn_millerLoopVec(ctypes.byref(f), g1_struct([p for p, _ in live]), g2_struct([q for _, q in live]),
                                 len(live))
        _LIB.mclBn_finalExp(ctypes.byref(e), ctypes.byref(f))
        return bool(_LIB.mclBnGT_isOne(ctypes.byref(e)))
