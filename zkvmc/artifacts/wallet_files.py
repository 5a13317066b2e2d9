"""Wallet files: private key files and signature files (format "zkvmc-eddsa-signature", version 1).
docs/wallet.md.

A key file holds one 32-byte BabyJubJub private key as 64 lowercase hex digits and a newline (the
bytes circomlibjs's eddsa.prv2pub takes), created with mode 0600 and never overwritten unless
asked. A signature file holds an EdDSA-Poseidon signature as decimal strings, with its packed
64 bytes (circomlibjs packSignature) and, for the record, the message and public key it was made
for. Readers name the file and the field of anything malformed (ArtifactError, exit 2); whether
a well-formed signature verifies is not their business.
"""

from __future__ import annotations

from typing import Any

from zkvmc.artifacts.io import check_header, field, read_json, write_atomic, write_json
from zkvmc.crypto.babyjub import Point
from zkvmc.crypto.eddsa import Signature, pack_signature
from zkvmc.crypto.keys import format_private_key, parse_decimal, parse_hex, parse_private_key
from zkvmc.errors import ArtifactError, InvalidValue
from zkvmc.field import R

SIGNATURE_FORMAT = "zkvmc-eddsa-signature"
SIGNATURE_VERSION = 1
KEY_FILE_MODE = 0o600
"""Permissions of a new key file: its owner may read and write it, nobody else anything."""
MAX_KEY_FILE_BYTES = 1024
"""A key file is 65 bytes; anything much larger is not a key file."""


# ---- key files -----------------------------------------------------------------------------------


def write_private_key(path: str, prv: bytes, force: bool = False) -> None:
    """Create a key file atomically with mode 0600; an existing file is an error unless force."""
    write_atomic(path, format_private_key(prv).encode(), mode=KEY_FILE_MODE, replace=force)


def read_private_key(path: str) -> bytes:
    """The 32-byte private key in a key file."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_KEY_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ArtifactError(path, "", "no such file") from None
    except IsADirectoryError:
        raise ArtifactError(path, "", "is a directory, expected a key file") from None
    except OSError as e:
        raise ArtifactError(path, "", f"cannot read ({e.strerror or e})") from None
    try:
        if len(raw) > MAX_KEY_FILE_BYTES:
            raise InvalidValue("too large for a key file")
        return parse_private_key(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError) as e:
        reason = "not ASCII" if isinstance(e, UnicodeDecodeError) else str(e)
        raise ArtifactError(path, "", f"not a private key file: {reason} "
                                      "(expected 64 hex digits)") from None


# ---- signature files -----------------------------------------------------------------------------


def signature_to_json(sig: Signature, msg: int, pub: Point) -> dict[str, Any]:
    """The signature file's object (decimal strings, as snarkjs writes field elements)."""
    return {
        "format": SIGNATURE_FORMAT, "version": SIGNATURE_VERSION,
        "R8": [str(sig.r8[0]), str(sig.r8[1])], "S": str(sig.s),
        "packed": pack_signature(sig).hex(),
        "msg": str(msg), "pubkey": [str(pub[0]), str(pub[1])],
    }


def write_signature(path: str, sig: Signature, msg: int, pub: Point) -> None:
    """Write a signature file atomically."""
    write_json(path, signature_to_json(sig, msg, pub))


def _element(path: str, name: str, v: Any) -> int:
    """A decimal-string field element v (< r) of the field called name."""
    if not isinstance(v, str):
        raise ArtifactError(path, name, "expected a decimal string")
    try:
        value = parse_decimal(v)
    except ValueError as e:
        raise ArtifactError(path, name, str(e)) from None
    if value >= R:
        raise ArtifactError(path, name, "not below the field modulus r")
    return value


def _pair(path: str, obj: dict[str, Any], name: str) -> Point:
    """A field holding two decimal-string field elements."""
    v = field(path, obj, name, list)
    if len(v) != 2:
        raise ArtifactError(path, name, f"expected 2 decimal strings, found {len(v)}")
    return (_element(path, f"{name}[0]", v[0]), _element(path, f"{name}[1]", v[1]))


def signature_from_json(obj: Any, path: str) -> Signature:
    """Validate a parsed signature file: header, R8, S, and the optional record fields (msg,
    pubkey: well-formed; packed: 128 hex digits equal to R8 and S packed)."""
    check_header(path, obj, SIGNATURE_FORMAT, SIGNATURE_VERSION)
    sig = Signature(_pair(path, obj, "R8"), _element(path, "S", field(path, obj, "S", str)))
    if "msg" in obj:
        _element(path, "msg", obj["msg"])
    if "pubkey" in obj:
        _pair(path, obj, "pubkey")
    if "packed" in obj:
        try:
            packed = parse_hex(field(path, obj, "packed", str), 64)
        except ValueError as e:
            raise ArtifactError(path, "packed", str(e)) from None
        if packed != pack_signature(sig):
            raise ArtifactError(path, "packed", "does not match R8 and S")
    return sig


def read_signature(path: str) -> Signature:
    """Read and validate a signature file."""
    return signature_from_json(read_json(path), path)
