"""Rollup transactions: the four kinds, the signed message, the program's tape and public data,
the 320-byte binary encoding and the JSON form. Pure, no I/O. docs/rollup.md, "Transactions".

Everything mirrors programs/rollup/rollup.asm (its header comment is the specification):

- a transaction is (kind, from, to, amount, nonce, d1, d2) and an optional EdDSA-Poseidon
  signature (S, R8); kinds 0 no-op, 1 deposit, 2 transfer, 3 withdrawal;
- the signed message is Poseidon([CHAIN_ID, kind, from, to, amount, nonce, d1]);
- the tape is kind, from, to, amount, nonce, d1, d2, S, R8x, R8y, with 0, 0, 0 for no signature.
  (0, 0) is not a BabyJubJub point, so R8 = (0, 0) means "unsigned", exactly as Ax = Ay = 0 means
  "no account": a signature with that R8 cannot be built, and S must then be 0 too.

A `Tx` holds any field elements (so a malformed transaction can still be encoded, fed to the
program and refused by zkvmc.rollup.validate); `decode` and `tx_from_json`, which read untrusted
bytes, additionally refuse unknown kinds and signatures on kinds that are not signed.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from zkvmc.crypto.eddsa import Signature, sign_poseidon
from zkvmc.errors import ApiMisuse, ArtifactError, InvalidValue, TxDecodeError
from zkvmc.field import R
from zkvmc.hash.poseidon import poseidon

DEFAULT_CHAIN_ID = 1
"""The chain (rollup) identifier of programs/rollup/rollup.asm as shipped (`.const CHAIN_ID 1`)."""

WORDS = ("kind", "from", "to", "amount", "nonce", "d1", "d2", "S", "R8x", "R8y")
"""The tape's words, in order: what `tape` returns and `encode` writes, 32 bytes each."""

WORD_BYTES = 32
"""Bytes per encoded word (big-endian)."""

ENCODED_BYTES = WORD_BYTES * len(WORDS)
"""Length of `encode`'s output: 320 bytes."""

TX_FORMAT = "zkvmc-rollup-tx"
"""The JSON form's "format"."""

TX_VERSION = 1
"""The JSON form's "version"."""

FROM_SHIFT, TO_SHIFT, AMOUNT_SHIFT = 2, 34, 66
"""s0 = kind + 2^2·from + 2^34·to + 2^66·amount (the program's `record`)."""


class Kind(IntEnum):
    """The transaction kinds, as the program numbers them."""

    NOOP = 0
    DEPOSIT = 1
    TRANSFER = 2
    WITHDRAW = 3


_KIND_VALUES = frozenset(int(kind) for kind in Kind)

SIGNED_KINDS = frozenset({Kind.TRANSFER, Kind.WITHDRAW})
"""The kinds that pay from an L2 account and so carry the payer's signature."""

KIND_NAMES = {Kind.NOOP: "noop", Kind.DEPOSIT: "deposit", Kind.TRANSFER: "transfer", Kind.WITHDRAW: "withdrawal"}
"""Kind -> its name in JSON."""

_KIND_BY_NAME = {name: kind for kind, name in KIND_NAMES.items()}

_JSON_FIELDS = ("kind", "from", "to", "amount", "nonce", "d1", "d2")
"""The JSON object's transaction fields (besides format, version, signature, hash)."""


def _check_element(value: object, name: str) -> int:
    """value if it is an int (not a bool) in [0, r), else ValueError naming the field."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < R:
        raise InvalidValue(f"transaction field {name} must be a field element in [0, r), got {value!r}")
    return value


@dataclass(frozen=True)
class Tx:
    """One transaction slot of the rollup program, with its signature if it has one."""

    kind: int
    """The kind: a `Kind` when known (the validator refuses other values with "bad-kind")."""
    sender: int
    """The program's `from`: the paying account's index (0 for a no-op or a deposit)."""
    receiver: int
    """The program's `to`: the credited account's index (0 for a no-op or a withdrawal)."""
    amount: int
    """The amount moved, a u64 for a valid transaction."""
    nonce: int
    """The payer's nonce this transaction consumes (0 for a no-op or a deposit)."""
    d1: int
    """Kind data: a deposit's key Ax, a withdrawal's L1 address (< 2^160), else 0."""
    d2: int
    """Kind data: a deposit's key Ay, else 0."""
    sig: Signature | None = None
    """The payer's EdDSA-Poseidon signature of `message(tx, chain_id)`, or None."""

    def __post_init__(self) -> None:
        raw = (self.kind, self.sender, self.receiver, self.amount, self.nonce, self.d1, self.d2)
        for name, value in zip(WORDS, raw):
            _check_element(value, name)
        if self.kind in _KIND_VALUES:
            object.__setattr__(self, "kind", Kind(self.kind))
        if self.sig is not None:
            _check_signature(self.sig)

    def fields(self) -> tuple[int, int, int, int, int, int, int]:
        """(kind, from, to, amount, nonce, d1, d2)."""
        return (int(self.kind), self.sender, self.receiver, self.amount, self.nonce, self.d1, self.d2)


