"""Fiat-Shamir for SnarkPack: a running SHA-512 transcript of labelled, canonically encoded values.

Takes points (affine int tuples), GT values, scalars and gives challenges in [1, r). Every
challenge is absorbed back into the state, so each one depends on everything before it
(eprint 2021/529 section 5.2 derives r from the commitments and each x_i from the round's
messages; we also bind the verification key, n and every public input up front, which the
paper's non-interactive version requires and early implementations missed). Encodings: an F_q
coordinate is 32 bytes big-endian, infinity is all-zero coordinates, a GT value its 12
tower-order coordinates.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable

from zkvmc.field import R

DOMAIN = b"zkvmc-snarkpack-v1"
"""Separates this transcript from any other use of the hash."""


def encode_g1(p: Any) -> bytes:
    """64 bytes: x, y (zeros for infinity)."""
    return bytes(64) if p is None else b"".join(int(c).to_bytes(32, "big") for c in p)


def encode_g2(p: Any) -> bytes:
    """128 bytes: x0, x1, y0, y1 (zeros for infinity)."""
    return bytes(128) if p is None else b"".join(int(c).to_bytes(32, "big") for pair in p for c in pair)


def encode_gt(t: Iterable[int]) -> bytes:
    """384 bytes: the 12 tower-order coordinates."""
    return b"".join(int(c).to_bytes(32, "big") for c in t)


def encode_scalar(x: int) -> bytes:
    """32 bytes big-endian (x reduced mod r)."""
    return (x % R).to_bytes(32, "big")


class Transcript:
    """The prover's and the verifier's identical record of the protocol so far."""

    def __init__(self) -> None:
        self._state = hashlib.sha512(DOMAIN).digest()

    def append(self, label: str, data: bytes) -> None:
        """Absorb data under label (length-prefixed, so no two sequences collide)."""
        tag = label.encode()
        h = hashlib.sha512(self._state)
        for part in (tag, data):
            h.update(len(part).to_bytes(8, "big"))
            h.update(part)
        self._state = h.digest()

    def g1(self, label: str, *ps: Any) -> None:
        """Absorb G1 points."""
        self.append(label, b"".join(encode_g1(p) for p in ps))

    def g2(self, label: str, *ps: Any) -> None:
        """Absorb G2 points."""
        self.append(label, b"".join(encode_g2(p) for p in ps))

    def gt(self, label: str, *ts: Any) -> None:
        """Absorb GT values."""
        self.append(label, b"".join(encode_gt(t) for t in ts))

    def challenge(self, label: str) -> int:
        """A challenge in [1, r) (512 hash bits mod r: bias below 2^-250), absorbed into the state."""
        counter = 0
        while True:
            self.append(label, counter.to_bytes(4, "big"))
            x = int.from_bytes(self._state, "big") % R
            if x:
                return x
            counter += 1
