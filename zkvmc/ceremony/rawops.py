"""Bulk group operations on LEM point buffers: the ceremony's heavy work.

Takes LEM buffers (zkvmc.ceremony.points) and scalars and gives LEM buffers: per-point scalar
multiplication (a contribution rescales L and H by 1/delta), sparse combinations of a basis
(phase-2 initialisation: [u_i(tau)] = sum_c A[c][i] [L_c(tau)]), multi-scalar multiplication
(verification's random linear combinations), point differences, and a radix-2 FFT over the
group (Lagrange bases from plain powers of tau; H between snarkjs's odd-coset basis and the
power basis). The fast path hands the bytes to mcl (zkvmc.backend.mcl) unchanged: mcl's own
Jacobian layout is LEM x || y || z with z = 2^256 mod q. Without mcl, or with backend="python",
the same operations run on zkvmc.curve's pure-Python arithmetic (the naive twins the tests
compare against, plus `dft_naive`).
"""

from __future__ import annotations

import ctypes
from typing import Any, Callable, Sequence

from zkvmc.backend import get_backend
from zkvmc.ceremony.points import (MONT, N8, point_from_lem, point_to_lem, points_from_lem, points_to_lem,
                                   size)
from zkvmc.curve import g1, g2
from zkvmc.field import R

_ONE = MONT.to_bytes(N8, "little")
_ZERO32 = bytes(N8)


def _lib() -> Any:
    """mcl's library when the mcl backend loads, else None."""
    if get_backend(None).name != "mcl":
        return None
    from zkvmc.backend import mcl

    return mcl._LIB


