"""Rollup transactions (zkvmc.rollup.transactions): constructors, the signed message, the tape and
public data, the 320-byte encoding and the JSON form, with their refusals."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvmc.crypto.eddsa import Signature, prv2pub, signature_fault
from zkvmc.errors import ArtifactError, InputError
from zkvmc.field import R
from zkvmc.hash.poseidon import poseidon
from zkvmc.rollup import transactions as t
from zkvmc.rollup.transactions import Kind, Tx

KEY = bytes(range(32))
ADDRESS = 0x00112233445566778899AABBCCDDEEFF00112233


def signed_transfer(chain_id: int = 1) -> Tx:
    """Transfer 5 from account 1 to 2 at nonce 0, signed by KEY."""
    return t.signed(t.transfer(1, 2, 5, 0), KEY, chain_id)


# ---- constructors, message, tape, public data -------------------------------------------------


def test_constructors_fill_the_programs_fields() -> None:
    assert t.noop().fields() == (0, 0, 0, 0, 0, 0, 0)
    assert t.deposit(3, 11, 12, 7).fields() == (1, 0, 3, 7, 0, 11, 12)
    assert t.transfer(1, 2, 5, 9).fields() == (2, 1, 2, 5, 9, 0, 0)
    assert t.withdrawal(4, ADDRESS, 3, 1).fields() == (3, 4, 0, 3, 1, ADDRESS, 0)
    assert t.transfer(1, 2, 5, 9).kind is Kind.TRANSFER
    assert all(tx.sig is None for tx in (t.noop(), t.deposit(3, 11, 12, 7), t.transfer(1, 2, 5, 9)))


@pytest.mark.parametrize("bad", [-1, R, True, 1.0, "1", None])
def test_tx_fields_must_be_field_elements(bad: Any) -> None:
    with pytest.raises(ValueError, match="amount"):
        Tx(Kind.TRANSFER, 1, 2, bad, 0, 0, 0)


def test_unknown_kind_is_representable_but_kept_as_int() -> None:
    tx = Tx(7, 0, 0, 0, 0, 0, 0)
    assert tx.kind == 7 and not isinstance(tx.kind, Kind)
    with pytest.raises(ValueError, match="no JSON name"):
        t.to_json(tx)


def test_signature_must_be_encodable() -> None:
    with pytest.raises(ValueError, match="absence of a signature"):
        Tx(Kind.TRANSFER, 1, 2, 5, 0, 0, 0, Signature((0, 0), 5))
    with pytest.raises(ValueError, match="S"):
        Tx(Kind.TRANSFER, 1, 2, 5, 0, 0, 0, Signature((1, 2), R))
    with pytest.raises(ValueError, match="Signature"):
        Tx(Kind.TRANSFER, 1, 2, 5, 0, 0, 0, "sig")  # type: ignore[arg-type]


def test_message_is_the_programs_poseidon_of_seven() -> None:
    tx = t.withdrawal(4, ADDRESS, 3, 1)
    assert t.message(tx, 1) == poseidon([1, 3, 4, 0, 3, 1, ADDRESS])
    assert t.message(tx, 2) == poseidon([2, 3, 4, 0, 3, 1, ADDRESS])
    assert t.message(t.transfer(1, 2, 5, 0), 1) == poseidon([1, 2, 1, 2, 5, 0, 0])
    with pytest.raises(ValueError, match="chain_id"):
        t.message(tx, R)


def test_signed_signs_the_message_with_the_key() -> None:
    tx = signed_transfer()
    assert tx.sig is not None and dataclasses.replace(tx, sig=None) == t.transfer(1, 2, 5, 0)
    assert signature_fault(t.message(tx, 1), tx.sig, prv2pub(KEY)) is None
    assert signature_fault(t.message(tx, 2), tx.sig, prv2pub(KEY)) == "signature does not verify"
    assert signed_transfer() == tx  # deterministic
    with pytest.raises(ValueError, match="only transfers and withdrawals"):
        t.signed(t.deposit(1, 2, 3, 4), KEY, 1)


def test_tape_and_public_data() -> None:
    tx = signed_transfer()
    assert tx.sig is not None
    assert t.tape(tx) == [2, 1, 2, 5, 0, 0, 0, tx.sig.s, tx.sig.r8[0], tx.sig.r8[1]]
    assert t.tape(t.deposit(3, 11, 12, 7)) == [1, 0, 3, 7, 0, 11, 12, 0, 0, 0]
    assert t.public_data(tx) == (2 + 4 * 1 + 2**34 * 2 + 2**66 * 5, 0, 0)
    assert t.public_data(t.deposit(3, 11, 12, 7)) == (1 + 2**34 * 3 + 2**66 * 7, 11, 12)
    assert t.public_data(t.withdrawal(4, ADDRESS, 3, 1)) == (3 + 4 * 4 + 2**66 * 3, ADDRESS, 0)
    assert t.public_data(t.noop()) == (0, 0, 0)
    big = Tx(Kind.TRANSFER, 0, 0, R - 1, 0, 0, 0)  # the program computes s0 in the field
    assert t.public_data(big)[0] == (2 + 2**66 * (R - 1)) % R


# ---- binary encoding --------------------------------------------------------------------------

elements = st.integers(0, R - 1)
small = st.one_of(st.integers(0, 2**64), elements)


@st.composite
def txs(draw: st.DrawFn) -> Tx:
    """Any decodable transaction: a known kind, any field elements, a signature only when signed."""
    kind = draw(st.sampled_from(list(Kind)))
    fields = [draw(small) for _ in range(6)]
    sig = None
    if kind in t.SIGNED_KINDS and draw(st.booleans()):
        r8 = draw(st.tuples(elements, elements).filter(lambda p: p != (0, 0)))
        sig = Signature(r8, draw(elements))
    return Tx(kind, *fields, sig)


@settings(max_examples=200, deadline=None)
@given(txs())
def test_encode_decode_round_trip(tx: Tx) -> None:
    data = t.encode(tx)
    assert len(data) == t.ENCODED_BYTES == 320
    assert [int.from_bytes(data[i:i + 32], "big") for i in range(0, 320, 32)] == t.tape(tx)
    assert t.decode(data) == tx
    assert t.tx_hash(tx) == "0x" + hashlib.sha256(data).hexdigest()


def test_encode_of_a_signed_transfer_round_trips_and_hashes() -> None:
    tx = signed_transfer()
    assert t.decode(t.encode(tx)) == tx
    assert t.decode(bytearray(t.encode(tx))) == tx
    assert t.tx_hash(tx) != t.tx_hash(t.transfer(1, 2, 5, 0))
    assert len(t.tx_hash(tx)) == 66


def _words(*values: int) -> bytes:
    """Ten words; the given values first, then zeros."""
    padded = [*values, *[0] * (10 - len(values))]
    return b"".join(v.to_bytes(32, "big") for v in padded)


@pytest.mark.parametrize(
    ("data", "word", "match"),
    [
        (b"", "", "expected 320 bytes"),
        (_words() + b"\0", "", "got 321"),
        (_words()[:-1], "", "got 319"),
        (_words(R), "kind", "not below"),
        (_words(2, 1, 2, 2**256 - 1), "amount", "not below"),
        (_words(2, 1, 2, 5, 0, 0, 0, 0, 0, R), "R8y", "not below"),
        (_words(4), "kind", "unknown kind 4"),
        (_words(1, 0, 1, 5, 0, 3, 4, 9, 1, 2), "R8x", "deposit, which is not signed"),
        (_words(0, 0, 0, 0, 0, 0, 0, 0, 7, 0), "R8x", "noop"),
        (_words(2, 1, 2, 5, 0, 0, 0, 9, 0, 0), "S", "partial signature"),
    ],
)
def test_decode_refuses_malformed_data(data: bytes, word: str, match: str) -> None:
    with pytest.raises(t.TxDecodeError, match=match) as e:
        t.decode(data)
    assert isinstance(e.value, InputError) and e.value.word == word
    assert e.value.exit_code == 2


def test_decode_refuses_non_bytes() -> None:
    with pytest.raises(InputError, match="expected bytes"):
        t.decode("00" * 320)  # type: ignore[arg-type]


# ---- JSON -----------------------------------------------------------------------------------


def test_json_form() -> None:
    tx = signed_transfer()
    assert tx.sig is not None
    obj = t.to_json(tx)
    assert obj == {
        "format": "zkvmc-rollup-tx", "version": 1, "kind": "transfer", "from": "1", "to": "2",
        "amount": "5", "nonce": "0", "d1": "0", "d2": "0",
        "signature": {"R8": [str(tx.sig.r8[0]), str(tx.sig.r8[1])], "S": str(tx.sig.s)},
        "hash": t.tx_hash(tx),
    }
    assert "signature" not in t.to_json(t.deposit(3, 11, 12, 7))
    assert [t.to_json(x)["kind"] for x in (t.noop(), t.deposit(1, 1, 1, 1), tx, t.withdrawal(1, 1, 1, 1))] == [
        "noop", "deposit", "transfer", "withdrawal"]


@settings(max_examples=200, deadline=None)
@given(txs())
def test_json_round_trip(tx: Tx) -> None:
    obj = json.loads(json.dumps(t.to_json(tx)))
    assert t.tx_from_json(obj, "tx.json") == tx
    del obj["hash"]
    assert t.tx_from_json(obj, "tx.json") == tx


def _edited(**changes: Any) -> dict[str, Any]:
    """The signed transfer's JSON with some keys changed (None removes one)."""
    obj = t.to_json(signed_transfer())
    for key, value in changes.items():
        if value is None:
            obj.pop(key, None)
        else:
            obj[key] = value
    return obj


