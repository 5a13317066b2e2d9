"""Text forms of wallet values: private keys, field elements, public keys (parsing, no I/O).

Shared by the `zkvmc wallet` commands and, later, anything that reads a user's key or public key
from text. Every parser raises ValueError with a reason a person can act on; only ASCII digits
count (Python's int() would also take "١٢٣", "1_000" and surrounding spaces, which are refused).
Public keys are written "Ax,Ay" (decimal) or as the 64-hex packed form of circomlibjs's
babyJub.packPoint (zkvmc.crypto.eddsa.pack_point).
"""

from __future__ import annotations

from zkvmc.crypto.babyjub import Point
from zkvmc.crypto.eddsa import PRIVATE_KEY_BYTES, pack_point, unpack_point
from zkvmc.errors import InvalidValue
from zkvmc.field import R

_DECIMAL = frozenset("0123456789")
_HEX = frozenset("0123456789abcdefABCDEF")

MAX_DECIMAL_DIGITS = 78
"""Longer than any number below 2^256; longer strings are refused before conversion."""


def parse_decimal(text: str) -> int:
    """A non-negative integer written in ASCII decimal digits only."""
    if not text or not set(text) <= _DECIMAL:
        raise InvalidValue(f"{_show(text)} is not a decimal number (digits 0-9 only)")
    if len(text) > MAX_DECIMAL_DIGITS:
        raise InvalidValue(f"{_show(text)} has more than {MAX_DECIMAL_DIGITS} digits")
    return int(text)


def parse_hex(text: str, n_bytes: int | None = None) -> bytes:
    """Bytes written as hex (an optional 0x prefix), of exactly n_bytes when given."""
    digits = text[2:] if text[:2] in ("0x", "0X") else text
    if not digits or len(digits) % 2 or not set(digits) <= _HEX:
        raise InvalidValue(f"{_show(text)} is not hex bytes")
    if n_bytes is not None and len(digits) != 2 * n_bytes:
        raise InvalidValue(f"expected {n_bytes} bytes ({2 * n_bytes} hex digits), found {len(digits) // 2}")
    return bytes.fromhex(digits)


def parse_field_element(text: str) -> int:
    """A field element 0 ≤ x < r written in decimal, or in hex after 0x."""
    if text[:2] in ("0x", "0X"):
        digits = text[2:]
        if not digits or not set(digits) <= _HEX or len(digits) > 64:
            raise InvalidValue(f"{_show(text)} is not a hex number of at most 64 digits")
        value = int(digits, 16)
    else:
        value = parse_decimal(text)
    if value >= R:
        raise InvalidValue(f"{_show(text)} is not below the field modulus r")
    return value


def parse_private_key(text: str) -> bytes:
    """A private key: 64 hex digits (an optional 0x prefix; surrounding whitespace ignored)."""
    return parse_hex(text.strip(), PRIVATE_KEY_BYTES)


def format_private_key(prv: bytes) -> str:
    """The key file's text: 64 lowercase hex digits and a newline."""
    if len(prv) != PRIVATE_KEY_BYTES:
        raise InvalidValue(f"a private key is {PRIVATE_KEY_BYTES} bytes")
    return prv.hex() + "\n"


def parse_public_key(text: str) -> Point:
    """A public key "Ax,Ay" (two field elements), or its 32-byte packed form in hex. Only the
    syntax and the packed encoding are checked here: whether "Ax,Ay" is on the curve and of large
    order is a verification question (zkvmc.crypto.eddsa.signature_fault)."""
    if "," in text:
        parts = text.split(",")
        if len(parts) != 2:
            raise InvalidValue(f"{_show(text)}: expected Ax,Ay")
        return (parse_field_element(parts[0]), parse_field_element(parts[1]))
    try:
        packed = parse_hex(text, 32)
    except ValueError:
        raise InvalidValue(f"{_show(text)}: expected Ax,Ay or 64 hex digits (packed)") from None
    try:
        return unpack_point(packed)
    except ValueError as e:
        raise InvalidValue(f"{_show(text)}: {e}") from None


def public_key_fields(pub: Point) -> dict[str, str]:
    """{"Ax", "Ay" (decimal), "packed" (64 hex)}: how the wallet prints a public key."""
    return {"Ax": str(pub[0]), "Ay": str(pub[1]), "packed": pack_point(pub).hex()}


def _show(text: str, limit: int = 40) -> str:
    """text quoted for an error message, shortened when long."""
    return repr(text if len(text) <= limit else text[:limit] + "...")
