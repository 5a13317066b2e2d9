"""The native backend: mcl (herumi/mcl, MIT) through the PyPI package `mclbn256`.

Takes and gives what zkvmc.backend.Backend says. mcl is re-initialised for the Ethereum /
snarkjs curve (mclBn_init(MCL_BN_SNARK1 = 4, ...), i.e. alt_bn128), and points are handed to it
as raw structs: little-endian 64-bit limbs in Montgomery form (x 2^256 mod q), Jacobian with
z = 1 (infinity: all zero), Fr scalars likewise mod r. Building those bytes in Python costs
~0.6 us per point, against ~78 us for mcl's decimal-string parser. MSMs use mcl's
mulVec over jobs threads; verify uses millerLoopVec + one finalExp.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any, Sequence

from zkvmc.backend.mcl_load import load
from zkvmc.backend.parallel import chunks, run_all
from zkvmc.curve.adapter import CURVE_ORDER as _R
from zkvmc.curve.adapter import FIELD_MODULUS as _Q
from zkvmc.curve.table import COORD, PointTable, ScalarList, raw_of
from zkvmc.curve.types import G1Affine, G2Affine
from zkvmc.errors import ApiMisuse
from zkvmc.field import ntt as _ntt

MIN_SPLIT = 1024
"""Fixed-base batches smaller than this stay in one process."""

_FP = 32
_G1 = ctypes.c_uint64 * 12
_G2 = ctypes.c_uint64 * 24
_GT = ctypes.c_uint64 * 48
_MONT_INV_Q = pow(1 << 256, -1, _Q)
_ONE_Q = ((1 << 256) % _Q).to_bytes(_FP, "little")


_LIB = load()
"""mcl initialised for BN_SNARK1 (zkvmc.backend.mcl_load; a preload() started earlier is waited for)."""


def _mq(x: int) -> bytes:
    return ((x << 256) % _Q).to_bytes(_FP, "little")


def _fq(b: bytes, i: int) -> int:
    return int.from_bytes(b[i * _FP:(i + 1) * _FP], "little") * _MONT_INV_Q % _Q


def g1_struct(points: Sequence[G1Affine]) -> Any:
    """An mcl G1 array for affine points (a PointTable's is built once and kept)."""
    if isinstance(points, PointTable):
        return table_struct(points)
    zero = bytes(3 * _FP)
    raw = b"".join(zero if p is None else _mq(p[0]) + _mq(p[1]) + _ONE_Q for p in points)
    return (_G1 * len(points)).from_buffer_copy(raw)


def g2_struct(points: Sequence[G2Affine]) -> Any:
    """An mcl G2 array for affine points (F_q2 as c0, c1; a PointTable's is built once and kept)."""
    if isinstance(points, PointTable):
        return table_struct(points)
    zero, one = bytes(6 * _FP), _ONE_Q + bytes(_FP)
    raw = b"".join(zero if p is None else _mq(p[0][0]) + _mq(p[0][1]) + _mq(p[1][0]) + _mq(p[1][1]) + one
                   for p in points)
    return (_G2 * len(points)).from_buffer_copy(raw)


_SET_STR = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
_G2_SET_STR = _SET_STR(ctypes.cast(_LIB.mclBnG2_setStr, ctypes.c_void_p).value)
"""mclBnG2_setStr taking raw addresses, so that n points need no n Python slices."""
IO_EC_AFFINE_SERIALIZE = 4096
"""mcl's ioMode for x then y, each a 32-byte little-endian canonical F_q (F_q2: c0, c1)."""


def _g1_checked(raw: bytes) -> Any:
    """mcl's G1 array from raw coordinates, or None if one is >= q or a point is off the curve.

    Checked on Python ints: mclBnG1_isValid (and setStr, which calls it) also runs an order
    check, ~100 us a point on this curve whose G1 has cofactor 1."""
    fb = int.from_bytes
    cs = [fb(raw[i:i + COORD], "little") for i in range(0, len(raw), COORD)]
    if cs and max(cs) >= _Q:
        return None
    xs, ys = cs[0::2], cs[1::2]
    if any((y * y - x * x * x - 3) % _Q for x, y in zip(xs, ys) if x or y):
        return None
    zero = bytes(3 * _FP)
    out = b"".join(_mq(x) + _mq(y) + _ONE_Q if x or y else zero for x, y in zip(xs, ys))
    return (_G1 * len(xs)).from_buffer_copy(out)


def _g2_checked(raw: bytes) -> Any:
    """mcl's G2 array from raw coordinates, or None if mcl's reader rejects one (a coordinate
    >= q, or off the twist; the subgroup is not checked, as in the Python reader)."""
    n, step = len(raw) // (4 * COORD), 4 * COORD
    arr, size = (_G2 * n)(), ctypes.sizeof(_G2)
    _LIB.mclBn_verifyOrderG2(0)
    dst, src = ctypes.addressof(arr), ctypes.cast(ctypes.c_char_p(raw), ctypes.c_void_p).value or 0
    set_str = _G2_SET_STR
    if any(set_str(dst + i * size, src + i * step, step, IO_EC_AFFINE_SERIALIZE) for i in range(n)):
        return None
    return arr


def load_table(t: PointTable) -> bool:
    """Check t's points (coordinates < q, on the curve) while building mcl's array for them,
    kept in t.native; False (nothing kept) if a point is bad."""
    arr = (_g2_checked if t.g2 else _g1_checked)(t.raw)
    if arr is not None:
        t.native["mcl"] = arr
        t.drop_raw(lambda: _raw_from_struct(arr, t.g2))  # mcl's array is the one copy kept
    return arr is not None


def _raw_from_struct(arr: Any, g2: bool) -> bytes:
    """The table bytes of an mcl array (the slow way back, for whoever asks a loaded table for them)."""
    affine = g2_affine if g2 else g1_affine
    return raw_of([affine(arr[i]) for i in range(len(arr))], g2)


def table_struct(t: PointTable) -> Any:
    """mcl's array for t: the one load_table kept, else built from its points."""
    arr = t.native.get("mcl")
    if arr is None:
        arr = g2_struct(t.points) if t.g2 else g1_struct(t.points)
        t.native["mcl"] = arr
    return arr


def fr_struct(scalars: Sequence[int]) -> Any:
    """An mcl Fr array (Montgomery form mod r; a ScalarList's is built once and kept)."""
    if isinstance(scalars, ScalarList):
        arr = scalars.native.get("mcl")
        if arr is None or len(arr) != 4 * len(scalars):  # none yet, or the list changed since
            arr = scalars.native["mcl"] = fr_struct(list(scalars))
        return arr
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


MIN_THREADED = 1 << 12
"""Shortest MSM split over threads (below it, thread start-up is a noticeable part)."""


def _msm(points: Sequence[Any], scalars: Sequence[int], jobs: int, kind: Any, struct: Any,
         mul_vec: Any, add: Any) -> Any:
    """sum scalars[i]·points[i]: with jobs > 1 over that many contiguous parts in threads (this
    mclbn256 build's mulVecMT runs on one core; mulVec releases the GIL), each part in chunks of
    at most MSM_CHUNK points, then the projective sum of the parts."""
    _check(points, scalars)
    arr, fr, n = struct(points), fr_struct(scalars), len(points)
    parts = chunks(n, jobs if n >= MIN_THREADED else 1)
    sums = [kind() for _ in parts]
    work = [lambda i=i, r=r: _msm_range(arr, fr, r, sums[i], kind, mul_vec, add) for i, r in enumerate(parts)]
    if len(work) > 1:
        threads = [threading.Thread(target=w) for w in work[1:]]
        for t in threads:
            t.start()
        work[0]()
        for t in threads:
            t.join()
    elif work:
        work[0]()
    total = kind()
    for part in sums:
        add(ctypes.byref(total), ctypes.byref(total), ctypes.byref(part))
    return total


def _msm_range(arr: Any, fr: Any, r: range, out: Any, kind: Any, mul_vec: Any, add: Any) -> None:
    """out = sum over i in r of fr[i]·arr[i], in chunks of at most MSM_CHUNK points."""
    part, size = kind(), ctypes.sizeof(kind)
    for at in range(r.start, r.stop, MSM_CHUNK):
        count = min(MSM_CHUNK, r.stop - at)
        mul_vec(ctypes.byref(part), ctypes.byref(arr, at * size), ctypes.byref(fr, at * _FP), count, 1)
        add(ctypes.byref(out), ctypes.byref(out), ctypes.byref(part))


class MclBackend:
    """mcl (native, multi-threaded MSMs)."""

    name = "mcl"
    gil_free_msm = True
    """Its MSMs run in C with the GIL released: the prover runs its pieces in threads, not forks."""

    def load_table(self, t: PointTable) -> bool:
        """Check a key file's query while building mcl's array for it (zkvmc.artifacts.groth16_files)."""
        return load_table(t)

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