SIG = t.to_json(signed_transfer())["signature"]


@pytest.mark.parametrize(
    ("obj", "field", "match"),
    [
        ([], "", "expected a JSON object"),
        (_edited(format="zkvmc-eddsa-signature"), "format", "expected 'zkvmc-rollup-tx'"),
        (_edited(version=2), "version", "unsupported version"),
        (_edited(version=True), "version", "unsupported version"),
        (_edited(version="1"), "version", "unsupported version"),
        (_edited(memo="hi"), "memo", "unknown key"),
        (_edited(amount=None), "amount", "missing"),
        (_edited(kind=None), "kind", "missing"),
        (_edited(amount=5), "amount", "expected a decimal string"),
        (_edited(amount=""), "amount", "not a decimal"),
        (_edited(amount="+5"), "amount", "not a decimal"),
        (_edited(amount=" 5"), "amount", "not a decimal"),
        (_edited(amount="0x5"), "amount", "not a decimal"),
        (_edited(amount="\u0665"), "amount", "not a decimal"),
        (_edited(amount="1_0"), "amount", "not a decimal"),
        (_edited(to=str(R)), "to", "not below the field modulus"),
        (_edited(d1="9" * 79), "d1", "more than 78 digits"),
        (_edited(kind="swap"), "kind", "expected one of"),
        (_edited(kind=2), "kind", "expected one of"),
        (_edited(kind="Transfer"), "kind", "expected one of"),
        (_edited(kind="deposit"), "signature", "a deposit is not signed"),
        (_edited(kind="noop"), "signature", "a noop is not signed"),
        (_edited(signature=[1, 2]), "signature", "expected an object"),
        (_edited(signature={"R8": SIG["R8"]}), "signature.S", "missing"),
        (_edited(signature={**SIG, "A": ["1", "2"]}), "signature.A", "unknown key"),
        (_edited(signature={**SIG, "R8": SIG["R8"][:1]}), "signature.R8", "list of 2"),
        (_edited(signature={**SIG, "R8": ["0", "0"]}), "signature.R8", "not a curve point"),
        (_edited(signature={**SIG, "R8": [1, SIG["R8"][1]]}), "signature.R8[0]", "decimal string"),
        (_edited(signature={**SIG, "S": str(R)}), "signature.S", "not below"),
        (_edited(hash="0x" + "0" * 64), "hash", "is not the transaction's hash"),
        (_edited(nonce="1"), "hash", "is not the transaction's hash"),
    ],
)
def test_tx_from_json_refuses_malformed_objects(obj: Any, field: str, match: str) -> None:
    with pytest.raises(ArtifactError, match=match) as e:
        t.tx_from_json(obj, "tx.json")
    assert e.value.path == "tx.json" and e.value.field == field


def test_tx_from_json_accepts_an_unsigned_transfer() -> None:
    """A transfer without a signature is well-formed (the validator rejects it: bad-signature)."""
    assert t.tx_from_json(_edited(signature=None, hash=None), "tx.json") == t.transfer(1, 2, 5, 0)
