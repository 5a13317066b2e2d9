"""`zkvmc wallet transfer | withdrawal`: transactions signed offline, written as zkvmc-rollup-tx
JSON, accepted by the validator; malformed options refused with exit 2 and no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_support import CliResult, run_in
from zkvmc.crypto.eddsa import prv2pub, signature_fault
from zkvmc.field import R
from zkvmc.rollup import transactions as t
from zkvmc.rollup.accounts import Account
from zkvmc.rollup.state import StateManager
from zkvmc.rollup.validate import check_tx
from zkvmc.errors import TxRejected

KEY = bytes(range(32))
ADDRESS = "0x00112233445566778899aabbccddeeff00112233"


def wallet(cwd: Path, *args: str) -> CliResult:
    """zkvmc wallet ARGS in cwd; never a traceback."""
    res = run_in(cwd, "wallet", *args)
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr, res.stderr
    return res


@pytest.fixture()
def keyed(tmp_path: Path) -> Path:
    """tmp_path holding alice.key (KEY)."""
    assert wallet(tmp_path, "new", "--from-hex", KEY.hex(), "-o", "alice.key").returncode == 0
    return tmp_path


def transfer(cwd: Path, *extra: str, **options: str) -> CliResult:
    """`wallet transfer alice.key` with --from 1 --to 2 --amount 5 --nonce 0 unless overridden."""
    opts = {"from": "1", "to": "2", "amount": "5", "nonce": "0", **options}
    args = [x for k, v in opts.items() for x in (f"--{k.replace('_', '-')}", v)]
    return wallet(cwd, "transfer", "alice.key", *args, *extra)


def withdrawal(cwd: Path, *extra: str, **options: str) -> CliResult:
    """`wallet withdrawal alice.key` with --from 1 --amount 3 --l1-address ADDRESS --nonce 1 unless overridden."""
    opts = {"from": "1", "amount": "3", "l1_address": ADDRESS, "nonce": "1", **options}
    args = [x for k, v in opts.items() for x in (f"--{k.replace('_', '-')}", v)]
    return wallet(cwd, "withdrawal", "alice.key", *args, *extra)


def test_transfer_to_stdout_is_a_signed_tx(keyed: Path) -> None:
    res = transfer(keyed)
    assert res.returncode == 0, res.stderr
    tx = t.tx_from_json(json.loads(res.stdout), "<stdout>")
    assert tx.fields() == (2, 1, 2, 5, 0, 0, 0) and tx.sig is not None
    assert signature_fault(t.message(tx, 1), tx.sig, prv2pub(KEY)) is None
    assert t.tx_hash(tx) in res.stderr
    assert tx == t.signed(t.transfer(1, 2, 5, 0), KEY, 1)


def test_transfer_to_a_file_with_a_chain_id(keyed: Path) -> None:
    res = transfer(keyed, "-o", "tx1.json", chain_id="7")
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    tx = t.tx_from_json(json.loads((keyed / "tx1.json").read_text()), "tx1.json")
    assert tx.sig is not None and signature_fault(t.message(tx, 7), tx.sig, prv2pub(KEY)) is None
    assert f"{t.tx_hash(tx)} -> tx1.json" in res.stderr
    assert not [p for p in keyed.iterdir() if p.name.startswith(".tmp-")]


def test_withdrawal(keyed: Path) -> None:
    res = withdrawal(keyed, "-o", "w.json")
    assert res.returncode == 0, res.stderr
    tx = t.tx_from_json(json.loads((keyed / "w.json").read_text()), "w.json")
    assert tx.fields() == (3, 1, 0, 3, 1, int(ADDRESS, 16), 0)
    assert tx == t.signed(t.withdrawal(1, int(ADDRESS, 16), 3, 1), KEY, 1)
    res = withdrawal(keyed, l1_address=ADDRESS[2:].upper())
    assert res.returncode == 0 and t.tx_from_json(json.loads(res.stdout), "-") == tx


def test_signed_transactions_pass_the_validator(keyed: Path, tmp_path: Path) -> None:
    transfer(keyed, "-o", "t.json")
    withdrawal(keyed, "-o", "w.json")
    with StateManager.create(tmp_path / "s.db", 4) as sm:
        ov = sm.overlay()
        ov.set(1, Account(*prv2pub(KEY), 10, 0))
        ov.set(2, Account(5, 6, 0, 0))
        tx = t.tx_from_json(json.loads((keyed / "t.json").read_text()), "t.json")
        check_tx(tx, ov, 1)
        with pytest.raises(TxRejected, match="bad-signature"):
            check_tx(tx, ov, 2)
        w = t.tx_from_json(json.loads((keyed / "w.json").read_text()), "w.json")
        with pytest.raises(TxRejected, match="nonce-future"):
            check_tx(w, ov, 1)


@pytest.mark.parametrize(
    ("command", "options", "message"),
    [
        ("transfer", {"amount": str(2**64)}, "--amount: 18446744073709551616 is not below 2^64"),
        ("transfer", {"amount": "-1"}, "--amount"),
        ("transfer", {"amount": "1e3"}, "--amount"),
        ("transfer", {"amount": "\u0665"}, "--amount"),
        ("transfer", {"nonce": str(2**64)}, "--nonce"),
        ("transfer", {"from": "x"}, "--from"),
        ("transfer", {"from": str(2**32)}, "--from: 4294967296 is not below 2^32"),
        ("transfer", {"to": " 2"}, "--to"),
        ("transfer", {"chain_id": str(R)}, "--chain-id"),
        ("transfer", {"chain_id": "one"}, "--chain-id"),
        ("withdrawal", {"l1_address": "0x0011"}, "--l1-address: expected 20 bytes"),
        ("withdrawal", {"l1_address": "0x" + "g" * 40}, "--l1-address"),
        ("withdrawal", {"l1_address": ""}, "--l1-address"),
        ("withdrawal", {"amount": "3.5"}, "--amount"),
    ],
)
def test_malformed_options_exit_2(keyed: Path, command: str, options: dict[str, str], message: str) -> None:
    res = (transfer if command == "transfer" else withdrawal)(keyed, **options)
    assert res.returncode == 2 and message in res.stderr, res.stderr
    assert res.stdout == ""


def test_missing_option_or_key_exit_2(keyed: Path) -> None:
    res = wallet(keyed, "transfer", "alice.key", "--from", "1", "--to", "2", "--amount", "5")
    assert res.returncode == 2 and "--nonce" in res.stderr
    res = wallet(keyed, "withdrawal", "bob.key", "--from", "1", "--amount", "5", "--l1-address", ADDRESS,
                 "--nonce", "0")
    assert res.returncode == 2 and "bob.key: no such file" in res.stderr
    (keyed / "bad.key").write_text("not a key\n")
    res = wallet(keyed, "transfer", "bad.key", "--from", "1", "--to", "2", "--amount", "5", "--nonce", "0")
    assert res.returncode == 2 and "bad.key" in res.stderr


def test_unwritable_output_exit_2(keyed: Path) -> None:
    res = transfer(keyed, "-o", "missing/dir/tx.json")
    assert res.returncode == 2 and "missing/dir/tx.json" in res.stderr
