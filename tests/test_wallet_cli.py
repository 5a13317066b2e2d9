"""`zkvmc wallet new | pubkey | sign | verify` through the CLI: outputs, files, exit codes 0 / 1 / 2,
and every malformed input refused without a traceback."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.cli_support import CliResult, run_in
from zkvmc.crypto import babyjub as bj
from zkvmc.crypto.eddsa import prv2pub
from zkvmc.field import R

TEST_KEY = "0001020304050607080900010203040506070809000102030405060708090001"
"""circomlibjs's test key; its public key and signature of 1234 are circomlibjs's values."""
AX = "13277427435165878497778222415993513565335242147425444199013288855685581939618"
AY = "13622229784656158136036771217484571176836296686641868549125388198837476602820"
PACKED_PUB = "c433f7a696b7aa3a5224efb3993baf0ccd9e92eecee0c29a3f6c8208a9e81d9e"
R8 = ["11220723668893468001994760120794694848178115379170651044669708829805665054484",
      "2367470421002446880004241260470975644531657398480773647535134774673409612366"]
S = "2010143491207902444122668013146870263468969134090678646686512037244361350365"


def wallet(cwd: Path, *args: str) -> CliResult:
    """zkvmc wallet ARGS in cwd; no invocation may ever print a traceback."""
    res = run_in(cwd, "wallet", *args)
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr, res.stderr
    return res


@pytest.fixture()
def signed(tmp_path: Path) -> Path:
    """tmp_path holding k.key (the test key) and sig.json (its signature of 1234)."""
    assert wallet(tmp_path, "new", "--from-hex", TEST_KEY, "-o", "k.key").returncode == 0
    assert wallet(tmp_path, "sign", "k.key", "--msg", "1234", "-o", "sig.json").returncode == 0
    return tmp_path


def verify(cwd: Path, msg: str = "1234", pubkey: str = f"{AX},{AY}", sig: str = "sig.json",
           *extra: str) -> CliResult:
    return wallet(cwd, "verify", "--pubkey", pubkey, "--msg", msg, "--sig", sig, *extra)


def _edit_sig(cwd: Path, **changes: object) -> None:
    """Rewrite sig.json with some fields changed (None removes one)."""
    obj = json.loads((cwd / "sig.json").read_text())
    for k, v in changes.items():
        if v is None:
            obj.pop(k, None)
        else:
            obj[k] = v
    (cwd / "sig.json").write_text(json.dumps(obj))


# ---- new / pubkey --------------------------------------------------------------------------------


def test_new_writes_a_private_key_file(tmp_path: Path) -> None:
    res = wallet(tmp_path, "new", "-o", "alice.key", "--json")
    assert res.returncode == 0, res.stderr
    key = tmp_path / "alice.key"
    text = key.read_text()
    assert len(text) == 65 and text.endswith("\n") and int(text, 16) >= 0
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    pub = prv2pub(bytes.fromhex(text.strip()))
    assert json.loads(res.stdout) == {"Ax": str(pub[0]), "Ay": str(pub[1]), "packed": json.loads(res.stdout)["packed"]}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_two_new_keys_differ(tmp_path: Path) -> None:
    wallet(tmp_path, "new", "-o", "a.key")
    wallet(tmp_path, "new", "-o", "b.key")
    assert (tmp_path / "a.key").read_text() != (tmp_path / "b.key").read_text()


def test_new_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    wallet(tmp_path, "new", "-o", "a.key")
    before = (tmp_path / "a.key").read_text()
    res = wallet(tmp_path, "new", "-o", "a.key")
    assert res.returncode == 2 and "already exists" in res.stderr and res.stdout == ""
    assert (tmp_path / "a.key").read_text() == before
    assert wallet(tmp_path, "new", "--from-hex", TEST_KEY, "-o", "a.key", "--force").returncode == 0
    assert (tmp_path / "a.key").read_text() == TEST_KEY + "\n"


def test_new_from_hex_prints_circomlibjs_public_key(tmp_path: Path) -> None:
    res = wallet(tmp_path, "new", "--from-hex", TEST_KEY, "-o", "k.key")
    assert res.returncode == 0
    assert res.stdout.splitlines() == [f"Ax: {AX}", f"Ay: {AY}", f"packed: {PACKED_PUB}"]


@pytest.mark.parametrize("bad", [TEST_KEY[:-2], TEST_KEY + "00", "zz" * 32, "٠" * 64, "", "0x"])
def test_new_from_bad_hex_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    res = wallet(tmp_path, "new", "--from-hex", bad, "-o", "k.key")
    assert res.returncode == 2 and "--from-hex" in res.stderr
    assert not (tmp_path / "k.key").exists()


def test_new_into_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    assert wallet(tmp_path, "new", "-o", "no/such/dir/k.key").returncode == 2


def test_pubkey_plain_and_json(signed: Path) -> None:
    res = wallet(signed, "pubkey", "k.key")
    assert res.returncode == 0 and res.stdout.splitlines()[0] == f"Ax: {AX}"
    res = wallet(signed, "pubkey", "k.key", "--json")
    assert json.loads(res.stdout) == {"Ax": AX, "Ay": AY, "packed": PACKED_PUB}


@pytest.mark.parametrize("content", [b"", b"hello\n", TEST_KEY[:-1].encode(), b"\xff" * 65,
                                     (TEST_KEY * 40).encode()])
def test_pubkey_of_a_malformed_key_file(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "bad.key").write_bytes(content)
    res = wallet(tmp_path, "pubkey", "bad.key")
    assert res.returncode == 2 and "bad.key" in res.stderr and res.stdout == ""


def test_pubkey_of_a_missing_file(tmp_path: Path) -> None:
    res = wallet(tmp_path, "pubkey", "nope.key")
    assert res.returncode == 2 and "no such file" in res.stderr


def test_loose_key_file_permissions_are_warned_about(signed: Path) -> None:
    os.chmod(signed / "k.key", 0o644)
    res = wallet(signed, "pubkey", "k.key")
    assert res.returncode == 0 and "warning" in res.stderr


# ---- sign ----------------------------------------------------------------------------------------


def test_sign_to_stdout_is_circomlibjs_signature(signed: Path) -> None:
    res = wallet(signed, "sign", "k.key", "--msg", "1234")
    assert res.returncode == 0
    obj = json.loads(res.stdout)
    assert obj["format"] == "zkvmc-eddsa-signature" and obj["version"] == 1
    assert obj["R8"] == R8 and obj["S"] == S and obj["msg"] == "1234" and obj["pubkey"] == [AX, AY]
    assert len(obj["packed"]) == 128
    assert json.loads((signed / "sig.json").read_text()) == obj


def test_sign_takes_hex_messages(signed: Path) -> None:
    res = wallet(signed, "sign", "k.key", "--msg", "0x4d2")
    assert json.loads(res.stdout)["S"] == S and json.loads(res.stdout)["msg"] == "1234"


@pytest.mark.parametrize("msg", [str(R), "-1", "12a", "1_000", " 12", "١٢٣", "", "0x", "0x" + "f" * 64])
def test_sign_refuses_bad_messages(signed: Path, msg: str) -> None:
    res = wallet(signed, "sign", "k.key", "--msg", msg)
    assert res.returncode == 2 and res.stdout == "" and "--msg" in res.stderr


# ---- verify: valid and invalid -------------------------------------------------------------------


def test_verify_valid(signed: Path) -> None:
    res = verify(signed)
    assert res.returncode == 0 and "valid" in res.stderr
    assert verify(signed, "0x4d2", PACKED_PUB).returncode == 0
    res = verify(signed, "1234", f"{AX},{AY}", "sig.json", "--json")
    assert json.loads(res.stdout) == {"valid": True, "reason": None}


@pytest.mark.parametrize("args, reason", [
    (dict(msg="1235"), "signature does not verify"),
    (dict(pubkey=",".join(str(c) for c in prv2pub(bytes(32)))), "signature does not verify"),
    (dict(pubkey=f"0,{R - 1}"), "small-order public key"),
    (dict(pubkey="00" * 32), "small-order public key"),  # y = 0: a point of order 4
    (dict(pubkey=f"{AX},{int(AY) + 1}"), "public key not on the curve"),
])
def test_verify_invalid_says_why(signed: Path, args: dict, reason: str) -> None:
    res = verify(signed, **args)
    assert res.returncode == 1 and f"invalid: {reason}" in res.stderr
    res = verify(signed, args.get("msg", "1234"), args.get("pubkey", f"{AX},{AY}"), "sig.json", "--json")
    assert res.returncode == 1 and json.loads(res.stdout) == {"valid": False, "reason": reason}


@pytest.mark.parametrize("changes, reason", [
    (dict(S=str(int(S) + bj.SUBORDER), packed=None), "S not below the subgroup order"),
    (dict(R8=[str(int(R8[0]) + 1), R8[1]], packed=None), "R8 not on the curve"),
    (dict(R8=[str(R - int(R8[0])), R8[1]], packed=None), "signature does not verify"),
])
def test_verify_invalid_signature_file(signed: Path, changes: dict, reason: str) -> None:
    _edit_sig(signed, **changes)
    res = verify(signed)
    assert res.returncode == 1 and f"invalid: {reason}" in res.stderr


# ---- verify: malformed input ---------------------------------------------------------------------


@pytest.mark.parametrize("changes, field", [
    (dict(R8=None), "R8"), (dict(S=None), "S"), (dict(format="x"), "format"), (dict(version=2), "version"),
    (dict(S="0x12"), "S"), (dict(S=str(R)), "S"), (dict(S=int(S)), "S"), (dict(S=" 12"), "S"),
    (dict(S="١٢٣"), "S"), (dict(R8=[R8[0]]), "R8"), (dict(R8=[R8[0], int(R8[1])]), "R8[1]"),
    (dict(R8=[str(R), R8[1]]), "R8[0]"), (dict(packed="00" * 64), "packed"),
    (dict(packed="zz"), "packed"), (dict(msg="-5"), "msg"), (dict(pubkey="x"), "pubkey"),
])
def test_verify_malformed_signature_file(signed: Path, changes: dict, field: str) -> None:
    _edit_sig(signed, **changes)
    res = verify(signed)
    assert res.returncode == 2 and f"sig.json: {field}" in res.stderr and res.stdout == ""


@pytest.mark.parametrize("content", ["", "{", "[]", '"sig"', "\xff"])
def test_verify_unparsable_signature_file(signed: Path, content: str) -> None:
    (signed / "sig.json").write_text(content, encoding="latin-1")
    assert verify(signed).returncode == 2


def test_verify_missing_signature_file(signed: Path) -> None:
    res = verify(signed, sig="nope.json")
    assert res.returncode == 2 and "no such file" in res.stderr


@pytest.mark.parametrize("pubkey", ["1,2,3", "abc", f"{AX}", f"{AX},", f"{R},{AY}", f"{AX},-{AY}",
                                    "01" + "00" * 31, "ff" * 32, PACKED_PUB[:-2], f"{AX} ,{AY}", "١,٢"])
def test_verify_bad_pubkey_is_malformed(signed: Path, pubkey: str) -> None:
    res = verify(signed, pubkey=pubkey)
    assert res.returncode == 2 and "--pubkey" in res.stderr
    res = verify(signed, "1234", pubkey, "sig.json", "--json")
    assert res.returncode == 2 and json.loads(res.stdout)["valid"] is False


@pytest.mark.parametrize("msg", [str(R), "1e3", "+5", "١٢٣٤"])
def test_verify_bad_msg_is_malformed(signed: Path, msg: str) -> None:
    res = verify(signed, msg=msg)
    assert res.returncode == 2 and "--msg" in res.stderr


def test_verify_requires_every_option(signed: Path) -> None:
    assert wallet(signed, "verify", "--msg", "1234", "--sig", "sig.json").returncode == 2
    assert wallet(signed, "verify", "--pubkey", PACKED_PUB, "--sig", "sig.json").returncode == 2
    assert wallet(signed, "verify", "--pubkey", PACKED_PUB, "--msg", "1").returncode == 2
