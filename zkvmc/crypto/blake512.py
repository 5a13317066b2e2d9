"""BLAKE-512: the original SHA-3 finalist (Aumasson, Henzen, Meier, Phan, "SHA-3 proposal BLAKE",
version 1.3, 2010), not BLAKE2. circomlibjs derives EdDSA keys and nonces with it through the
npm `blake-hash` package (`createBlakeHash("blake512")`); this is the same function, unsalted.

Spec section -> code name:

- 2.2.1 constants: IV (= SHA-512's), CONSTANTS c0..c15 (digits of pi), SIGMA (round permutations).
- 2.2.2 compression: 16 words of state v, 16 message words m (big-endian), counter t in bits
  (two 64-bit halves), ROUNDS = 16 rounds of 8 calls of `_g`. 16 is the final-round count
  (version 1.3; the first submission had 14) and the one `blake-hash` 2.0.0 runs.
- 2.2.3 padding: a 1 bit, zeros, a 1 bit (BLAKE-512's marker), the 128-bit big-endian length;
  a block that holds no message bits is compressed with counter 0.
"""

from __future__ import annotations

MASK64 = (1 << 64) - 1
"""Words are 64 bits."""

ROUNDS = 16
"""Rounds of the compression function (BLAKE-512 of the SHA-3 final round; BLAKE-256 has 14)."""

BLOCK_BYTES = 128
"""A message block is 16 words of 64 bits."""

IV: tuple[int, ...] = (
    0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
    0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179,
)
"""Initial chain value h0..h7."""

CONSTANTS: tuple[int, ...] = (
    0x243F6A8885A308D3, 0x13198A2E03707344, 0xA4093822299F31D0, 0x082EFA98EC4E6C89,
    0x452821E638D01377, 0xBE5466CF34E90C6C, 0xC0AC29B7C97C50DD, 0x3F84D5B5B5470917,
    0x9216D5D98979FB1B, 0xD1310BA698DFB5AC, 0x2FFD72DBD01ADFB7, 0xB8E1AFED6A267E96,
    0xBA7C9045F12C7F99, 0x24A19947B3916CF7, 0x0801F2E2858EFC16, 0x636920D871574E69,
)
"""c0..c15: the first 1024 fractional bits of pi."""

SIGMA: tuple[tuple[int, ...], ...] = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    (14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3),
    (11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4),
    (7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8),
    (9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13),
    (2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9),
    (12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11),
    (13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10),
    (6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5),
    (10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0),
)
"""The ten permutations sigma_0..sigma_9; round r uses SIGMA[r % 10]."""

_COLUMNS_THEN_DIAGONALS = (
    (0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
    (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14),
)
"""The state words G_0..G_7 act on: four columns, then four diagonals."""


def _rotr(x: int, n: int) -> int:
    """64-bit rotation right by n."""
    return ((x >> n) | (x << (64 - n))) & MASK64


def _g(v: list[int], m: list[int], sigma: tuple[int, ...], i: int) -> None:
    """G_i of one round on v in place (spec 2.2.2, rotations 32, 25, 16, 11)."""
    a, b, c, d = _COLUMNS_THEN_DIAGONALS[i]
    j, k = sigma[2 * i], sigma[2 * i + 1]
    v[a] = (v[a] + v[b] + (m[j] ^ CONSTANTS[k])) & MASK64
    v[d] = _rotr(v[d] ^ v[a], 32)
    v[c] = (v[c] + v[d]) & MASK64
    v[b] = _rotr(v[b] ^ v[c], 25)
    v[a] = (v[a] + v[b] + (m[k] ^ CONSTANTS[j])) & MASK64
    v[d] = _rotr(v[d] ^ v[a], 16)
    v[c] = (v[c] + v[d]) & MASK64
    v[b] = _rotr(v[b] ^ v[c], 11)


def compress(h: list[int], block: bytes, counter: int) -> list[int]:
    """The next chain value from h, one 128-byte block and the bit counter (salt zero)."""
    m = [int.from_bytes(block[8 * i:8 * i + 8], "big") for i in range(16)]
    t0, t1 = counter & MASK64, counter >> 64
    v = list(h) + list(CONSTANTS[:4]) + [
        t0 ^ CONSTANTS[4], t0 ^ CONSTANTS[5], t1 ^ CONSTANTS[6], t1 ^ CONSTANTS[7],
    ]
    for r in range(ROUNDS):
        sigma = SIGMA[r % 10]
        for i in range(8):
            _g(v, m, sigma, i)
    return [h[i] ^ v[i] ^ v[i + 8] for i in range(8)]


def _padded_blocks(data: bytes) -> list[tuple[bytes, int]]:
    """The padded message as (block, counter) pairs: counter = message bits up to and including
    this block, or 0 for a block holding padding only (spec 2.2.3)."""
    n_bits = 8 * len(data)
    zeros = (110 - len(data)) % BLOCK_BYTES  # bytes between the 0x80 byte and the 0x01 byte
    if zeros == BLOCK_BYTES - 1:  # the 1 bit and the 0x01 marker share one byte
        tail = b"\x81"
    else:
        tail = b"\x80" + bytes(zeros) + b"\x01"
    padded = data + tail + n_bits.to_bytes(16, "big")
    blocks = []
    for start in range(0, len(padded), BLOCK_BYTES):
        message_bytes = min(len(data), start + BLOCK_BYTES)
        counter = 8 * message_bytes if start < len(data) else 0
        blocks.append((padded[start:start + BLOCK_BYTES], counter))
    return blocks


def blake512(data: bytes) -> bytes:
    """The 64-byte BLAKE-512 digest of data."""
    h = list(IV)
    for block, counter in _padded_blocks(data):
        h = compress(h, block, counter)
    return b"".join(w.to_bytes(8, "big") for w in h)