class _Mcl:
    """The mcl entry points of one group, and its struct layout."""

    def __init__(self, lib: Any, is_g2: bool) -> None:
        p = "mclBnG2_" if is_g2 else "mclBnG1_"
        self.coord = 2 if is_g2 else 1
        self.s = size(is_g2)
        self.width = self.s + self.coord * N8
        self.one = _ONE + bytes(N8 * (self.coord - 1))
        self.kind = ctypes.c_uint64 * (self.width // 8)
        self.mul, self.add, self.sub = getattr(lib, p + "mul"), getattr(lib, p + "add"), getattr(lib, p + "sub")
        self.norm, self.mul_vec = getattr(lib, p + "normalize"), getattr(lib, p + "mulVec")

    def struct(self, lem: bytes) -> Any:
        """An mcl point array for a LEM buffer (z = 1, or all zero for infinity)."""
        s, n = self.s, len(lem) // self.s
        zero = bytes(self.width)
        raw = b"".join(zero if not any(lem[i:i + s]) else lem[i:i + s] + self.one for i in range(0, len(lem), s))
        return (self.kind * n).from_buffer_copy(raw) if n else (self.kind * 0)()

    def lem(self, arr: Any) -> bytes:
        """A normalised LEM buffer from an mcl point array."""
        out, s, w = bytearray(), self.s, self.width
        for i in range(len(arr)):
            self.norm(ctypes.byref(arr[i]), ctypes.byref(arr[i]))
        raw = bytes(arr)
        for off in range(0, len(raw), w):
            z = raw[off + s: off + w]
            out += raw[off: off + s] if any(z) else bytes(s)
        return bytes(out)


def _fr(scalars: Sequence[int]) -> Any:
    raw = b"".join(((s % R) * (1 << 256) % R).to_bytes(32, "little") for s in scalars)
    return (ctypes.c_uint64 * (4 * len(scalars))).from_buffer_copy(raw) if scalars else (ctypes.c_uint64 * 0)()


def _group(is_g2: bool) -> Any:
    return g2 if is_g2 else g1


def _affine(is_g2: bool, jac: Any) -> Any:
    p = _group(is_g2).to_affine(jac)
    if p is None:
        return None
    return ((int(p[0][0]), int(p[0][1])), (int(p[1][0]), int(p[1][1]))) if is_g2 else (int(p[0]), int(p[1]))


def _py_mul(is_g2: bool, p: Any, k: int) -> Any:
    if p is None or k % R == 0:
        return None
    g = _group(is_g2)
    return _affine(is_g2, g.mul(g.from_affine(p), k % R))


def _py_add(is_g2: bool, a: Any, b: Any) -> Any:
    g = _group(is_g2)
    if a is None or b is None:
        return b if a is None else a
    return _affine(is_g2, g.add(g.from_affine(a), g.from_affine(b)))


def _py_neg(is_g2: bool, p: Any) -> Any:
    return None if p is None else _group(is_g2).neg_affine(p)


def scale_each(lem: bytes, scalars: Sequence[int], is_g2: bool = False, backend: str | None = None) -> bytes:
    """[k_i]P_i for each point (scalars any ints, taken mod r)."""
    lib = None if backend == "python" else _lib()
    if lib is None:
        pts = points_from_lem(lem, is_g2)
        return points_to_lem([_py_mul(is_g2, p, k) for p, k in zip(pts, scalars)], is_g2)
    m = _Mcl(lib, is_g2)
    pts, fr = m.struct(lem), _fr(scalars)
    out = (m.kind * len(pts))()
    for i in range(len(pts)):
        m.mul(ctypes.byref(out[i]), ctypes.byref(pts[i]), ctypes.byref(fr, 32 * i))
    return m.lem(out)


def scale_all(lem: bytes, k: int, is_g2: bool = False, backend: str | None = None) -> bytes:
    """[k]P for each point."""
    return scale_each(lem, [k] * (len(lem) // size(is_g2)), is_g2, backend)


def msm(lem: bytes, scalars: Sequence[int], is_g2: bool = False) -> Any:
    """sum_i k_i P_i as an affine point (the backend's MSM)."""
    be = get_backend(None)
    pts = points_from_lem(lem, is_g2)
    return (be.g2_msm if is_g2 else be.g1_msm)(pts, list(scalars))


def combos(base: bytes, terms: Sequence[Sequence[tuple[int, int]]], is_g2: bool = False,
           backend: str | None = None) -> bytes:
    """For each term list [(index, coefficient), ...] the point sum coefficient * base[index]."""
    lib = None if backend == "python" else _lib()
    s = size(is_g2)
    if lib is None:
        pts = points_from_lem(base, is_g2)
        out = []
        for ts in terms:
            acc = None
            for i, k in ts:
                acc = _py_add(is_g2, acc, _py_mul(is_g2, pts[i], k))
            out.append(acc)
        return points_to_lem(out, is_g2)
    m = _Mcl(lib, is_g2)
    out = (m.kind * len(terms))()
    for j, ts in enumerate(terms):
        if ts:
            sub = m.struct(b"".join(base[i * s:(i + 1) * s] for i, _ in ts))
            m.mul_vec(ctypes.byref(out[j]), sub, _fr([k for _, k in ts]), len(ts))
    return m.lem(out)


def sub_pairs(a: bytes, b: bytes, is_g2: bool = False, backend: str | None = None) -> bytes:
    """a_i - b_i for two equally long buffers."""
    lib = None if backend == "python" else _lib()
    if lib is None:
        return points_to_lem([_py_add(is_g2, p, _py_neg(is_g2, q)) for p, q in
                              zip(points_from_lem(a, is_g2), points_from_lem(b, is_g2))], is_g2)
    m = _Mcl(lib, is_g2)
    x, y = m.struct(a), m.struct(b)
    out = (m.kind * len(x))()
    for i in range(len(x)):
        m.sub(ctypes.byref(out[i]), ctypes.byref(x[i]), ctypes.byref(y[i]))
    return m.lem(out)


def _bit_reverse(n: int) -> list[int]:
    bits = n.bit_length() - 1
    return [int(f"{i:0{bits}b}"[::-1], 2) if bits else 0 for i in range(n)]


def fft(lem: bytes, omega: int, is_g2: bool = False, backend: str | None = None) -> bytes:
    """out_j = sum_k omega^(jk) P_k (n a power of two, omega of order n): iterative Cooley-Tukey."""
    lib = None if backend == "python" else _lib()
    n, s = len(lem) // size(is_g2), size(is_g2)
    order = _bit_reverse(n)
    lem = b"".join(lem[i * s:(i + 1) * s] for i in order)
    tw = [1] * max(n // 2, 1)
    for j in range(1, n // 2):
        tw[j] = tw[j - 1] * omega % R
    if lib is None:
        return _fft_py(points_from_lem(lem, is_g2), tw, is_g2)
    return _fft_mcl(_Mcl(lib, is_g2), lem, tw)


def _stages(n: int) -> list[tuple[int, int]]:
    """(half, twiddle stride) for each butterfly stage."""
    out, half = [], 1
    while half < n:
        out.append((half, n // (2 * half)))
        half *= 2
    return out


def _fft_mcl(m: _Mcl, lem: bytes, tw: list[int]) -> bytes:
    a = m.struct(lem)
    n, fr, t = len(a), _fr(tw), m.kind()
    for half, stride in _stages(n):
        for start in range(0, n, 2 * half):
            for j in range(half):
                u, v = a[start + j], a[start + j + half]
                if j:
                    m.mul(ctypes.byref(t), ctypes.byref(v), ctypes.byref(fr, 32 * j * stride))
                else:
                    ctypes.memmove(ctypes.byref(t), ctypes.byref(v), m.width)
                m.sub(ctypes.byref(v), ctypes.byref(u), ctypes.byref(t))
                m.add(ctypes.byref(u), ctypes.byref(u), ctypes.byref(t))
    return m.lem(a)


def _fft_py(pts: list[Any], tw: list[int], is_g2: bool) -> bytes:
    g = _group(is_g2)
    a = [g.from_affine(p) for p in pts]
    n = len(a)
    for half, stride in _stages(n):
        for start in range(0, n, 2 * half):
            for j in range(half):
                u, v = a[start + j], a[start + j + half]
                t = g.mul(v, tw[j * stride]) if j else v
                a[start + j], a[start + j + half] = g.add(u, t), g.add(u, g.neg(t))
    return points_to_lem([_affine(is_g2, p) for p in a], is_g2)


def dft_naive(lem: bytes, omega: int, is_g2: bool = False) -> bytes:
    """The O(n^2) twin of fft: one MSM per output."""
    pts = points_from_lem(lem, is_g2)
    n = len(pts)
    be = get_backend(None)
    f: Callable[[list[Any], list[int]], Any] = be.g2_msm if is_g2 else be.g1_msm
    return points_to_lem([f(pts, [pow(omega, j * k, R) for k in range(n)]) for j in range(n)], is_g2)


def one_point(p: Any, k: int, is_g2: bool = False) -> Any:
    """[k]P for one affine point."""
    return point_from_lem(scale_all(point_to_lem(p, is_g2), k, is_g2), 0, is_g2)
