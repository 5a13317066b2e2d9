"""snarkjs's deterministic randomness, bit for bit: ChaCha20 streams and "from rng" sampling.

Takes a 32-byte seed (a transcript hash, or a beacon hash iterated through SHA-256) and gives
the values snarkjs derives from it: ffjavascript's ChaCha (src/chacha.js: the ChaCha20 block
function with the seed as key, a 64-bit block counter in words 12-15, words consumed in order),
field elements by rejection sampling (wasm_field1.js fromRng; the sampled integer is taken as
the *Montgomery* representation, so the value is v / 2^256), and curve points by
try-and-increment with a sign bit (wasm_curve.js fromRng; G2 then times its cofactor).
`hash_to_g2` is snarkjs's keypair.js hashToG2 (the G2 half of a phase-2 proof of knowledge,
Bowe-Gabizon-Miers, eprint 2017/1050, section 7); `beacon_rng` is misc.js rngFromBeaconParams.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

from zkvmc.curve import g2
from zkvmc.curve.adapter import B2, FIELD_MODULUS as Q
from zkvmc.curve.fq import f2_mul, f2_sqr, f2_sqrt, fq_sqrt
from zkvmc.field import R

MASK32 = 0xFFFFFFFF
G2_COFACTOR = 0x30644E72E131A029B85045B68181585E06CEECDA572A2489345F2299C0F9FA8D
"""The twist's cofactor (ffjavascript bn128.js cofactorG2)."""
_SIGMA = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)
_ROUNDS = ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
           (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14))


def _rotl(x: int, n: int) -> int:
    return ((x << n) | (x >> (32 - n))) & MASK32


def _quarter(s: list[int], a: int, b: int, c: int, d: int) -> None:
    s[a] = (s[a] + s[b]) & MASK32
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & MASK32
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & MASK32
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & MASK32
    s[b] = _rotl(s[b] ^ s[c], 7)


class ChaCha:
    """ffjavascript's ChaCha: 16 words per block, handed out one u32 at a time."""

    def __init__(self, seed: list[int]) -> None:
        self.state = [*_SIGMA, *seed, 0, 0, 0, 0]
        self.buff: list[int] = []
        self.idx = 16

    def _update(self) -> None:
        w = list(self.state)
        for _ in range(10):
            for q in _ROUNDS:
                _quarter(w, *q)
        self.buff = [(x + y) & MASK32 for x, y in zip(w, self.state)]
        self.idx = 0
        for i in range(12, 16):  # the counter, carried across words as chacha.js does
            self.state[i] = (self.state[i] + 1) & MASK32
            if self.state[i]:
                break

    def u32(self) -> int:
        """The next 32-bit word."""
        if self.idx == 16:
            self._update()
        self.idx += 1
        return self.buff[self.idx - 1]

    def u64(self) -> int:
        """Two words, the first the high half (chacha.js nextU64)."""
        hi = self.u32()
        return (hi << 32) | self.u32()

    def bool(self) -> bool:
        """The low bit of the next word."""
        return bool(self.u32() & 1)


def seed_of(digest: bytes) -> list[int]:
    """The ChaCha seed snarkjs takes from a hash: its first 32 bytes as 8 big-endian words."""
    return list(struct.unpack(">8I", digest[:32]))


def _raw(rng: ChaCha, modulus: int) -> int:
    """wasm_field1.js fromRng: 4 u64s, masked to the modulus's bit length, rejected until < p."""
    mask = (1 << modulus.bit_length()) - 1
    while True:
        v = sum(rng.u64() << (64 * i) for i in range(4)) & mask
        if v < modulus:
            return v


def fr_from_rng(rng: ChaCha) -> int:
    """Fr.fromRng: the sampled integer is a Montgomery representation, the value is v / 2^256."""
    return _raw(rng, R) * pow(1 << 256, -1, R) % R


def fq_from_rng(rng: ChaCha) -> int:
    """F_q element as Fq.fromRng gives it (Montgomery-interpreted like fr_from_rng)."""
    return _raw(rng, Q) * pow(1 << 256, -1, Q) % Q


def _negative(x: int) -> bool:
    """wasm isNegative: x >= (q + 1) / 2 in standard form."""
    return x > (Q - 1) // 2


def g1_from_rng(rng: ChaCha) -> Any:
    """G1.fromRng: x from the rng until x^3 + 3 is a square, y's sign from the bit drawn with x."""
    while True:
        x = fq_from_rng(rng)
        greatest = rng.bool()
        y = fq_sqrt((x * x * x + 3) % Q)
        if y is not None:
            y = int(y)
            return (x, (Q - y) % Q if greatest != _negative(y) else y)


def _f2_negative(a: tuple[int, int]) -> bool:
    """F2 isNegative: the sign of c1, or of c0 when c1 is zero."""
    return _negative(a[0]) if a[1] == 0 else _negative(a[1])


def g2_from_rng(rng: ChaCha) -> Any:
    """G2.fromRng: as G1 over F_q2 (c0 then c1 drawn), then cleared by the cofactor."""
    while True:
        x = (fq_from_rng(rng), fq_from_rng(rng))
        greatest = rng.bool()
        rhs = f2_mul(f2_sqr(x), x)
        y = f2_sqrt(((rhs[0] + B2[0]) % Q, (rhs[1] + B2[1]) % Q))
        if y is not None:
            y = (int(y[0]), int(y[1]))
            if greatest != _f2_negative(y):
                y = ((Q - y[0]) % Q, (Q - y[1]) % Q)
            p = g2.to_affine(g2.mul(g2.from_affine((x, y)), G2_COFACTOR))
            return None if p is None else ((int(p[0][0]), int(p[0][1])), (int(p[1][0]), int(p[1][1])))


def hash_to_g2(transcript: bytes) -> Any:
    """keypair.js hashToG2: the G2 point a contribution's transcript commits it to."""
    return g2_from_rng(ChaCha(seed_of(transcript)))


def beacon_rng(beacon_hash: bytes, iterations_exp: int) -> ChaCha:
    """misc.js rngFromBeaconParams: SHA-256 iterated 2^iterations_exp times, as a ChaCha seed."""
    h = beacon_hash
    for _ in range(1 << iterations_exp):
        h = hashlib.sha256(h).digest()
    return ChaCha(seed_of(h))
