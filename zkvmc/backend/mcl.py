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
import hashlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from zkvmc.backend.parallel import chunks, run_all
from zkvmc.curve.adapter import CURVE_ORDER as _R
from zkvmc.curve.adapter import FIELD_MODULUS as _Q
from zkvmc.curve.types import G1Affine, G2Affine
from zkvmc.errors import ApiMisuse
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


_SHIPPED: dict[int, tuple[str, str]] = {
    21571212: ("882af92df5d56d8a7bd4457cb27738e88d8131c81a3502cd17e1358b241e566a",
               "cb62be45eecbe58edc0c1e8e56d981a194ee47d8201915d698d13c397ecdfd65"),
}
"""sha256 of the two libraries (_SO order) that mclbn256 ships, keyed by the size of its
mclbn256.py (1.3.5, the version pyproject.toml pins; tests/test_backend_mcl_cache.py checks them
against the installed package). Pinned here, in the package, because anyone who can write the
cache could also write a digest kept there; recomputing them costs as much as the import."""


def _module() -> os.stat_result | None:
    """The stat of mclbn256's module (the file its libraries are decoded from), if installed."""
    spec = importlib.util.find_spec("mclbn256")
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.stat(os.path.join(list(spec.submodule_search_locations)[0], "mclbn256.py"))


def _cache_dir() -> Path | None:
    """Where the libraries from this mclbn256 install are kept (keyed by its module's size and
    mtime) under $ZKVMC_CACHE_DIR, else $XDG_CACHE_HOME/zkvmc, else ~/.cache/zkvmc."""
    st = _module()
    if st is None:
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    root = os.environ.get("ZKVMC_CACHE_DIR") or os.path.join(base, "zkvmc")
    return Path(root) / f"mclbn256-{st.st_size}-{st.st_mtime_ns}"


_SO = ("lib/libmcl.so", "libmclbn256.so")
"""The two libraries mclbn256 carries; the second finds the first through its RUNPATH $ORIGIN/lib."""


def _digests(blobs: Sequence[bytes]) -> tuple[str, ...]:
    return tuple(hashlib.sha256(b).hexdigest() for b in blobs)


def _save(d: Path, blobs: tuple[bytes, bytes]) -> None:
    """Write the libraries atomically, private to this user (caching is an optimisation:
    failures are ignored)."""
    with contextlib.suppress(OSError):
        for name, blob in zip(_SO, blobs):
            if blob:
                (d / name).parent.mkdir(mode=0o755, parents=True, exist_ok=True)
                (d / name).parent.chmod(0o755)  # whatever the umask: _private must accept it
                tmp = d / f"{name}.{os.getpid()}.tmp"
                tmp.write_bytes(blob)
                tmp.chmod(0o644)
                os.replace(tmp, d / name)


def _private(path: Path) -> bool:
    """Owned by this user and writable by no one else (else it could change after the check)."""
    try:
        st = path.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def _cached_bytes_ok(d: Path, expected: tuple[str, str]) -> bool:
    """Whether both cached files hold exactly the shipped bytes, in folders only we can write."""
    if not all(_private(p) for p in (d.parent, d, d / "lib", *(d / n for n in _SO))):
        return False
    try:
        return _digests([(d / n).read_bytes() for n in _SO]) == expected
    except OSError:
        return False


def _from_cache(d: Path | None, expected: tuple[str, str] | None) -> Any:
    """The cached mclbn256 library if its files match the shipped digests, else None."""
    if d is None or expected is None or not _cached_bytes_ok(d, expected):
        return None
    try:
        return ctypes.CDLL(str(d / _SO[1]))
    except OSError:
        return None


