"""Poseidon over BN254 F_r with t = 3, circomlib-compatible: takes field elements, gives their hash.

Poseidon: Grassi et al., eprint 2019/458; parameters as circomlib/circomlibjs (`poseidon_reference.js`):
t = 3, alpha = 5, R_F = 8 full rounds (4 before, 4 after), R_P = 57 partial rounds, constants from the
Grain LFSR (zkvmc.hash.grain), derived once at import (~0.1 s); tests prove they equal circomlibjs's
`poseidon_constants.json` (C[1], M[1]) exactly.

Round r = 0 .. N_ROUNDS - 1, applied to the state s = [s0, s1, s2] in this order:

1. ARK:    s[i] += ROUND_CONSTANTS[r][i]                      for i = 0, 1, 2
2. S-box:  s[i] = s[i]^5 for all i when is_full_round(r)      (r < 4 or r >= 61)
           s[0] = s[0]^5 only otherwise                       (partial rounds 4 .. 60)
3. mix:    s'[i] = sum_j MDS[i][j] * s[j]                     (row i of MDS times the column s)

poseidon2(a, b) permutes [0, a, b] and returns s[0], which is circomlib's Poseidon([a, b]).
There is no ARK after the last mix. A circuit needs one product chain per S-box
(x2 = x*x, x4 = x2*x2, x5 = x4*x): 8*3 + 57 = 81 S-boxes, 243 multiplications; ARK and mix are linear.
`poseidon2_trace` gives every S-box input so a witness generator need not re-derive the rounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.errors import ApiMisuse
from zkvmc.field import R
from zkvmc.hash.grain import generate

T = 3
"""State width (2 inputs + 1 capacity element)."""

N_FULL = 8
"""Full rounds: N_FULL // 2 before the partial rounds and N_FULL // 2 after."""

N_PARTIAL = 57
"""Partial rounds (S-box on state element 0 only)."""

ALPHA = 5
"""S-box exponent."""

N_ROUNDS = N_FULL + N_PARTIAL
"""Total rounds (65)."""

FIELD_BITS = 254
"""n, the bit size of r, one of the Grain seed fields."""

_PARAMS = generate(R, FIELD_BITS, T, N_FULL, N_PARTIAL)

ROUND_CONSTANTS: tuple[tuple[int, int, int], ...] = tuple(
    tuple(_PARAMS.round_constants[r * T:(r + 1) * T]) for r in range(N_ROUNDS)  # type: ignore[misc]
)
"""Per-round tuples: ROUND_CONSTANTS[r][i] is added to state element i in round r (circomlib's
C[t-2][r*t + i]); ROUND_CONSTANTS_FLAT is the same in circomlib's flat layout."""

ROUND_CONSTANTS_FLAT: tuple[int, ...] = _PARAMS.round_constants
"""circomlib's flat "C" layout: index r * T + i."""

MDS: tuple[tuple[int, ...], ...] = _PARAMS.mds
"""The mix matrix: new s[i] = sum_j MDS[i][j] * s[j]."""


def is_full_round(r: int) -> bool:
    """Whether round r applies the S-box to every state element (else only to element 0)."""
    return r < N_FULL // 2 or r >= N_FULL // 2 + N_PARTIAL


@dataclass(frozen=True)
class PoseidonTrace:
    """Intermediate values of one permutation, for witness generation."""

    sbox_inputs: tuple[tuple[int, ...], ...]
    """Per round, the state after ARK (the S-box inputs; only element 0 is an S-box input in
    partial rounds, elements 1 and 2 pass to the mix unchanged)."""
    output: tuple[int, int, int]
    """The state after the last mix."""


def _pow5(x: int) -> int:
    """x^5 mod r with the same three products a circuit uses."""
    x2 = x * x % R
    return x2 * x2 % R * x % R


def _round(s0: int, s1: int, s2: int, r: int) -> tuple[int, int, int]:
    """Round r (ARK, S-box, mix) applied to the state left by round r - 1; see the module docstring."""
    c0, c1, c2 = ROUND_CONSTANTS[r]
    s0, s1, s2 = (s0 + c0) % R, (s1 + c1) % R, (s2 + c2) % R
    s0 = _pow5(s0)
    if is_full_round(r):
        s1, s2 = _pow5(s1), _pow5(s2)
    m0, m1, m2 = MDS
    return (
        (m0[0] * s0 + m0[1] * s1 + m0[2] * s2) % R,
        (m1[0] * s0 + m1[1] * s1 + m1[2] * s2) % R,
        (m2[0] * s0 + m2[1] * s1 + m2[2] * s2) % R,
    )


def _check_state(state: list[int] | tuple[int, ...]) -> tuple[int, int, int]:
    """The state as three reduced field elements; ValueError on a wrong width."""
    if len(state) != T:
        raise ApiMisuse(f"Poseidon state must have {T} elements, got {len(state)}")
    return state[0] % R, state[1] % R, state[2] % R


