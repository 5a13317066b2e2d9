"""Pippenger MSM with batch-affine bucket sums and signed digits: the pure-Python fast path
(issue 15; zkvmc.backend.python uses it, zkvmc.curve.msm.msm and msm_naive are its twins).

Takes affine points (None = infinity) and scalars (any ints, reduced mod r) in G1 or G2 and
gives sum_i s_i * P_i as a Jacobian point. Each window's buckets are summed by pairwise tree
reduction in affine coordinates: all the pair sums of one round share one field inversion
(Montgomery's simultaneous-inversion trick, the "batch affine" bucket accumulation of gnark and
barretenberg), so an addition costs 6 base-field reductions instead of the ~9 of a mixed
Jacobian addition (in F_q2: 12 against ~22, the denominators inverted through their norms);
the windows' running sums sum_d d * B_d advance together, one batch per step. Digits are signed,
in [-2^(c-1), 2^(c-1)] (Bootle et al., as in arkworks), which halves the buckets: a negative
digit adds -P = (x, -y). With CPython ints the interpreter's overhead per operation is a large
part of the cost, so the gain is smaller than the count: bench/msm_pure.py measures it. The
GLV endomorphism of G1 (twice the terms at half the bits) was tried and measured neutral here:
it leaves the number of bucket additions, the bulk of the cost, almost unchanged.
"""

from __future__ import annotations

from typing import Callable, Sequence

from zkvmc.curve.fq import Q, fq_inv, mpz
from zkvmc.curve.group import A, Group, J
from zkvmc.curve.msm import _pairs
from zkvmc.gcpause import gc_paused

AddPairs = Callable[[list, list], list]
"""add_pairs(ps, qs) -> [p + q, ...] for affine points (not None), None where p + q = O."""


def add_pairs_g1(ps: list, qs: list) -> list:
    """[p + q] for affine G1 points: slope (y2 - y1)/(x2 - x1), or 3x^2/(2y) when p == q.

    A forward pass keeps the prefix products of the denominators, one inversion, and a backward
    pass peels each denominator's inverse off and finishes its sum (written out inline, the
    differences recomputed rather than stored: this is the MSM's inner loop).
    """
    pre = []
    acc = mpz(1)
    for (x1, y1), (x2, y2) in zip(ps, qs):
        pre.append(acc)
        if x1 != x2:
            acc = acc * (x2 - x1) % Q
        elif y1 == y2:  # doubling; y != 0 as G1 has no point of order 2
            acc = acc * 2 * y1 % Q
    inv = fq_inv(acc)
    out: list = []
    for b, (x1, y1), (x2, y2) in zip(reversed(pre), reversed(ps), reversed(qs)):
        if x1 != x2:
            lam = (y2 - y1) * (inv * b % Q) % Q
            inv = inv * (x2 - x1) % Q
        elif y1 == y2:
            lam = 3 * x1 * x1 * (inv * b % Q) % Q
            inv = inv * 2 * y1 % Q
        else:  # p + (-p) = O
            out.append(None)
            continue
        x3 = (lam * lam - x1 - x2) % Q
        out.append((x3, (lam * (x1 - x3) - y1) % Q))
    out.reverse()
    return out


def add_pairs_g2(ps: list, qs: list) -> list:
    """[p + q] for affine G2 points over F_q2 (u^2 = -1); 1/d = conj(d) / N(d), the norms
    N(d) = d0^2 + d1^2 in F_q sharing one inversion as in add_pairs_g1 (N(d) = 0 marks p + (-p))."""
    pre, norms = [], []
    acc = mpz(1)
    for ((a0, a1), (b0, b1)), ((c0, c1), (e0, e1)) in zip(ps, qs):
        pre.append(acc)
        if a0 != c0 or a1 != c1:
            d0, d1 = c0 - a0, c1 - a1
        elif b0 == e0 and b1 == e1:  # doubling: 3x^2 / (2y)
            d0, d1 = 2 * b0, 2 * b1
        else:
            norms.append(0)
            continue
        nm = (d0 * d0 + d1 * d1) % Q
        norms.append(nm)
        acc = acc * nm % Q
    inv = fq_inv(acc)
    out: list = []
    for nm, b, ((a0, a1), (b0, b1)), ((c0, c1), (e0, e1)) in zip(reversed(norms), reversed(pre),
                                                                  reversed(ps), reversed(qs)):
        if not nm:
            out.append(None)
            continue
        ni = inv * b % Q
        inv = inv * nm % Q
        if a0 != c0 or a1 != c1:
            n0, n1, d0, d1 = e0 - b0, e1 - b1, c0 - a0, c1 - a1
        else:
            n0, n1, d0, d1 = 3 * (a0 + a1) * (a0 - a1), 6 * a0 * a1, 2 * b0, 2 * b1
        l0 = (n0 * d0 + n1 * d1) % Q * ni % Q  # num * conj(d) / N(d)
        l1 = (n1 * d0 - n0 * d1) % Q * ni % Q
        x0 = ((l0 + l1) * (l0 - l1) - a0 - c0) % Q
        x1 = (2 * l0 * l1 - a1 - c1) % Q
        f0, f1 = a0 - x0, a1 - x1
        out.append(((x0, x1), ((l0 * f0 - l1 * f1 - b0) % Q, (l0 * f1 + l1 * f0 - b1) % Q)))
    out.reverse()
    return out


def neg_g1(p: tuple) -> tuple:
    """-P for an affine G1 point (not None)."""
    return (p[0], -p[1] % Q)


def neg_g2(p: tuple) -> tuple:
    """-P for an affine G2 point (not None)."""
    return (p[0], (-p[1][0] % Q, -p[1][1] % Q))


