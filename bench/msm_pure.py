"""Pure-Python MSMs: Jacobian-bucket Pippenger (zkvmc.curve.msm.msm, the naive twin) against
batch-affine signed-digit Pippenger (zkvmc.curve.msm_affine.msm_batch), issue 15.

Random points and full-size random scalars in G1 and G2, one process, CPU seconds
(time.process_time, less sensitive to a shared machine than wall time; still state the load).
Run under bench/compare.py's shim to hide gmpy2 as zkvmc-pure does:

    PYTHONPATH=~/.cache/zkvmc-bench/pure-python-shim .venv/bin/python bench/msm_pure.py --sizes 10,12,13
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Callable

from zkvmc.curve.adapter import CURVE_ORDER, G1_GEN, G2_GEN
from zkvmc.curve.fq import HAVE_GMPY2
from zkvmc.curve.group import G1, G2, Group
from zkvmc.curve.msm import FixedBase, msm
from zkvmc.curve.msm_affine import msm_batch


def cpu(f: Callable[[], object]) -> tuple[float, object]:
    """(CPU seconds, result) of f()."""
    t = time.process_time()
    out = f()
    return time.process_time() - t, out


def row(group: Group, gen: object, log_n: int, rng: random.Random) -> tuple[str, int, float, float]:
    """(group, n, old s, new s); the two sums are checked equal."""
    n = 1 << log_n
    pts = FixedBase(group, gen, 8).mul_many([rng.randrange(CURVE_ORDER) for _ in range(n)])
    ks = [rng.randrange(CURVE_ORDER) for _ in range(n)]
    t_old, a = cpu(lambda: group.batch_to_affine([msm(group, pts, ks)])[0])
    t_new, b = cpu(lambda: group.batch_to_affine([msm_batch(group, pts, ks)])[0])
    if a != b:
        raise SystemExit(f"{group.name} 2^{log_n}: the two MSMs disagree")
    return group.name, n, t_old, t_new


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,12,13", help="log2 of the MSM sizes")
    ap.add_argument("--groups", default="G1,G2")
    args = ap.parse_args()
    rng = random.Random(15)
    gens = {"G1": (G1, G1_GEN), "G2": (G2, G2_GEN)}
    print(f"gmpy2: {HAVE_GMPY2}")
    print(f"{'group':5} {'n':>6} {'jacobian s':>11} {'batch-affine s':>15} {'speed-up':>9}")
    for g in args.groups.split(","):
        for k in (int(x) for x in args.sizes.split(",")):
            name, n, old, new = row(*gens[g], k, rng)
            print(f"{name:5} {n:>6} {old:>11.2f} {new:>15.2f} {old / new:>8.2f}x")


if __name__ == "__main__":
    main()