def _permute_fast(s0: int, s1: int, s2: int) -> tuple[int, int, int]:
    """The permutation with everything bound to locals: this is the VM's hot path."""
    m00, m01, m02 = MDS[0]
    m10, m11, m12 = MDS[1]
    m20, m21, m22 = MDS[2]
    p = R
    half = N_FULL // 2
    last_partial = half + N_PARTIAL
    for r, (c0, c1, c2) in enumerate(ROUND_CONSTANTS):
        s0 += c0
        s1 += c1
        s2 += c2
        x2 = s0 * s0 % p
        s0 = x2 * x2 % p * s0
        if r < half or r >= last_partial:
            x2 = s1 * s1 % p
            s1 = x2 * x2 % p * s1
            x2 = s2 * s2 % p
            s2 = x2 * x2 % p * s2
        s0, s1, s2 = (
            (m00 * s0 + m01 * s1 + m02 * s2) % p,
            (m10 * s0 + m11 * s1 + m12 * s2) % p,
            (m20 * s0 + m21 * s1 + m22 * s2) % p,
        )
    return s0, s1, s2


def permute(state: list[int]) -> list[int]:
    """The Poseidon permutation of a width-3 state (elements taken mod r)."""
    return list(_permute_fast(*_check_state(state)))


def permute_reference(state: list[int]) -> list[int]:
    """The permutation written round by round as in the docstring (the spec that tests hold
    `permute` to)."""
    s = _check_state(state)
    for r in range(N_ROUNDS):
        s = _round(*s, r)
    return list(s)


def poseidon2(a: int, b: int) -> int:
    """circomlib's Poseidon([a, b]): permute [0, a, b] and take element 0."""
    return _permute_fast(0, a % R, b % R)[0]


def poseidon2_trace(a: int, b: int) -> PoseidonTrace:
    """The permutation of [0, a, b] with every round's S-box inputs recorded."""
    s = (0, a % R, b % R)
    inputs: list[tuple[int, ...]] = []
    for r in range(N_ROUNDS):
        inputs.append(tuple((x + c) % R for x, c in zip(s, ROUND_CONSTANTS[r])))
        s = _round(*s, r)
    return PoseidonTrace(tuple(inputs), s)


# ================================================================ circomlib's Poseidon(n), n = 1 .. 16

PARTIAL_ROUNDS_BY_T: tuple[int, ...] = (56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68)
"""R_P for t = 2 .. 17 (circomlib's N_ROUNDS_P); R_F is 8 for every width."""

MAX_INPUTS = len(PARTIAL_ROUNDS_BY_T)
"""Poseidon(n) exists for 1 <= n <= 16 inputs (t = n + 1)."""


@dataclass(frozen=True)
class Width:
    """The constants of one width t = n + 1, as the Grain LFSR draws them for circomlib."""

    t: int
    """State width."""
    n_partial: int
    """Partial rounds."""
    round_constants: tuple[tuple[int, ...], ...]
    """Per round, the t constants ARK adds."""
    mds: tuple[tuple[int, ...], ...]
    """The t x t mix matrix."""

    @property
    def n_rounds(self) -> int:
        """Full plus partial rounds."""
        return N_FULL + self.n_partial

    def is_full_round(self, r: int) -> bool:
        """Whether round r applies the S-box to every lane."""
        return r < N_FULL // 2 or r >= N_FULL // 2 + self.n_partial


_WIDTHS: dict[int, Width] = {}


def width(n_inputs: int) -> Width:
    """The constants for Poseidon(n_inputs), drawn once per width (about 0.1 s per lane)."""
    if not 1 <= n_inputs <= MAX_INPUTS:
        raise ApiMisuse(f"Poseidon takes 1 to {MAX_INPUTS} inputs, not {n_inputs}")
    got = _WIDTHS.get(n_inputs)
    if got is None:
        t = n_inputs + 1
        r_p = PARTIAL_ROUNDS_BY_T[t - 2]
        params = _PARAMS if t == T else generate(R, FIELD_BITS, t, N_FULL, r_p)
        rc = tuple(params.round_constants[r * t:(r + 1) * t] for r in range(N_FULL + r_p))
        got = _WIDTHS[n_inputs] = Width(t, r_p, rc, params.mds)
    return got


def poseidon(inputs: list[int] | tuple[int, ...]) -> int:
    """circomlib's Poseidon(inputs) for 1 to 16 field elements: permute [0, *inputs], take lane 0."""
    if len(inputs) == 2:
        return poseidon2(inputs[0], inputs[1])
    w = width(len(inputs))
    s = [0] + [x % R for x in inputs]
    for r, constants in enumerate(w.round_constants):
        s = [(x + c) % R for x, c in zip(s, constants)]
        if w.is_full_round(r):
            s = [_pow5(x) for x in s]
        else:
            s[0] = _pow5(s[0])
        s = [sum(m * x for m, x in zip(row, s)) % R for row in w.mds]
    return s[0]
