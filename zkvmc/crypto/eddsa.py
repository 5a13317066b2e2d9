"""EdDSA-Poseidon over BabyJubJub, bit-compatible with circomlibjs 0.1.7 (`src/eddsa.js`,
`buildEddsa`: prv2pub, signPoseidon, verifyPoseidon, packSignature) and its point encoding
(`src/babyjub.js`: packPoint, unpackPoint); curve and base point as ERC-2494.

Symbols of circomlibjs -> names here:

- prv (any 32 bytes) -> h = BLAKE-512(prv) (zkvmc.crypto.blake512); the first half, pruned
  (clear the 3 low bits, clear bit 255, set bit 254), is the secret scalar s (little-endian);
  the public key A = (s >> 3)·BASE8.
- signPoseidon(prv, msg): r = BLAKE-512(h[32:64] ‖ msg as 32 bytes LE) as a 512-bit LE integer
  mod l (l = SUBORDER), R8 = r·BASE8, hm = Poseidon(R8x, R8y, Ax, Ay, msg) (circomlib's
  Poseidon(5)), S = (r + hm·s) mod l. Since 8 divides s, S·BASE8 = R8 + (8·hm)·A.
- verifyPoseidon adds nothing to that equation but on-curve checks and S < l; `signature_fault`
  also refuses msg ≥ r, non-canonical coordinates and small-order public keys, and says which
  check failed, in the order the zkVM's `eddsa` instruction checks them.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.crypto.babyjub import (A, D, SUBORDER, Point, add, is_small_order, mul_base8, mul_fast,
                                  on_curve)
from zkvmc.crypto.blake512 import blake512
from zkvmc.errors import InvalidValue
from zkvmc.field import R, sqrt
from zkvmc.hash.poseidon import poseidon

PRIVATE_KEY_BYTES = 32
"""A private key is 32 bytes (circomlibjs accepts any length; wallets use 32)."""

HALF_R = (R - 1) // 2
"""A point's x is "negative" (sign bit set when packed) when x > (r - 1) / 2."""

_SIGN_BIT = 0x80
"""The sign bit, in byte 31 of a packed point."""


@dataclass(frozen=True)
class Signature:
    """An EdDSA-Poseidon signature (circomlibjs's {R8, S})."""

    r8: Point
    """R8 = r·BASE8, the nonce commitment (affine, coordinates in [0, r))."""
    s: int
    """S = (r + hm·s) mod l, in [0, l) for a valid signature."""


# ---- keys and signing --------------------------------------------------------------------------


def _expand(prv: bytes) -> tuple[int, bytes]:
    """(s, h[32:64]): the pruned secret scalar and the nonce seed of a private key."""
    if not isinstance(prv, (bytes, bytearray)) or len(prv) != PRIVATE_KEY_BYTES:
        raise InvalidValue(f"a private key is {PRIVATE_KEY_BYTES} bytes")
    h = bytearray(blake512(bytes(prv)))
    h[0] &= 0xF8
    h[31] &= 0x7F
    h[31] |= 0x40
    return int.from_bytes(h[:32], "little"), bytes(h[32:])


def prv2pub(prv: bytes) -> Point:
    """The public key A = (s >> 3)·BASE8 of a 32-byte private key (circomlibjs prv2pub)."""
    s, _ = _expand(prv)
    return mul_base8(s >> 3)


def challenge(r8: Point, pub: Point, msg: int) -> int:
    """hm = Poseidon(R8x, R8y, Ax, Ay, msg), the hash both signer and verifier compute."""
    return poseidon([r8[0], r8[1], pub[0], pub[1], msg])


def sign_poseidon(prv: bytes, msg: int) -> Signature:
    """circomlibjs signPoseidon(prv, msg) for a field element 0 ≤ msg < r."""
    if not 0 <= msg < R:
        raise InvalidValue("the message must be a field element, 0 <= msg < r")
    s, seed = _expand(prv)
    pub = mul_base8(s >> 3)
    nonce = int.from_bytes(blake512(seed + msg.to_bytes(32, "little")), "little") % SUBORDER
    r8 = mul_base8(nonce)
    hm = challenge(r8, pub, msg)
    return Signature(r8, (nonce + hm * s) % SUBORDER)


# ---- verification ------------------------------------------------------------------------------


def signature_fault(msg: int, sig: Signature, pub: Point) -> str | None:
    """None when sig is a valid signature of msg by pub, else why not (the zkVM's `eddsa`
    instruction faults with these strings, checked in this order)."""
    if not 0 <= msg < R:
        return "message not below r"
    if not on_curve(pub):
        return "public key not on the curve"
    if is_small_order(pub):
        return "small-order public key"
    if not on_curve(sig.r8):
        return "R8 not on the curve"
    if not 0 <= sig.s < SUBORDER:
        return "S not below the subgroup order"
    hm = challenge(sig.r8, pub, msg)
    if mul_base8(sig.s) != add(sig.r8, mul_fast(pub, 8 * hm)):
        return "signature does not verify"
    return None


def verify_poseidon(msg: int, sig: Signature, pub: Point) -> bool:
    """Whether sig is a valid signature of msg by pub (circomlibjs verifyPoseidon, stricter)."""
    return signature_fault(msg, sig, pub) is None


# ---- packing (circomlibjs babyJub.packPoint / unpackPoint, eddsa.packSignature) ---------------




def pack_point(p: Point) -> bytes:
    """32 bytes: y little-endian, the top bit of byte 31 set when x > (r - 1) / 2."""
    x, y = p
    if not (0 <= x < R and 0 <= y < R):
        raise InvalidValue("a point's coordinates must be in [0, r)")
    out = bytearray(y.to_bytes(32, "little"))
    if x > HALF_R:
        out[31] |= _SIGN_BIT
    return bytes(out)


def unpack_point(b: bytes) -> Point:
    """The curve point pack_point encoded. ValueError for a wrong length, y ≥ r (circomlibjs
    reduces it mod r), a y with no curve point, or x = 0 (circomlibjs refuses that too)."""
    if len(b) != 32:
        raise InvalidValue(f"a packed point is 32 bytes, not {len(b)}")
    negative = bool(b[31] & _SIGN_BIT)
    y = int.from_bytes(b, "little") & ~(_SIGN_BIT << 248)
    if y >= R:
        raise InvalidValue("packed point: y is not below r")
    yy = y * y % R
    x = sqrt((1 - yy) * pow((A - D * yy) % R, -1, R))
    if x is None:
        raise InvalidValue("packed point: no curve point has this y")
    if x == 0:
        raise InvalidValue("packed point: x = 0 (the identity or the point of order 2)")
    if (x > HALF_R) != negative:
        x = R - x
    return (x, y)


def pack_signature(sig: Signature) -> bytes:
    """64 bytes: pack_point(R8) ‖ S as 32 bytes little-endian (circomlibjs packSignature)."""
    if not 0 <= sig.s < 1 << 256:
        raise InvalidValue("S does not fit in 32 bytes")
    return pack_point(sig.r8) + sig.s.to_bytes(32, "little")


def unpack_signature(b: bytes) -> Signature:
    """The signature pack_signature encoded; ValueError for a bad length or R8 encoding
    (S is taken as is: whether it is below l is a verification question)."""
    if len(b) != 64:
        raise InvalidValue(f"a packed signature is 64 bytes, not {len(b)}")
    return Signature(unpack_point(b[:32]), int.from_bytes(b[32:], "little"))


