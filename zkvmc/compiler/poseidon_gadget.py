"""Poseidon (t = 3, circomlib) as constraints: takes two input LCs, gives the hash LC.

Round layout as zkvmc.hash.poseidon's docstring (Grassi et al., eprint 2019/458): ARK, S-box
(all lanes in full rounds, lane 0 in partial rounds), MDS mix. The S-box x^5 is three products
(x2 = x·x, x4 = x2·x2, x5 = x4·x); ARK and the mix are LC arithmetic, so a call costs
8·3·3 + 57·3 = 243 constraints, fewer when lanes are constant; two constant inputs fold.
"""

from __future__ import annotations

from zkvmc.compiler import lin
from zkvmc.compiler.builder import Builder
from zkvmc.field import R
from zkvmc.hash import poseidon as P
from zkvmc.r1cs.system import LC


def _sbox(b: Builder, x: LC) -> LC:
    """x^5."""
    if lin.is_const(x):
        return lin.const(pow(lin.const_val(x), 5, R))
    x2 = b.mul(x, x)
    x4 = b.mul(x2, x2)
    return b.mul(x4, x)


def _mix(s: list[LC]) -> list[LC]:
    """s' = MDS · s."""
    out = []
    for row in P.MDS:
        acc: LC = lin.ZERO
        for m, v in zip(row, s):
            acc = lin.combine(acc, v, m)
        out.append(acc)
    return out


def poseidon2(b: Builder, x: LC, y: LC) -> LC:
    """Poseidon([x, y]) as an LC."""
    if lin.is_const(x) and lin.is_const(y):
        return lin.const(P.poseidon2(lin.const_val(x), lin.const_val(y)))
    s = [lin.ZERO, x, y]
    for r in range(P.N_ROUNDS):
        s = [lin.add_const(v, c) for v, c in zip(s, P.ROUND_CONSTANTS[r])]
        if P.is_full_round(r):
            s = [_sbox(b, v) for v in s]
        else:
            s[0] = _sbox(b, s[0])
        s = _mix(s)
    return s[0]