def _load() -> Any:
    """mcl, initialised for BN_SNARK1.

    mclbn256 ships its libraries as hex strings in a Python module and decodes them on every
    import (~160 ms, most of a verify's budget); the decoded libraries are cached once and later
    loaded directly (a few ms, plus ~40 ms to check their digests). A cached file whose sha256 is not the shipped
    one (_SHIPPED) is never loaded: the package's own bytes are used and the cache rewritten.
    Without a writable cache, or for an mclbn256 build not in _SHIPPED, mclbn256 is used as is.
    """
    d = _cache_dir() if sys.platform == "linux" else None  # the cached layout is the Linux wheel's
    st = _module() if d is not None else None
    expected = _SHIPPED.get(st.st_size) if st is not None else None
    lib = _from_cache(d, expected)
    if lib is None:
        from mclbn256 import mclbn256 as m

        lib = m.lib
        blobs = (m.mcl_bs, m.mclbn256_bs)
        if d is not None and expected is not None and _digests(blobs) == expected:
            _save(d, blobs)
    if lib.mclBn_init(MCL_BN_SNARK1, COMPILED_TIME_VAR) != 0:
        raise RuntimeError("mcl: mclBn_init for BN_SNARK1 failed")
    return lib


_LIB = _load()


def _mq(x: int) -> bytes:
    return ((x << 256) % _Q).to_bytes(_FP, "little")


def _fq(b: bytes, i: int) -> int:
    return int.from_bytes(b[i * _FP:(i + 1) * _FP], "little") * _MONT_INV_Q % _Q


def g1_struct(points: Sequence[G1Affine]) -> Any:
    """An mcl G1 array for affine points."""
    zero = bytes(3 * _FP)
    raw = b"".join(zero if p is None else _mq(p[0]) + _mq(p[1]) + _ONE_Q for p in points)
    return (_G1 * len(points)).from_buffer_copy(raw)


def g2_struct(points: Sequence[G2Affine]) -> Any:
    """An mcl G2 array for affine points (F_q2 as c0, c1)."""
    zero, one = bytes(6 * _FP), _ONE_Q + bytes(_FP)
    raw = b"".join(zero if p is None else _mq(p[0][0]) + _mq(p[0][1]) + _mq(p[1][0]) + _mq(p[1][1]) + one
                   for p in points)
    return (_G2 * len(points)).from_buffer_copy(raw)


def fr_struct(scalars: Sequence[int]) -> Any:
    """An mcl Fr array (Montgomery form mod r)."""
    raw = b"".join(((s % _R << 256) % _R).to_bytes(_FP, "little") for s in scalars)
    return (ctypes.c_uint64 * (4 * len(scalars))).from_buffer_copy(raw)


def g1_affine(p: Any) -> G1Affine:
    """An mcl G1 value back to an affine int pair (None = infinity)."""
    if _LIB.mclBnG1_isZero(ctypes.byref(p)):
        return None
    _LIB.mclBnG1_normalize(ctypes.byref(p), ctypes.byref(p))
    b = bytes(p)
    return (_fq(b, 0), _fq(b, 1))


def g2_affine(p: Any) -> G2Affine:
    """An mcl G2 value back to affine ((x0, x1), (y0, y1))."""
    if _LIB.mclBnG2_isZero(ctypes.byref(p)):
        return None
    _LIB.mclBnG2_normalize(ctypes.byref(p), ctypes.byref(p))
    b = bytes(p)
    return ((_fq(b, 0), _fq(b, 1)), (_fq(b, 2), _fq(b, 3)))


