"""The BN254 scalar field F_r, the field every zkVM value and every circuit wire lives in.

r is the order of the BN254 (alt_bn128) G1 group, EIP-196; values are Python ints in [0, r).
"""

from __future__ import annotations

from zkvmc.errors import InvalidValue

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
"""The prime r."""

U64 = 1 << 64
"""Bound of the u64 instructions' operands and results."""


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


MAX_DECIMAL_LEN = 80
"""Longest decimal string read as a field element (r and q have 77 digits; a few leading zeros
are tolerated); longer strings are refused before int() sees them."""


def is_decimal(text: object, max_len: int = MAX_DECIMAL_LEN) -> bool:
    """Whether text is a str of 1..max_len ASCII digits 0-9 (str.isdigit alone also takes
    superscripts and Arabic-Indic digits, which snarkjs and Solidity cannot parse)."""
    return (isinstance(text, str) and 0 < len(text) <= max_len and text.isascii() and text.isdigit())


def parse_decimal(text: object, bound: int | None = None, max_len: int = MAX_DECIMAL_LEN,
                  bound_name: str = "the field modulus") -> int:
    """A non-negative integer from an ASCII decimal string, below bound (named bound_name) when given.

    Raises InvalidValue (a ValueError) with a short reason (the caller names the file and field)."""
    if not is_decimal(text, max_len):
        raise InvalidValue(f"expected a decimal string (ASCII digits 0-9), found {text!r}"[:120])
    v = int(text)  # type: ignore[arg-type]
    if bound is not None and v >= bound:
        raise InvalidValue(f"not below {bound_name}")
    return v


def parse_value(text: str | int) -> int:
    """A field element from a JSON integer, a decimal string or a `0x` hex string; reduced mod r.

    Raises InvalidValue (a ValueError) on anything else (the caller names the file and field).
    """
    if isinstance(text, bool):
        raise InvalidValue("expected a number, got a boolean")
    if isinstance(text, int):
        return text % R
    if not isinstance(text, str):
        raise InvalidValue(f"expected a number or numeric string, got {type(text).__name__}")
    s = text.strip()
    neg = s.startswith("-")
    body = s[1:] if neg else s
    if body.lower().startswith("0x"):
        digits, base = body[2:], 16
    else:
        digits, base = body, 10
    allowed = "0123456789" if base == 10 else "0123456789abcdefABCDEF"
    if not digits or any(c not in allowed for c in digits):
        raise InvalidValue(f"not a number: {text!r}")
    v = int(digits, base)
    return (-v if neg else v) % R


def sqrt(a: int) -> int | None:
    """A square root of a mod r (Tonelli-Shanks; r - 1 = 2^28·odd), or None for a non-square."""
    a %= R
    if a == 0:
        return 0
    if pow(a, (R - 1) // 2, R) != 1:
        return None
    q, m = R - 1, 0
    while q % 2 == 0:
        q, m = q // 2, m + 1
    c, t, x = pow(5, q, R), pow(a, q, R), pow(a, (q + 1) // 2, R)  # 5 is a non-residue mod r (asserted below)
    while t != 1:
        i, t2 = 1, t * t % R
        while t2 != 1:
            i, t2 = i + 1, t2 * t2 % R
        b = pow(c, 1 << (m - i - 1), R)
        m, c = i, b * b % R
        t, x = t * c % R, x * b % R
    return x


assert pow(5, (R - 1) // 2, R) == R - 1  # sqrt starts from the non-residue 5
