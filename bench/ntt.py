"""Inverse NTT over F_r, the prover's row interpolation (run: python bench/ntt.py [--max-log 18]).

Takes random evaluation vectors of 2^k entries and prints a table: size, the radix-2 Python intt
(zkvmc.field.ntt, the naive twin), the Stockham intt the prover uses (zkvmc.field.ntt_flint.intt),
a Bluestein (chirp-z) intt through python-flint's polynomial product (Bluestein 1970; the
candidate measured and not chosen, kept here so the choice can be re-checked), their ratios.
Each cell is the best of --repeat runs in CPU seconds of this process (time.process_time: all
three are single-threaded, and CPU time stays comparable on a shared machine, wall time does not);
every result is checked against the naive twin.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from functools import lru_cache
from itertools import repeat as forever
from operator import mod, mul
from typing import Any

from zkvmc.field import R, inv, ntt, ntt_flint


@lru_cache(maxsize=2)
def _chirp(n: int) -> tuple[list[int], Any, list[int]]:
    """(s^(k^2), the polynomial of s^(-k^2), s^(k^2)/n) for k < n; s^2 = w^-1, s a 2n-th root of 1."""
    s = inv(ntt.root_of_unity(2 * n))
    pre, neg = [1] * n, [1] * n
    step, step_inv, s2, s2_inv = s, inv(s), s * s % R, inv(s * s)
    for k in range(1, n):  # s^(k^2) = s^((k-1)^2) s^(2k-1)
        pre[k], neg[k] = pre[k - 1] * step % R, neg[k - 1] * step_inv % R
        step, step_inv = step * s2 % R, step_inv * s2_inv % R
    n_inv = inv(n)
    return pre, ntt_flint._ctx()(neg), [p * n_inv % R for p in pre]


def bluestein_intt(evals: list[int]) -> list[int]:
    """c_i = s^(i^2)/n * sum_k (e_k s^(k^2)) s^(-(i-k)^2): one cyclic convolution (s^(m^2) has period n)."""
    n = len(evals)
    pre, chirp_poly, post = _chirp(n)
    ctx = ntt_flint._ctx()
    prod = ctx(list(map(mod, map(mul, pre, evals), forever(R)))) * chirp_poly
    folded = list(map(int, (prod.truncate(n) + prod.right_shift(n)).coeffs()))  # X^n = 1
    folded += [0] * (n - len(folded))
    return list(map(mod, map(mul, folded, post), forever(R)))


def best_of(f: Callable[[list[int]], list[int]], evals: list[int], repeat: int) -> tuple[float, list[int]]:
    """(the shortest of `repeat` runs in CPU seconds, the result)."""
    best, out = float("inf"), []
    for _ in range(repeat):
        t0 = time.process_time()
        out = f(evals)
        best = min(best, time.process_time() - t0)
    return best, out


def row(k: int, repeat: int, with_bluestein: bool) -> str:
    """One table row for n = 2^k."""
    rng = random.Random(k)
    evals = [rng.randrange(R) for _ in range(1 << k)]
    t_py, ref = best_of(ntt.intt, evals, repeat)
    t_fast, out = best_of(ntt_flint.intt, evals, repeat)
    assert out == ref, f"Stockham intt differs from the naive twin at 2^{k}"
    cells = f"2^{k:<4} {t_py:>10.3f} {t_fast:>10.3f} {t_py / t_fast:>7.2f}x"
    if with_bluestein:
        bluestein_intt(evals)  # the chirp is a per-size constant: not timed
        t_bs, out = best_of(bluestein_intt, evals, repeat)
        assert out == ref, f"Bluestein intt differs from the naive twin at 2^{k}"
        cells += f" {t_bs:>10.3f} {t_py / t_bs:>7.2f}x"
    return cells


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min-log", type=int, default=12)
    ap.add_argument("--max-log", type=int, default=18)
    ap.add_argument("--repeat", type=int, default=3, help="runs per cell, the best is shown")
    args = ap.parse_args()
    flint = ntt_flint.available()
    head = f"{'size':<6} {'python s':>10} {'stockham s':>10} {'ratio':>8}"  # CPU seconds
    print(head + (f" {'bluestein s':>10} {'ratio':>8}" if flint else "  (no python-flint: no Bluestein)"))
    for k in range(args.min_log, args.max_log + 1):
        print(row(k, args.repeat, flint), flush=True)


if __name__ == "__main__":
    main()