OPS: dict[str, tuple[AddPairs, Callable[[tuple], tuple]]] = {"G1": (add_pairs_g1, neg_g1),
                                                             "G2": (add_pairs_g2, neg_g2)}
"""Group name -> (batch affine pair addition, affine negation)."""


def bucket_sums(add_pairs: AddPairs, buckets: list[list]) -> list:
    """The sum of each bucket (None when empty or cancelling), by rounds of pairwise sums over
    the buckets still holding two or more points (each round one batch, so one inversion)."""
    out = [b[0] if len(b) == 1 else None for b in buckets]
    active = [(d, b) for d, b in enumerate(buckets) if len(b) > 1]
    while active:
        ps: list = []
        qs: list = []
        for _, b in active:
            m = len(b) & ~1
            ps += b[0:m:2]
            qs += b[1:m:2]
        sums = add_pairs(ps, qs)
        later = []
        i = 0
        for d, b in active:
            h = len(b) >> 1
            new = sums[i:i + h]
            i += h
            if len(b) & 1:
                new.append(b[-1])
            if None in new:  # a pair cancelled
                new = [x for x in new if x is not None]
            if len(new) > 1:
                later.append((d, new))
            elif new:
                out[d] = new[0]
        active = later
    return out


def signed_digits(k: int, c: int, windows: int) -> list[int]:
    """k = sum_j d_j 2^(c j), d_j in [-2^(c-1), 2^(c-1)), for 0 <= k < 2^(c (windows - 1) + c - 1);
    the top digit takes the carry, in [0, 2^(c-1)]. The carry-by-carry twin of `digit_bias`."""
    mask, half, full = (1 << c) - 1, 1 << (c - 1), 1 << c
    out = []
    for _ in range(windows - 1):
        d = k & mask
        k >>= c
        if d >= half:
            d -= full
            k += 1
        out.append(d)
    out.append(k)
    return out


def digit_bias(c: int, windows: int) -> int:
    """H, with bit c - 1 of every window set: digit j of signed_digits(k) is then
    ((k + H) >> c j) & (2^c - 1) - 2^(c-1) (the top one unmasked), with no carries to chase."""
    return sum(1 << (c * j + c - 1) for j in range(windows))


def window_bits(n: int, bits: int) -> int:
    """c minimising windows * (n bucket additions (+30% to sort points into buckets) + 2^c
    additions for the running sums), all batch-affine."""
    if n < 4:
        return 2
    return min(range(2, 17), key=lambda c: (bits // c + 1) * (13 * n + 10 * (1 << c)))


def msm_batch(group: Group[J, A], points: Sequence[A], scalars: Sequence[int]) -> J:
    """sum_i s_i * P_i as a Jacobian point (batch-affine buckets, signed digits)."""
    with gc_paused():  # ~10%: millions of short-lived acyclic tuples would trigger collections
        return _msm_batch(group, points, scalars)


def _msm_batch(group: Group[J, A], points: Sequence[A], scalars: Sequence[int]) -> J:
    pts, ks = _pairs(group, points, scalars)
    if not pts:
        return group.inf
    add_pairs, neg = OPS[group.name]
    bits = max(k.bit_length() for k in ks)
    c = window_bits(len(pts), bits)
    windows = bits // c + 1  # one extra window holds the final carry
    h = digit_bias(c, windows)
    big = [k + h for k in ks]
    negs = [neg(p) for p in pts]
    nb = (1 << (c - 1)) + 1
    sums = []
    for w in range(windows):
        buckets: list[list] = [[] for _ in range(nb)]
        shift, mask, half = c * w, (1 << c) - 1 if w < windows - 1 else -1, 1 << (c - 1)
        for p, q, d in zip(pts, negs, [((b >> shift) & mask) - half for b in big]):
            if d > 0:
                buckets[d].append(p)
            elif d < 0:
                buckets[-d].append(q)
        sums.append(bucket_sums(add_pairs, buckets))
    acc = group.inf
    for t in reversed(window_totals(add_pairs, sums)):
        if not group.is_inf(acc):
            for _ in range(c):
                acc = group.double(acc)
        if t is not None:
            acc = group.add_mixed(acc, t)
    return acc


def add_each(add_pairs: AddPairs, xs: list, ys: list) -> list:
    """[x + y] elementwise for affine points, None = infinity: one batch for the non-trivial sums."""
    out = [x if y is None else y for x, y in zip(xs, ys)]
    idx = [i for i, (x, y) in enumerate(zip(xs, ys)) if x is not None and y is not None]
    if idx:
        for i, s in zip(idx, add_pairs([xs[i] for i in idx], [ys[i] for i in idx])):
            out[i] = s
    return out


def window_totals(add_pairs: AddPairs, sums: list[list]) -> list:
    """sum_d d * sums[w][d] for every window w at once (affine, None = infinity): the running sums
    of all windows advance together, one batch per step (`running_sum` is the one-window
    Jacobian twin). total takes the running sum before this step's bucket joins it, so the
    step's two sums are independent and share the batch; the last running sum joins at the end."""
    width = len(sums)
    run = total = [None] * width
    for d in range(len(sums[0]) - 1, 0, -1):
        both = add_each(add_pairs, run + total, [s[d] for s in sums] + run)
        run, total = both[:width], both[width:]
    return add_each(add_pairs, total, run)


def running_sum(group: Group[J, A], sums: list) -> J:
    """sum_d d * sums[d] (sums affine, None = infinity) with a Jacobian running sum from the top."""
    madd, add = group.add_mixed, group.add
    run = total = group.inf
    for d in range(len(sums) - 1, 0, -1):
        if sums[d] is not None:
            run = madd(run, sums[d])
        total = add(total, run)
    return total
