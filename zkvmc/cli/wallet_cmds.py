"""CLI: `zkvmc wallet new | pubkey | sign | verify | transfer | withdrawal` -- users' BabyJubJub
keys and EdDSA-Poseidon signatures, bit-compatible with circomlibjs 0.1.7's buildEddsa
(zkvmc.crypto.eddsa), and rollup transactions signed offline (zkvmc.rollup.transactions).
docs/wallet.md.

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
    from zkvmc.rollup.transactions import Tx

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


# ---- rollup transactions, signed offline ------------------------------------------------------

_INDEX_LIMIT = 1 << 32
"""Account indices fit in 32 bits (the deepest tree, and the program's packing of s0)."""


def _bounded(option: str, text: str, limit: int, limit_text: str) -> int:
    """A decimal option value below limit (an InputError naming the option otherwise)."""
    from zkvmc.crypto.keys import parse_decimal

    value = _option_value(option, text, parse_decimal)
    if value >= limit:
        raise InputError(f"{option}: {text} is not below {limit_text}")
    return value


def _l1_address(text: str) -> int:
    """An L1 address: 20 bytes as 40 hex digits (0x optional), as an integer."""
    from zkvmc.crypto.keys import parse_hex

    return int.from_bytes(_option_value("--l1-address", text, lambda t: parse_hex(t, 20)), "big")


def _chain_id(text: str) -> int:
    """The --chain-id option: a field element (decimal or 0x-hex)."""
    from zkvmc.crypto.keys import parse_field_element

    return _option_value("--chain-id", text, parse_field_element)


def _sign_and_write(key_file: str, tx: Tx, chain_id: int, output: str | None) -> None:
    """Sign tx with the key file's key, write its JSON to output (atomically) or stdout, and
    print its hash on stderr."""
    from zkvmc.artifacts.io import write_json
    from zkvmc.rollup.transactions import signed, to_json, tx_hash

    stx = signed(tx, _load_key(key_file), chain_id)
    obj = to_json(stx)
    if output is None:
        out(json.dumps(obj, indent=1))
    else:
        write_json(output, obj)
    err(f"tx {tx_hash(stx)}" + ("" if output is None else f" -> {output}"))


_CHAIN_HELP = "The rollup's chain identifier, signed in the message (default 1, the shipped program's)."
_OUTPUT_HELP = "Transaction file to write (default: print it on stdout)."


@wallet_group.command("transfer")
@click.argument("key_file", type=click.Path(dir_okay=False))
@click.option("--from", "sender", required=True, metavar="INDEX", help="Your account's index.")
@click.option("--to", "receiver", required=True, metavar="INDEX", help="The receiving account's index.")
@click.option("--amount", required=True, metavar="N", help="The amount, below 2^64.")
@click.option("--nonce", required=True, metavar="N", help="Your account's current nonce.")
@click.option("--chain-id", "chain_id", default="1", show_default=True, help=_CHAIN_HELP)
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help=_OUTPUT_HELP)
def transfer_cmd(key_file: str, sender: str, receiver: str, amount: str, nonce: str, chain_id: str,
                 output: str | None) -> None:
    """Sign a transfer offline and write it as a zkvmc-rollup-tx JSON file."""
    from zkvmc.rollup.transactions import transfer

    tx = transfer(_bounded("--from", sender, _INDEX_LIMIT, "2^32"),
                  _bounded("--to", receiver, _INDEX_LIMIT, "2^32"),
                  _bounded("--amount", amount, 1 << 64, "2^64"),
                  _bounded("--nonce", nonce, 1 << 64, "2^64"))
    _sign_and_write(key_file, tx, _chain_id(chain_id), output)


@wallet_group.command("withdrawal")
@click.argument("key_file", type=click.Path(dir_okay=False))
@click.option("--from", "sender", required=True, metavar="INDEX", help="Your account's index.")
@click.option("--amount", required=True, metavar="N", help="The amount, below 2^64.")
@click.option("--l1-address", "l1_address", required=True, metavar="0xADDRESS",
              help="The L1 address paid: 40 hex digits.")
