"""The BN254 scalar field F_r, the field every zkVM value and every circuit wire lives in.

r is the order of the BN254 (alt_bn128) G1 group, EIP-196; values are Python ints in [0, r).
"""

from __future__ import annotations

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
"""The prime r."""

U64 = 1 << 64
"""Bound of the u64 instructions' operands and results."""


def fmod(x: int) -> int:
    """Reduce an integer into [0, r)."""
    return x % R


def inv(x: int) -> int:
    """The multiplicative inverse of a non-zero x mod r."""
    x %= R
    if x == 0:
        raise ZeroDivisionError("inverse of 0 in F_r")
    return pow(x, R - 2, R)


def inv_or_zero(x: int) -> int:
    """x^-1 mod r, or 0 when x = 0 (the IsZero gadget's hint)."""
    x %= R
    return pow(x, R - 2, R) if x else 0


def batch_inv(xs: list[int]) -> list[int]:
    """Inverses of non-zero elements with one exponentiation (Montgomery's trick)."""
    prefix = [1] * (len(xs) + 1)
    for i, x in enumerate(xs):
        prefix[i + 1] = prefix[i] * x % R
    acc = inv(prefix[-1])
    out = [0] * len(xs)
    for i in range(len(xs) - 1, -1, -1):
        out[i] = acc * prefix[i] % R
        acc = acc * xs[i] % R
    return out


def parse_value(text: str | int) -> int:
    """A field element from a JSON integer, a decimal string or a `0x` hex string; reduced mod r.

    Raises ValueError on anything else (the caller names the file and field).
    """
    if isinstance(text, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(text, int):
        return text % R
    if not isinstance(text, str):
        raise ValueError(f"expected a number or numeric string, got {type(text).__name__}")
    s = text.strip()
    neg = s.startswith("-")
    body = s[1:] if neg else s
    if body.lower().startswith("0x"):
        digits, base = body[2:], 16
    else:
        digits, base = body, 10
    allowed = "0123456789" if base == 10 else "0123456789abcdefABCDEF"
    if not digits or any(c not in allowed for c in digits):
        raise ValueError(f"not a number: {text!r}")
    v = int(digits, base)
    return (-v if neg else v) % R


def parse_canonical(text: str | int) -> int:
    """Like parse_value but rejects values not already in [0, r) (for proof public signals)."""
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise ValueError("expected a decimal string")
    s = text.strip() if isinstance(text, str) else str(text)
    if not s.isdigit():
        raise ValueError(f"not a non-negative decimal integer: {text!r}")
    v = int(s)
    if v >= R:
        raise ValueError(f"value {v} is not below the field modulus r")
    return v
