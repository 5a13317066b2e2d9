"""Multi-scalar multiplication: Pippenger's bucket method, its naive twin, fixed-base tables.

Takes affine points (None = infinity) and scalars (any ints, reduced mod r) in G1 or G2 and
gives sum_i s_i * P_i. Pippenger (bucket method, as in Bernstein et al. and bellman/arkworks):
split scalars into c-bit windows, sum each window's points into 2^c - 1 buckets with mixed
additions, combine buckets with a running sum, and windows by c doublings; c is chosen by a
cost model from n and the scalars' bit length, and scalars below 2^64 get their own shorter
run. Fixed-base windowed multiplication (one base, many scalars, for setup): a table of
d * 2^(c j) * P, so each product costs ~254/c mixed additions and no doublings.
The python backend's MSMs use zkvmc.curve.msm_affine (batch-affine buckets, signed digits);
`msm` here (Jacobian buckets) is its twin in the tests.
"""

from __future__ import annotations

from typing import Callable, Generic, Sequence

from zkvmc.curve.group import A, Group, J
from zkvmc.errors import ApiMisuse
from zkvmc.field import R

SCALAR_BITS = 254
"""Bit length of r."""

SMALL = 1 << 64
"""Scalars below this form their own, shorter, Pippenger run."""

Progress = Callable[[int, int], None]
"""progress(done, total), called as work advances."""


def window_size(n: int, bits: int = SCALAR_BITS) -> int:
    """The window c minimising windows * (n mixed adds + ~3 * 2^c full-add equivalents)."""
    if n < 4:
        return 1
    return min(range(1, 17), key=lambda c: -(-bits // c) * (n + 3 * (1 << c)))


def _pairs(group: Group[J, A], points: Sequence[A], scalars: Sequence[int]) -> tuple[list[A], list[int]]:
    if len(points) != len(scalars):
        raise ApiMisuse(f"{len(points)} points but {len(scalars)} scalars")
    pts: list[A] = []
    ks: list[int] = []
    for p, s in zip(points, scalars):
        s %= R
        if s and p is not None:
            pts.append(group.normalize(p))
            ks.append(int(s))
    return pts, ks


def _window_sum(group: Group[J, A], pts: list[A], ks: list[int], shift: int, mask: int) -> J:
    """sum_d d * (sum of points whose window digit is d), via buckets and a running sum."""
    inf = group.inf
    buckets: list[J] = [inf] * (mask + 1)
    madd = group.add_mixed
    for p, k in zip(pts, ks):
        d = (k >> shift) & mask
        if d:
            buckets[d] = madd(buckets[d], p)
    add = group.add
    acc = total = inf
    for d in range(mask, 0, -1):
        acc = add(acc, buckets[d])
        total = add(total, acc)
    return total


def _plan(pts: list[A], ks: list[int]) -> list[tuple[list[A], list[int], int, int]]:
    """Split terms by scalar size (circuits' witnesses are mostly bits and u64 values, which
    need 64 bits of windows rather than 254): (points, scalars, bits, window) per part."""
    parts = []
    for keep in (lambda k: k < SMALL, lambda k: k >= SMALL):
        sel = [i for i, k in enumerate(ks) if keep(k)]
        if sel:
            sub_k = [ks[i] for i in sel]
            bits = max(k.bit_length() for k in sub_k)
            parts.append(([pts[i] for i in sel], sub_k, bits, window_size(len(sel), bits)))
    return parts


def msm(group: Group[J, A], points: Sequence[A], scalars: Sequence[int], progress: Progress | None = None) -> J:
    """sum_i s_i * P_i as a Jacobian point (Pippenger)."""
    parts = _plan(*_pairs(group, points, scalars))
    total = sum(-(-bits // c) for _, _, bits, c in parts)
    done, result = 0, group.inf
    for pts, ks, bits, c in parts:
        mask, acc = (1 << c) - 1, group.inf
        for w in range(-(-bits // c) - 1, -1, -1):
            for _ in range(c):
                acc = group.double(acc)
            acc = group.add(acc, _window_sum(group, pts, ks, w * c, mask))
            done += 1
            if progress:
                progress(done, total)
        result = group.add(result, acc)
    return result


def msm_affine(group: Group[J, A], points: Sequence[A], scalars: Sequence[int],
               progress: Progress | None = None) -> A:
    """sum_i s_i * P_i as an affine point (None = infinity)."""
    return group.batch_to_affine([msm(group, points, scalars, progress)])[0]


def msm_naive(group: Group[J, A], points: Sequence[A], scalars: Sequence[int]) -> J:
    """sum_i s_i * P_i, one double-and-add per term: the reference twin of `msm` (Jacobian)."""
    acc = group.inf
    for p, s in zip(points, scalars):
        acc = group.add(acc, group.mul(group.from_affine(p), s % R))
    return acc


class FixedBase(Generic[J, A]):
    """A table of d * 2^(c j) * P (affine) for one base P, for many scalar multiplications.

    Attributes: group (G1 or G2), c (window bits), n_windows (ceil(254 / c)), table[j][d - 1]
    = d * 2^(c j) * P.
    """

    def __init__(self, group: Group[J, A], base: A, c: int = 8) -> None:
        self.group, self.c = group, c
        self.n_windows = -(-SCALAR_BITS // c)
        jac: list[J] = []
        b = group.from_affine(base)
        for _ in range(self.n_windows):
            m = b
            for _d in range(1, 1 << c):
                jac.append(m)
                m = group.add(m, b)
            b = m  # after the loop m = 2^c * b, the next window's base
        flat = group.batch_to_affine(jac)
        size = (1 << c) - 1
        self.table = [flat[j * size:(j + 1) * size] for j in range(self.n_windows)]

    def mul_many(self, scalars: Sequence[int], progress: Progress | None = None) -> list[A]:
        """[s]P for each scalar, affine (None for s = 0 mod r)."""
        madd, inf, c, mask = self.group.add_mixed, self.group.inf, self.c, (1 << self.c) - 1
        out = []
        for i, s in enumerate(scalars):
            k = int(s % R)
            acc = inf
            j = 0
            while k:
                d = k & mask
                if d:
                    p = self.table[j][d - 1]
                    if p is not None:
                        acc = madd(acc, p)
                k >>= c
                j += 1
            out.append(acc)
            if progress and (i & 255) == 255:
                progress(i + 1, len(scalars))
        if progress:
            progress(len(scalars), len(scalars))
        return self.group.batch_to_affine(out)


def fixed_base_window(n: int) -> int:
    """Table window for n scalars: table cost n_windows * 2^c vs n * n_windows additions."""
    return max(2, min(10, (max(n, 1)).bit_length() - 3))
