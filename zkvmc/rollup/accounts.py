"""A rollup account: the owner's BabyJubJub public key, a u64 balance and a u64 nonce.

Its leaf in the state tree is Poseidon([ax, ay, balance, nonce]) (circomlib's Poseidon with 4
inputs), except for the empty account (0, 0, 0, 0), whose leaf is 0, the tree's empty leaf.
(0, 0) is not a BabyJubJub point, so ax = ay = 0 means "no account here"; an account with that
key and a non-zero balance or nonce is invalid. In JSON every number is a decimal string.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.errors import ArtifactError, InvalidValue
from zkvmc.field import R, U64
from zkvmc.hash.poseidon import poseidon

FIELDS = ("ax", "ay", "balance", "nonce")
"""The account's fields, in leaf order and JSON key order."""


def _check_int(value: object, name: str, bound: int, bound_text: str) -> None:
    """ValueError unless value is an int (not a bool) in [0, bound)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < bound:
        raise InvalidValue(f"account {name} must be an integer in [0, {bound_text}), got {value!r}")


@dataclass(frozen=True)
class Account:
    """One account: public key (ax, ay), balance and nonce. Construction validates the ranges."""

    ax: int
    """The owner's public key, x coordinate (0 with ay = 0 for no account)."""
    ay: int
    """The owner's public key, y coordinate."""
    balance: int
    """The balance, a u64."""
    nonce: int
    """The number of transactions the owner has signed that were applied, a u64."""

    def __post_init__(self) -> None:
        _check_int(self.ax, "ax", R, "r")
        _check_int(self.ay, "ay", R, "r")
        _check_int(self.balance, "balance", U64, "2^64")
        _check_int(self.nonce, "nonce", U64, "2^64")
        if self.ax == 0 and self.ay == 0 and (self.balance or self.nonce):
            raise InvalidValue("an account without a key (ax = ay = 0) must have balance 0 and nonce 0")

    @property
    def is_empty(self) -> bool:
        """Whether this is the empty account (no key, so no balance or nonce either)."""
        return self.ax == 0 and self.ay == 0

    def leaf(self) -> int:
        """The account's leaf in the state tree: 0 if empty, else Poseidon([ax, ay, balance, nonce])."""
        if self.is_empty:
            return 0
        return poseidon([self.ax, self.ay, self.balance, self.nonce])

    def to_json(self) -> dict[str, str]:
        """{"ax", "ay", "balance", "nonce"} as decimal strings."""
        return {name: str(getattr(self, name)) for name in FIELDS}


EMPTY = Account(0, 0, 0, 0)
"""The empty account (leaf 0)."""


def _parse_decimal(value: object) -> int:
    """A non-negative integer from a decimal string (or a JSON integer); ValueError otherwise."""
    if isinstance(value, bool):
        raise InvalidValue("expected a decimal string, got a boolean")
    if isinstance(value, int):
        return value
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        raise InvalidValue(f"expected a decimal string, got {value!r}")
    return int(value)


def account_from_json(obj: object, where: str) -> Account:
    """An Account from {"ax", "ay", "balance", "nonce"} (decimal strings); ArtifactError naming
    `where` (a file, or a file and a position) and the field for anything malformed."""
    if not isinstance(obj, dict):
        raise ArtifactError(where, "", 'expected an object {"ax", "ay", "balance", "nonce"}')
    unknown = sorted(set(obj) - set(FIELDS))
    if unknown:
        raise ArtifactError(where, str(unknown[0]), "unknown key (expected ax, ay, balance, nonce)")
    values = []
    for name in FIELDS:
        if name not in obj:
            raise ArtifactError(where, name, "missing")
        try:
            values.append(_parse_decimal(obj[name]))
        except ValueError as e:
            raise ArtifactError(where, name, str(e)) from None
    try:
        return Account(*values)
    except ValueError as e:
        raise ArtifactError(where, _field_of(str(e)), str(e)) from None


def _field_of(message: str) -> str:
    """The field a validation message from Account is about ("" for the key/balance rule)."""
    for name in FIELDS:
        if message.startswith(f"account {name} "):
            return name
    return ""
