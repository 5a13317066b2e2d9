"""Small F_r facts the determinism analysis needs: roots of polynomials of degree <= 2, and the
0/1 solutions of one linear equation whose coefficients are a superincreasing sequence.

Both answer exactly (no sampling): a root set is every root, a solution list is every solution.
"""

from __future__ import annotations

from zkvmc.field import R, sqrt

HALF = (R - 1) // 2
ALL = None
"""roots() of the zero polynomial: every value is a root."""




def roots(q: int, l: int, c: int, known_root: int | None = None) -> frozenset[int] | None:
    """Every x with q·x² + l·x + c = 0 mod r (ALL for the zero polynomial).

    known_root, when given, must be a root: it saves the square root (the other root is then
    -l/q - known_root by Vieta).
    """
    q, l, c = q % R, l % R, c % R
    if q == 0:
        if l == 0:
            return ALL if c == 0 else frozenset()
        return frozenset({-c * pow(l, -1, R) % R})
    iq = pow(q, -1, R)
    if known_root is not None:
        return frozenset({known_root % R, (-l * iq - known_root) % R})
    s = sqrt(l * l - 4 * q * c)
    if s is None:
        return frozenset()
    i2q = iq * pow(2, -1, R) % R
    return frozenset({(-l + s) * i2q % R, (-l - s) * i2q % R})


def _centered(x: int) -> int:
    """x mod r as an integer in (-r/2, r/2]."""
    return x if x <= HALF else x - R


def _weights(g: list[int], scale: int, centered: bool) -> list[int] | None:
    """The integer weights scale·g_i (centered or in [0, r)), if their absolute sum stays
    below the bound that keeps the superincreasing argument exact; else None (early exit)."""
    bound = R if centered else 2 * R
    out, total = [], 0
    for x in g:
        h = x * scale % R
        h = _centered(h) if centered else h
        total += abs(h)
        if total >= bound:
            return None
        out.append(h)
    return out


def _superincreasing(ws: list[int]) -> bool:
    """Each |w| (sorted) exceeds the sum of the smaller ones, and none is 0."""
    acc = 0
    for w in sorted(abs(x) for x in ws):
        if w <= acc:
            return False
        acc += w
    return True


def _solve_integer(ws: list[int], target: int) -> list[list[int]]:
    """Every t in {0,1}^n with sum(ws_i·t_i) ≡ target (mod r), ws superincreasing integers.

    Negative weights are flipped (t -> 1 - t) so all are positive; then each integer
    target + k·r in [0, sum] has at most one representation, found greedily.
    """
    neg = [w < 0 for w in ws]
    pos = [abs(w) for w in ws]
    t0 = (target - sum(w for w in ws if w < 0)) % R
    order = sorted(range(len(ws)), key=lambda i: -pos[i])
    total, out = sum(pos), []
    s = t0
    while s <= total:
        rem, bits = s, [0] * len(ws)
        for i in order:
            if rem >= pos[i]:
                rem -= pos[i]
                bits[i] = 1
        if rem == 0:
            out.append([1 - b if n else b for b, n in zip(bits, neg)])
        s += R
    return out


def binary_solutions(g: list[int], target: int) -> list[list[int]] | None:
    """Every t in {0,1}^n with sum(g_i·t_i) = target in F_r, or None when this cannot tell.

    It can tell when some scaling λ ∈ {1/g_j} turns the coefficients into integers (as
    representatives centered on 0, or in [0, r)) that form a superincreasing sequence: a bit
    decomposition with distinct powers of two, possibly negated, scaled, or with a few
    extra flags (Num2Bits, LessThan's top bit, a linear form known to be one of two values).
    Then the solutions are the representations of target + k·r (k = 0, or 0 and 1 when the
    weights sum past r: the 254-bit alias of Num2Bits(254)).
    """
    if not g or any(x % R == 0 for x in g):
        return None
    scales = [pow(x, -1, R) for x in dict.fromkeys(x % R for x in g)]
    for scale in [1] + scales:
        for centered in (True, False):
            ws = _weights(g, scale, centered)
            if ws is not None and _superincreasing(ws):
                return _solve_integer(ws, target * scale % R)
    return None


def bit_patterns(form: dict[int, int], rs: list[int], cands: dict[int, tuple[int, int]]
                 ) -> list[tuple[int, ...]] | None:
    """Every assignment of form's variables (sorted), each one of its two candidates, with
    sum(form) ∈ rs (one or two values); None when binary_solutions cannot tell."""
    wires = sorted(form)
    lo = [cands[w][0] for w in wires]
    step = [(cands[w][1] - x) % R for w, x in zip(wires, lo)]
    g = [form[w] * d % R for w, d in zip(wires, step)]
    base = sum(form[w] * x for w, x in zip(wires, lo)) % R
    if len(rs) == 2:
        g.append((rs[0] - rs[1]) % R)
    sols = binary_solutions(g, (rs[0] - base) % R)
    if sols is None:
        return None
    return sorted({tuple((x + d * t) % R for x, d, t in zip(lo, step, s)) for s in sols})