def _check_signature(sig: object) -> None:
    """ValueError unless sig is a Signature with tape-representable values and R8 != (0, 0)."""
    if not isinstance(sig, Signature):
        raise InvalidValue(f"a transaction's signature must be a Signature, got {type(sig).__name__}")
    if not (isinstance(sig.r8, tuple) and len(sig.r8) == 2):
        raise InvalidValue("a signature's R8 must be a pair (x, y)")
    _check_element(sig.s, "S")
    _check_element(sig.r8[0], "R8x")
    _check_element(sig.r8[1], "R8y")
    if sig.r8 == (0, 0):
        raise InvalidValue("R8 = (0, 0) is not a curve point: it encodes the absence of a signature")


# ---- constructors ----------------------------------------------------------------------------


def noop() -> Tx:
    """The padding transaction: every field 0."""
    return Tx(Kind.NOOP, 0, 0, 0, 0, 0, 0)


def deposit(to: int, ax: int, ay: int, amount: int) -> Tx:
    """An L1 deposit of amount into account `to`, created with key (ax, ay) if empty."""
    return Tx(Kind.DEPOSIT, 0, to, amount, 0, ax, ay)


def transfer(sender: int, receiver: int, amount: int, nonce: int) -> Tx:
    """An unsigned transfer of amount from `sender` (at its nonce) to the existing `receiver`."""
    return Tx(Kind.TRANSFER, sender, receiver, amount, nonce, 0, 0)


def withdrawal(sender: int, l1_address: int, amount: int, nonce: int) -> Tx:
    """An unsigned withdrawal of amount from `sender` (at its nonce) to an L1 address (< 2^160)."""
    return Tx(Kind.WITHDRAW, sender, 0, amount, nonce, l1_address, 0)


def message(tx: Tx, chain_id: int) -> int:
    """The signed message: Poseidon([chain_id, kind, from, to, amount, nonce, d1])."""
    _check_element(chain_id, "chain_id")
    return poseidon([chain_id, *tx.fields()[:6]])


def signed(tx: Tx, prv: bytes, chain_id: int) -> Tx:
    """tx signed by the 32-byte private key prv for the given chain (a transfer or withdrawal)."""
    if tx.kind not in SIGNED_KINDS:
        raise ApiMisuse(f"only transfers and withdrawals are signed, not kind {int(tx.kind)}")
    return dataclasses.replace(tx, sig=sign_poseidon(prv, message(tx, chain_id)))


# ---- the program's view ------------------------------------------------------------------------


def tape(tx: Tx) -> list[int]:
    """The 10 private-tape values the program reads first for the slot (see WORDS)."""
    sig = (0, 0, 0) if tx.sig is None else (tx.sig.s, tx.sig.r8[0], tx.sig.r8[1])
    return [*tx.fields(), *sig]


def public_data(tx: Tx) -> tuple[int, int, int]:
    """The slot's public outputs (s0, s1, s2): the packed header, d1, d2 (mod r, as the program)."""
    kind, sender, receiver, amount = tx.fields()[:4]
    s0 = (kind + (sender << FROM_SHIFT) + (receiver << TO_SHIFT) + (amount << AMOUNT_SHIFT)) % R
    return (s0, tx.d1, tx.d2)


# ---- binary encoding -------------------------------------------------------------------------


def encode(tx: Tx) -> bytes:
    """The tape's 10 words, 32 bytes big-endian each (320 bytes)."""
    return b"".join(v.to_bytes(WORD_BYTES, "big") for v in tape(tx))


def decode(data: bytes) -> Tx:
    """The transaction `encode` wrote; TxDecodeError (an InputError) naming the word for a wrong
    length, a value >= r, an unknown kind, a signature on an unsigned kind or a partial one."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TxDecodeError("", f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) != ENCODED_BYTES:
        shape = f"{len(WORDS)} words of {WORD_BYTES}"
        raise TxDecodeError("", f"expected {ENCODED_BYTES} bytes ({shape}), got {len(data)}")
    words = [int.from_bytes(data[i:i + WORD_BYTES], "big") for i in range(0, ENCODED_BYTES, WORD_BYTES)]
    for name, value in zip(WORDS, words):
        if value >= R:
            raise TxDecodeError(name, "not below the field modulus r")
    if words[0] not in _KIND_VALUES:
        raise TxDecodeError("kind", f"unknown kind {words[0]} (0 no-op, 1 deposit, 2 transfer, 3 withdrawal)")
    s, r8x, r8y = words[7:]
    sig = None
    if (r8x, r8y) == (0, 0):
        if s:
            raise TxDecodeError("S", "nonzero while R8 = (0, 0) (a partial signature)")
    elif words[0] not in SIGNED_KINDS:
        raise TxDecodeError("R8x", f"a signature on a {KIND_NAMES[Kind(words[0])]}, which is not signed")
    else:
        sig = Signature((r8x, r8y), s)
    return Tx(*words[:7], sig)


def tx_hash(tx: Tx) -> str:
    """The transaction's identifier: "0x" + sha256(encode(tx)) in hex."""
    return "0x" + hashlib.sha256(encode(tx)).hexdigest()