@click.option("--nonce", required=True, metavar="N", help="Your account's current nonce.")
@click.option("--chain-id", "chain_id", default="1", show_default=True, help=_CHAIN_HELP)
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help=_OUTPUT_HELP)
def withdrawal_cmd(key_file: str, sender: str, amount: str, l1_address: str, nonce: str, chain_id: str,
                   output: str | None) -> None:
    """Sign a withdrawal to an L1 address offline and write it as a zkvmc-rollup-tx JSON file."""
    from zkvmc.rollup.transactions import withdrawal

    tx = withdrawal(_bounded("--from", sender, _INDEX_LIMIT, "2^32"), _l1_address(l1_address),
                    _bounded("--amount", amount, 1 << 64, "2^64"),
                    _bounded("--nonce", nonce, 1 << 64, "2^64"))
    _sign_and_write(key_file, tx, _chain_id(chain_id), output)


# ---- L1 deposits (zkvmc.l1) --------------------------------------------------------------------


def _deposit_payer(l1_key: str | None, dev_keys: tuple[str, ...]) -> str:
    """The L1 key paying a deposit: --l1-key, else a devnet's dev_keys[1]."""
    if l1_key is not None:
        return l1_key
    if len(dev_keys) < 2:
        raise InputError("--l1-key is required (l1.json has no devnet keys: this is not a devnet)")
    return dev_keys[1]


@wallet_group.command("deposit")
@click.option("--l1", "l1_path", default="l1.json", show_default=True, type=click.Path(dir_okay=False),
              help="The rollup's l1.json (zkvmc l1 devnet / deploy).")
@click.option("--amount", required=True, metavar="AMOUNT",
              help="ETH to deposit, with a unit: 1ether, 0.5ether, 250gwei (whole gwei; no unit: wei).")
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False),
              help="Your rollup key file: the L2 account belongs to its public key.")
@click.option("--l1-key", "l1_key", default=None, metavar="HEX_OR_FILE",
              help="The L1 private key paying (default on a devnet: l1.json's dev_keys[1]).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def deposit_cmd(l1_path: str, amount: str, key_file: str, l1_key: str | None, as_json: bool) -> None:
    """Deposit ETH from L1 into your rollup account (created for a new key); prints its index."""
    from zkvmc.crypto.eddsa import prv2pub
    from zkvmc.l1.bridge import BridgeClient
    from zkvmc.l1.chain import load_key
    from zkvmc.l1.config import read_info
    from zkvmc.l1.units import parse_deposit

    wei = _option_value("--amount", amount, parse_deposit)
    ax, ay = prv2pub(_load_key(key_file))
    info = read_info(l1_path)
    payer = load_key(_deposit_payer(l1_key, info.dev_keys), "--l1-key")
    tx_hash, dep = BridgeClient(info, payer).deposit(ax, ay, wei)
    result = {"account": dep.account, "queue_index": dep.queue_index, "amount_gwei": str(dep.amount),
              "tx": tx_hash, "block": dep.block}
    if as_json:
        out(json.dumps(result))
    else:
        for name, value in result.items():
            out(f"{name}: {value}")
    err(f"deposit queued on L1: {dep.amount} gwei to account {dep.account} (queue index {dep.queue_index})")


# ---- talking to a node (zkvmc.node.client) -------------------------------------------------------

_NODE_HELP = "The node's URL, e.g. http://127.0.0.1:8000."


def _submit_signed(node_url: str, key_file: str, build: Callable[[int, int], Tx], as_json: bool) -> None:
    """Find the key's account and pending nonce on the node, sign build(index, nonce) with the
    node's chain id, submit it, print its hash (exit 1 with the code and reason if refused)."""
    from zkvmc.crypto.eddsa import prv2pub
    from zkvmc.node.client import NodeClient
    from zkvmc.rollup.transactions import signed, to_json

    prv = _load_key(key_file)
    ax, ay = prv2pub(prv)
    with NodeClient(node_url) as node:
        chain_id = node.chain_id()
        index = node.find_account(ax, ay)
        if index is None:
            raise NegativeResult(f"{key_file}: no account on the node holds this key (deposit on L1 first)")
        nonce = int(node.account(index)["pending"]["nonce"])
        stx = signed(build(index, nonce), prv, chain_id)
        ack = node.submit(to_json(stx))
    out(json.dumps(ack) if as_json else ack["hash"])
    err(f"accepted: account {index}, nonce {nonce}, position {ack['position']} in the mempool")


@wallet_group.command("send")
@click.option("--node", "node_url", required=True, metavar="URL", help=_NODE_HELP)
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), help="Your key file.")
@click.option("--to", "receiver", required=True, metavar="INDEX", help="The receiving account's index.")
@click.option("--amount", required=True, metavar="N", help="The amount (gwei), below 2^64.")
@click.option("--json", "as_json", is_flag=True, help="Print the node's answer as JSON.")
def send_cmd(node_url: str, key_file: str, receiver: str, amount: str, as_json: bool) -> None:
    """Sign a transfer with your key's pending nonce and submit it to a node; prints its hash."""
    from zkvmc.rollup.transactions import transfer

    to = _bounded("--to", receiver, _INDEX_LIMIT, "2^32")
    value = _bounded("--amount", amount, 1 << 64, "2^64")
    _submit_signed(node_url, key_file, lambda index, nonce: transfer(index, to, value, nonce), as_json)


