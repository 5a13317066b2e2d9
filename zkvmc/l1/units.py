"""Ether amounts as people write them: "1ether", "0.5 ether", "250gwei", "1000wei", "1000".

The rollup counts in gwei (a deposit's L2 amount is msg.value / 1 gwei, a u64), so a deposit must
be a whole, nonzero number of gwei; `parse_wei` gives wei and `check_deposit` says what is wrong.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, localcontext

from zkvmc.errors import InvalidValue

UNITS = {"wei": 1, "gwei": 10**9, "ether": 10**18, "eth": 10**18}
"""Unit name -> wei."""

GWEI = 10**9
"""Wei per gwei, the rollup's unit."""

_AMOUNT = re.compile(r"\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([a-zA-Z]*)\s*")


def parse_wei(text: str) -> int:
    """An amount with an optional unit (wei, gwei, ether; none means wei) in wei; ValueError if
    it is malformed or not a whole number of wei."""
    m = _AMOUNT.fullmatch(text)
    if m is None:
        raise InvalidValue(f"{text!r} is not an amount like 1ether, 0.5ether, 250gwei or 1000wei")
    number, unit = m.group(1), m.group(2).lower() or "wei"
    if unit not in UNITS:
        raise InvalidValue(f"unknown unit {m.group(2)!r} (use wei, gwei or ether)")
    if len(number) > 100:
        raise InvalidValue("more than 100 digits")
    with localcontext() as ctx:
        ctx.prec = 200  # exact for every accepted input
        try:
            value = Decimal(number) * UNITS[unit]
        except InvalidOperation:
            raise InvalidValue(f"{text!r} is not a number") from None
    if value != value.to_integral_value():
        raise InvalidValue(f"{text} is not a whole number of wei")
    return int(value)


def check_deposit(wei: int) -> None:
    """ValueError unless wei is a deposit the bridge takes: nonzero, whole gwei, below 2^64 gwei."""
    if wei <= 0:
        raise InvalidValue("a deposit must be more than 0")
    if wei % GWEI:
        raise InvalidValue(f"{wei} wei is not a whole number of gwei (the rollup counts in gwei)")
    if wei // GWEI >= 2**64:
        raise InvalidValue("a deposit must be below 2^64 gwei")


def parse_deposit(text: str) -> int:
    """parse_wei, then check_deposit: the wei of a deposit the bridge takes (ValueError otherwise)."""
    wei = parse_wei(text)
    check_deposit(wei)
    return wei


def format_wei(wei: int) -> str:
    """wei as ether, without trailing zeros: 1500000000000000000 -> "1.5 ether"."""
    with localcontext() as ctx:
        ctx.prec = 200
        text = format(Decimal(wei) / UNITS["ether"], "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} ether"