# ---- JSON ------------------------------------------------------------------------------------


def to_json(tx: Tx) -> dict[str, Any]:
    """The JSON object (format "zkvmc-rollup-tx", version 1, decimal strings, kind by name)."""
    if tx.kind not in KIND_NAMES:
        raise ApiMisuse(f"kind {int(tx.kind)} has no JSON name")
    obj: dict[str, Any] = {"format": TX_FORMAT, "version": TX_VERSION, "kind": KIND_NAMES[Kind(tx.kind)]}
    obj.update((name, str(value)) for name, value in zip(_JSON_FIELDS[1:], tx.fields()[1:]))
    if tx.sig is not None:
        obj["signature"] = {"R8": [str(tx.sig.r8[0]), str(tx.sig.r8[1])], "S": str(tx.sig.s)}
    obj["hash"] = tx_hash(tx)
    return obj


def _decimal(path: str, name: str, value: object) -> int:
    """A JSON decimal string (ASCII digits only) below r."""
    if not isinstance(value, str):
        raise ArtifactError(path, name, "expected a decimal string")
    if not value or not value.isascii() or not value.isdigit():
        raise ArtifactError(path, name, f"{value[:40]!r} is not a decimal number (ASCII digits 0-9 only)")
    if len(value) > 78:
        raise ArtifactError(path, name, "more than 78 digits")
    number = int(value)
    if number >= R:
        raise ArtifactError(path, name, "not below the field modulus r")
    return number


def _signature_from_json(path: str, obj: object) -> Signature:
    """{"R8": [x, y], "S": s} with decimal strings; no other keys."""
    if not isinstance(obj, dict):
        raise ArtifactError(path, "signature", 'expected an object {"R8": [x, y], "S": s}')
    unknown = sorted(set(obj) - {"R8", "S"})
    if unknown:
        raise ArtifactError(path, f"signature.{unknown[0]}", "unknown key (expected R8, S)")
    for name in ("R8", "S"):
        if name not in obj:
            raise ArtifactError(path, f"signature.{name}", "missing")
    r8 = obj["R8"]
    if not isinstance(r8, list) or len(r8) != 2:
        raise ArtifactError(path, "signature.R8", "expected a list of 2 decimal strings")
    point = (_decimal(path, "signature.R8[0]", r8[0]), _decimal(path, "signature.R8[1]", r8[1]))
    if point == (0, 0):
        raise ArtifactError(path, "signature.R8", "(0, 0) is not a curve point")
    return Signature(point, _decimal(path, "signature.S", obj["S"]))


def tx_from_json(obj: Any, path: str) -> Tx:
    """A Tx from its JSON object; ArtifactError naming path and the field for anything malformed:
    a wrong header, a missing or unknown key, a value that is not an ASCII decimal string below r,
    an unknown kind name, a signature on a kind that is not signed, or a "hash" that disagrees."""
    if not isinstance(obj, dict):
        raise ArtifactError(path, "", f"expected a JSON object ({TX_FORMAT})")
    if obj.get("format") != TX_FORMAT:
        raise ArtifactError(path, "format", f"expected {TX_FORMAT!r}, found {obj.get('format')!r}")
    version = obj.get("version")
    if isinstance(version, bool) or version != TX_VERSION:
        raise ArtifactError(path, "version", f"unsupported version {version!r} (this zkvmc reads {TX_VERSION})")
    allowed = {"format", "version", *_JSON_FIELDS, "signature", "hash"}
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise ArtifactError(path, str(unknown[0]), "unknown key")
    for name in _JSON_FIELDS:
        if name not in obj:
            raise ArtifactError(path, name, "missing")
    name = obj["kind"]
    if not isinstance(name, str) or name not in _KIND_BY_NAME:
        raise ArtifactError(path, "kind", f"expected one of {', '.join(_KIND_BY_NAME)}, found {name!r}")
    kind = _KIND_BY_NAME[name]
    values = [_decimal(path, field, obj[field]) for field in _JSON_FIELDS[1:]]
    sig = None
    if "signature" in obj:
        if kind not in SIGNED_KINDS:
            raise ArtifactError(path, "signature", f"a {name} is not signed")
        sig = _signature_from_json(path, obj["signature"])
    tx = Tx(kind, *values, sig)
    if "hash" in obj and obj["hash"] != tx_hash(tx):
        raise ArtifactError(path, "hash", f"{str(obj['hash'])[:70]!r} is not the transaction's hash {tx_hash(tx)}")
    return tx