@wallet_group.command("withdraw")
@click.option("--node", "node_url", required=True, metavar="URL", help=_NODE_HELP)
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), help="Your key file.")
@click.option("--amount", required=True, metavar="N", help="The amount (gwei), below 2^64.")
@click.option("--to", "address", required=True, metavar="0xADDRESS", help="The L1 address paid: 40 hex digits.")
@click.option("--json", "as_json", is_flag=True, help="Print the node's answer as JSON.")
def withdraw_cmd(node_url: str, key_file: str, amount: str, address: str, as_json: bool) -> None:
    """Sign a withdrawal to an L1 address and submit it to a node; prints its hash."""
    from zkvmc.crypto.keys import parse_hex
    from zkvmc.rollup.transactions import withdrawal

    l1 = int.from_bytes(_option_value("--to", address, lambda t: parse_hex(t, 20)), "big")
    value = _bounded("--amount", amount, 1 << 64, "2^64")
    _submit_signed(node_url, key_file, lambda index, nonce: withdrawal(index, l1, value, nonce), as_json)


@wallet_group.command("status")
@click.option("--node", "node_url", required=True, metavar="URL", help=_NODE_HELP)
@click.argument("tx_hash")
@click.option("--json", "as_json", is_flag=True, help="Print the node's answer as JSON.")
def status_cmd(node_url: str, tx_hash: str, as_json: bool) -> None:
    """A transaction's way to L1: pending, sealed, proven, l1-sent, committed (exit 1 if unknown)."""
    from zkvmc.node.client import NodeClient

    if not (tx_hash.startswith("0x") and len(tx_hash) == 66):
        raise InputError(f"{tx_hash!r}: a transaction hash is 0x and 64 hex digits")
    with NodeClient(node_url) as node:
        view = node.tx(tx_hash)
    if as_json:
        out(json.dumps(view))
        return
    l1 = view.get("l1") or {}
    for name, value in (("status", view["status"]), ("batch", view["batch"]), ("l1_tx", l1.get("tx")),
                        ("l1_block", l1.get("block"))):
        if value is not None:
            out(f"{name}: {value}")


def register(group: click.Group) -> None:
    """Add the wallet group to the zkvmc group."""
    group.add_command(wallet_group)
