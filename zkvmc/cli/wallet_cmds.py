"""CLI: `zkvmc wallet new | pubkey | sign | verify` -- users' BabyJubJub keys and EdDSA-Poseidon
signatures, bit-compatible with circomlibjs 0.1.7's buildEddsa (zkvmc.crypto.eddsa). docs/wallet.md.

Data (public keys, signatures, --json verdicts) goes to stdout, messages to stderr. Exit codes:
0 ok / valid, 1 a well-formed signature that does not verify (the reason printed), 2 malformed
input (key file, signature file, --msg, --pubkey), as everywhere in zkvmc.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from typing import TYPE_CHECKING, Callable, TypeVar

import click

from zkvmc.cli.console import err, out
from zkvmc.errors import InputError, NegativeResult

if TYPE_CHECKING:
    from zkvmc.crypto.babyjub import Point

T = TypeVar("T")


def _option_value(option: str, text: str, parse: Callable[[str], T]) -> T:
    """parse(text), a ValueError becoming an InputError that names the option."""
    try:
        return parse(text)
    except ValueError as e:
        raise InputError(f"{option}: {e}") from None


def _print_public_key(pub: Point, as_json: bool) -> None:
    """Ax, Ay (decimal) and the packed key (hex) on stdout, as lines or one JSON object."""
    from zkvmc.crypto.keys import public_key_fields

    fields = public_key_fields(pub)
    if as_json:
        out(json.dumps(fields))
    else:
        for name, value in fields.items():
            out(f"{name}: {value}")


def _warn_if_readable_by_others(path: str) -> None:
    """Warn on stderr when a key file's permissions let group or others read it."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        err(f"warning: {path} is accessible by other users (chmod 600 {path})")


def _load_key(path: str) -> bytes:
    """The private key in a key file, warning about loose permissions."""
    from zkvmc.artifacts.wallet_files import read_private_key

    prv = read_private_key(path)
    _warn_if_readable_by_others(path)
    return prv


@click.group("wallet")
def wallet_group() -> None:
    """Users' keys and EdDSA-Poseidon signatures (BabyJubJub, circomlibjs-compatible)."""


@wallet_group.command("new")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Key file to create.")
@click.option("--from-hex", "from_hex", default=None, metavar="HEX",
              help="Use this 32-byte private key (64 hex digits) instead of a fresh random one.")
@click.option("--force", is_flag=True, help="Overwrite an existing key file.")
@click.option("--json", "as_json", is_flag=True, help='Print {"Ax", "Ay", "packed"} on stdout.')
def new_cmd(output: str, from_hex: str | None, force: bool, as_json: bool) -> None:
    """Create a key file (mode 0600) and print its public key."""
    from zkvmc.artifacts.wallet_files import write_private_key
    from zkvmc.crypto.eddsa import prv2pub
    from zkvmc.crypto.keys import parse_private_key

    if from_hex is None:
        prv = secrets.token_bytes(32)
    else:
        prv = _option_value("--from-hex", from_hex, parse_private_key)
    if not force and os.path.lexists(output):
        raise InputError(f"{output}: already exists; --force overwrites it (and loses that key)")
    pub = prv2pub(prv)
    write_private_key(output, prv, force=force)
    err(f"private key -> {output} (mode 0600; keep it secret, keep a backup)")
    _print_public_key(pub, as_json)


@wallet_group.command("pubkey")
@click.argument("key_file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help='Print {"Ax", "Ay", "packed"} on stdout.')
def pubkey_cmd(key_file: str, as_json: bool) -> None:
    """Print a key file's public key: Ax, Ay (decimal) and its packed 32 bytes (hex)."""
    from zkvmc.crypto.eddsa import prv2pub

    _print_public_key(prv2pub(_load_key(key_file)), as_json)


@wallet_group.command("sign")
@click.argument("key_file", type=click.Path(dir_okay=False))
@click.option("--msg", required=True, help="The message: a field element, decimal or 0x-hex, below r.")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="Signature file to write (default: print it on stdout).")
def sign_cmd(key_file: str, msg: str, output: str | None) -> None:
    """Sign a field element with EdDSA-Poseidon (circomlibjs signPoseidon)."""
    from zkvmc.artifacts.wallet_files import signature_to_json, write_signature
    from zkvmc.crypto.eddsa import prv2pub, sign_poseidon
    from zkvmc.crypto.keys import parse_field_element

    m = _option_value("--msg", msg, parse_field_element)
    prv = _load_key(key_file)
    sig, pub = sign_poseidon(prv, m), prv2pub(prv)
    if output is None:
        out(json.dumps(signature_to_json(sig, m, pub), indent=1))
    else:
        write_signature(output, sig, m, pub)
        err(f"signature -> {output}")


@wallet_group.command("verify")
@click.option("--pubkey", required=True, help="The signer's public key: Ax,Ay (decimal) or 64 hex digits (packed).")
@click.option("--msg", required=True, help="The message: a field element, decimal or 0x-hex, below r.")
@click.option("--sig", "sig_path", required=True, type=click.Path(dir_okay=False), help="Signature file.")
@click.option("--json", "as_json", is_flag=True, help='Print {"valid": ..., "reason": ...} on stdout.')
def verify_cmd(pubkey: str, msg: str, sig_path: str, as_json: bool) -> None:
    """Check a signature: exit 0 valid, 1 invalid (the reason printed), 2 malformed input."""
    from zkvmc.artifacts.wallet_files import read_signature
    from zkvmc.crypto.eddsa import signature_fault
    from zkvmc.crypto.keys import parse_field_element, parse_public_key
    from zkvmc.errors import ZkvmcError

    try:
        pub = _option_value("--pubkey", pubkey, parse_public_key)
        m = _option_value("--msg", msg, parse_field_element)
        sig = read_signature(sig_path)
    except ZkvmcError as e:
        if as_json:
            out(json.dumps({"valid": False, "reason": f"malformed input: {e}"}))
        raise
    reason = signature_fault(m, sig, pub)
    if as_json:
        out(json.dumps({"valid": reason is None, "reason": reason}))
    if reason is not None:
        raise NegativeResult(f"invalid: {reason}")
    err("valid")


def register(group: click.Group) -> None:
    """Add the wallet group to the zkvmc group."""
    group.add_command(wallet_group)