def _check(points: Sequence[Any], scalars: Sequence[int]) -> None:
    if len(points) != len(scalars):
        raise ApiMisuse(f"{len(points)} points but {len(scalars)} scalars")


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

    def g1_msm(self, points: Sequence[G1Affine], scalars: Sequence[int], jobs: int = 1) -> G1Affine:
        return g1_affine(_msm(points, scalars, jobs, _G1, g1_struct, _LIB.mclBnG1_mulVecMT, _LIB.mclBnG1_add))

    def g2_msm(self, points: Sequence[G2Affine], scalars: Sequence[int], jobs: int = 1) -> G2Affine:
        return g2_affine(_msm(points, scalars, jobs, _G2, g2_struct, _LIB.mclBnG2_mulVecMT, _LIB.mclBnG2_add))

    def g1_fixed_base(self, base: G1Affine, scalars: Sequence[int], jobs: int = 1) -> list[G1Affine]:
        return _split(lambda part: _muls(g1_struct([base]), part, _G1, _LIB.mclBnG1_mul, g1_affine), scalars, jobs)

    def g2_fixed_base(self, base: G2Affine, scalars: Sequence[int], jobs: int = 1) -> list[G2Affine]:
        return _split(lambda part: _muls(g2_struct([base]), part, _G2, _LIB.mclBnG2_mul, g2_affine), scalars, jobs)

    def intt(self, evals: list[int]) -> list[int]:
        return _ntt.intt(evals)

    def coset_ntt(self, coeffs: list[int]) -> list[int]:
        return _ntt.coset_ntt(coeffs)

    def coset_intt(self, evals: list[int]) -> list[int]:
        return _ntt.coset_intt(evals)

    def pairing_product_is_one(self, pairs: list[tuple[G1Affine, G2Affine]]) -> bool:
        live = [(p, q) for p, q in pairs if p is not None and q is not None]
        if not live:
            return True
        f, e = _GT(), _GT()
        _LIB.mclBn_millerLoopVec(ctypes.byref(f), g1_struct([p for p, _ in live]), g2_struct([q for _, q in live]),
                                 len(live))
        _LIB.mclBn_finalExp(ctypes.byref(e), ctypes.byref(f))
        return bool(_LIB.mclBnGT_isOne(ctypes.byref(e)))

    # GT (zkvmc.aggregate): 12-int tower-order tuples (mcl's own F_q12 layout), see zkvmc.curve.adapter.

    def gt_pairing(self, pairs: list[tuple[Any, Any]]) -> tuple[int, ...]:
        live = [(p, q) for p, q in pairs if p is not None and q is not None]
        if not live:
            return gt_tuple(gt_struct(_GT_ONE))
        f, e = _GT(), _GT()
        _LIB.mclBn_millerLoopVec(ctypes.byref(f), g1_struct([p for p, _ in live]), g2_struct([q for _, q in live]),
                                 len(live))
        _LIB.mclBn_finalExp(ctypes.byref(e), ctypes.byref(f))
        return gt_tuple(e)

    def gt_mul(self, a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
        z, x, y = _GT(), gt_struct(a), gt_struct(b)
        _LIB.mclBnGT_mul(ctypes.byref(z), ctypes.byref(x), ctypes.byref(y))
        return gt_tuple(z)

    def gt_pow(self, a: tuple[int, ...], k: int) -> tuple[int, ...]:
        z, x = _GT(), gt_struct(a)
        _LIB.mclBnGT_pow(ctypes.byref(z), ctypes.byref(x), fr_struct([k]))
        return gt_tuple(z)

    def gt_is_member(self, a: tuple[int, ...]) -> bool:
        # a^(r-1) * a == 1 by the generic ladder: mclBnGT_pow's GLV split assumes a is in GT already.
        z, x = _GT(), gt_struct(a)
        _LIB.mclBnGT_powGeneric(ctypes.byref(z), ctypes.byref(x), fr_struct([_R - 1]))
        _LIB.mclBnGT_mul(ctypes.byref(z), ctypes.byref(z), ctypes.byref(x))
        return bool(_LIB.mclBnGT_isOne(ctypes.byref(z)))

    def g2_in_subgroup(self, points: Sequence[Any]) -> bool:
        # mcl's own order check (an endomorphism test, ~100x faster than [r]P in Python); the
        # points are on the twist already, which mclBnG2_isValidOrder does not itself check.
        live = [p for p in points if p is not None]
        arr = g2_struct(live)
        return all(_LIB.mclBnG2_isValidOrder(ctypes.byref(arr, i * ctypes.sizeof(_G2)))
                   for i in range(len(live)))


_GT_ONE = (1,) + (0,) * 11


def gt_struct(t: Sequence[int]) -> Any:
    """An mcl GT value from 12 ints in tower order (its own memory order), Montgomery form."""
    return _GT.from_buffer_copy(b"".join(_mq(c) for c in t))


def gt_tuple(e: Any) -> tuple[int, ...]:
    """An mcl GT value as 12 ints in tower order."""
    b = bytes(e)
    return tuple(_fq(b, i) for i in range(12))
