"""Poseidon parameter generation with the Grain LFSR: takes (p, t, R_F, R_P), gives round constants and MDS.

Follows the Poseidon paper (Grassi, Khovratovich, Rechberger, Roy, Schofnegger, eprint 2019/458,
Appendix F / section 4) and its reference script `generate_parameters_grain.sage`:

- an 80-bit Grain LFSR, b_{i+80} = b_{i+62} ^ b_{i+51} ^ b_{i+38} ^ b_{i+23} ^ b_{i+13} ^ b_i, seeded
  with the bits of (field = 1 [prime field], 2 bits) (sbox = 0 [x^alpha], 4 bits) (n, 12 bits)
  (t, 12 bits) (R_F, 10 bits) (R_P, 10 bits) and 30 ones; the first 160 outputs are discarded;
- output bits are taken in pairs: when the first bit is 1 the second is emitted, else both are dropped;
- a field element is n emitted bits read most-significant first; round constants reject values >= p;
- the MDS matrix is the Cauchy matrix M[i][j] = 1 / (x_i + y_j) with x_0..x_{t-1}, y_0..y_{t-1} the next
  2t n-bit draws (reduced mod p, as the script does), redrawn when they are not distinct or some
  x_i + y_j = 0.

The reference script additionally runs its "secure MDS" checks (algorithms 1-3) and redraws a matrix
that fails them; they are not implemented here: for the parameters zkvmc uses (BN254 r, t = 3, R_F = 8,
R_P = 57) the first matrix drawn is circomlib's, which tests/test_poseidon_node.py checks against
circomlibjs's own tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

_LFSR_BITS = 80
"""Length of the Grain shift register."""

_TAPS = (62, 51, 38, 23, 13, 0)
"""Feedback taps, as offsets from the oldest bit."""

_DISCARD = 160
"""Outputs thrown away after seeding so the state depends on every seed bit."""


@dataclass(frozen=True)
class PoseidonParams:
    """Poseidon constants for one instance, as the reference script outputs them."""

    round_constants: tuple[int, ...]
    """Flat list, (R_F + R_P) * t values: round r, state element i at index r * t + i."""
    mds: tuple[tuple[int, ...], ...]
    """t x t Cauchy matrix, mds[i][j] = 1 / (x_i + y_j)."""


def seed_bits(n: int, t: int, r_f: int, r_p: int) -> list[int]:
    """The 80 seed bits for a prime field with the x^alpha S-box (field = 1, sbox = 0)."""
    fields = ((1, 2), (0, 4), (n, 12), (t, 12), (r_f, 10), (r_p, 10))
    bits: list[int] = []
    for value, width in fields:
        bits.extend(int(c) for c in format(value, f"0{width}b"))
    return bits + [1] * 30


def _raw_bits(seed: list[int]) -> Iterator[int]:
    """The LFSR output stream after the 160 discarded warm-up bits.

    The register is an int whose bit k is the k-th oldest bit, so a step is one shift and an OR.
    """
    state = sum(b << k for k, b in enumerate(seed))
    top = _LFSR_BITS - 1
    step = 0
    while True:
        new = 0
        for tap in _TAPS:
            new ^= (state >> tap) & 1
        state = (state >> 1) | (new << top)
        step += 1
        if step > _DISCARD:
            yield new


def grain_bits(seed: list[int]) -> Iterator[int]:
    """The filtered Grain stream: of each pair (a, b) of raw bits, emit b when a is 1."""
    raw = _raw_bits(seed)
    while True:
        if next(raw):
            yield next(raw)
        else:
            next(raw)


def _draw(bits: Iterator[int], n: int) -> int:
    """An n-bit integer from the stream, most significant bit first."""
    value = 0
    for _ in range(n):
        value = (value << 1) | next(bits)
    return value


def round_constants(bits: Iterator[int], n: int, count: int, p: int) -> tuple[int, ...]:
    """`count` field elements by rejection sampling of n-bit draws below p."""
    out: list[int] = []
    while len(out) < count:
        value = _draw(bits, n)
        if value < p:
            out.append(value)
    return tuple(out)


def cauchy_mds(bits: Iterator[int], n: int, t: int, p: int) -> tuple[tuple[int, ...], ...]:
    """The t x t Cauchy matrix 1/(x_i + y_j) over F_p, redrawn until it is well defined."""
    while True:
        draws = [_draw(bits, n) % p for _ in range(2 * t)]
        while len(set(draws)) != len(draws):
            draws = [_draw(bits, n) % p for _ in range(2 * t)]
        xs, ys = draws[:t], draws[t:]
        if all((x + y) % p for x in xs for y in ys):
            return tuple(tuple(pow(x + y, p - 2, p) for y in ys) for x in xs)


def generate(p: int, n: int, t: int, r_f: int, r_p: int) -> PoseidonParams:
    """Round constants then MDS matrix, drawn in that order from one Grain stream."""
    bits = grain_bits(seed_bits(n, t, r_f, r_p))
    constants = round_constants(bits, n, (r_f + r_p) * t, p)
    return PoseidonParams(constants, cauchy_mds(bits, n, t, p))
