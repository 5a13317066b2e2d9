"""Poseidon (circomlib's Poseidon(n), n = 1 .. 16) as constraints: takes input LCs, gives the hash LC.

Round layout as zkvmc.hash.poseidon's docstring (Grassi et al., eprint 2019/458): ARK, S-box
(all lanes in full rounds, lane 0 in partial rounds), MDS mix. The S-box x^5 is three products
(x2 = x·x, x4 = x2·x2, x5 = x4·x); ARK and the mix are LC arithmetic, so a call costs
3·(8·t + R_P) - 3 constraints for width t = n + 1 (the capacity lane is a constant in the first
round): 240 for two inputs, 321 for five; fewer when more lanes are constant, and constant
inputs fold entirely.
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


def _mix(s: list[LC], mds: tuple[tuple[int, ...], ...]) -> list[LC]:
    """s' = MDS · s."""
    out = []
    for row in mds:
        acc: LC = lin.ZERO
        for m, v in zip(row, s):
            acc = lin.combine(acc, v, m)
        out.append(acc)
    return out


def poseidon(b: Builder, inputs: list[LC]) -> LC:
    """Poseidon(inputs) as an LC (circomlib's Poseidon(len(inputs)))."""
    if all(lin.is_const(x) for x in inputs):
        return lin.const(P.poseidon([lin.const_val(x) for x in inputs]))
    w = P.width(len(inputs))
    s = [lin.ZERO, *inputs]
    for r in range(w.n_rounds):
        s = [lin.add_const(v, c) for v, c in zip(s, w.round_constants[r])]
        if w.is_full_round(r):
            s = [_sbox(b, v) for v in s]
        else:
            s[0] = _sbox(b, s[0])
        s = _mix(s, w.mds)
    return s[0]


def poseidon2(b: Builder, x: LC, y: LC) -> LC:
    """Poseidon([x, y]) as an LC."""
    return poseidon(b, [x, y])
