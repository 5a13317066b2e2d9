"""EdDSA-Poseidon (zkvmc.crypto.eddsa) against fixed circomlibjs 0.1.7 vectors, its faults one by
one, the fast scalar multiplications against the naive reference, and random keys (hypothesis).

The vectors came from tests/node/eddsa_circomlibjs.cjs (buildEddsa: prv2pub, signPoseidon,
packSignature; babyJub.packPoint), run once and pasted here; tests/test_crypto_node.py re-runs it live.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvmc.crypto import babyjub as bj
from zkvmc.crypto.eddsa import (Signature, pack_point, pack_signature, prv2pub, sign_poseidon,
                                signature_fault, unpack_point, unpack_signature, verify_poseidon)
from zkvmc.field import R
from zkvmc.hash.poseidon import poseidon

L = bj.SUBORDER

KEYS = [
    bytes.fromhex("0001020304050607080900010203040506070809000102030405060708090001"),  # circomlibjs's test key
    bytes(32),
    bytes.fromhex("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"),
]
PUBS = [
    (13277427435165878497778222415993513565335242147425444199013288855685581939618,
     13622229784656158136036771217484571176836296686641868549125388198837476602820),
    (16508917144752610602145963506823743115557101240265470506805505298395529637033,
     18631654747796370155722974221085383534170330422926471002342567715267253236113),
    (19879349823480797868120364375424621653830878247025192709471350836146439599027,
     7225418044708316876718756729591926814699419466870832454238122032268923115810),
]
PACKED_PUBS = [
    "c433f7a696b7aa3a5224efb3993baf0ccd9e92eecee0c29a3f6c8208a9e81d9e",
    "91f1095ac019b50610b5cb56e5db3889177fee8b6422fca3dac04ee1932431a9",
    "2219045760f0c76f6fd2f34c5c707cd2d5b680b17640c152608ff6861271f98f",
]
MSGS = [1234, 0, R - 1]
"""KEYS[i] signs MSGS[i]."""
SIGS = [
    Signature((11220723668893468001994760120794694848178115379170651044669708829805665054484,
               2367470421002446880004241260470975644531657398480773647535134774673409612366),
              2010143491207902444122668013146870263468969134090678646686512037244361350365),
    Signature((19305443290508114514596883319505632209723717456873021433762886134731615157949,
               7697908474521279722044072655602572024791636126724064066592600415024484698566),
              983289417060294735236888011028457617482700900137563028470545220005821415621),
    Signature((10632269506409054116106253890241067163722096780294054234653336932114162599557,
               2994292889982548836146076479215873197138960206417449740173238700298574268106),
              1403343461187279952856756047825063823951879985175476822353622545843956769883),
]
PACKED_SIGS = [
    "4e9aa81226383a87080954af53403451580b9a942d5d56619c11b678d6f03b85"
    "dd9ca5f9dce80afec45ad6987864ddb2242b9ad35338b38e0c7776036eb37104",
    "c6c9b7f8fada405b4eb17d9dd3f39166b35950a83ef731d6e6ab799c9edc0491"
    "c50084c9e096454b8b48aaff71b1777a532918be148dcb6c027b6289a7852c02",
    "ca866096242b8696c36d041b5a30e8e72abe044efb58f25637e7790bb0b59e06"
    "5b641468480ce8f2f47b847ad0fce21a767f7959629b6f96bad945faa5431a03",
]
ORDER_8 = bj.mul(bj.GENERATOR, L)
"""A point of order 8."""


# ---- circomlibjs vectors -----------------------------------------------------------------------


@pytest.mark.parametrize("i", range(3))
def test_prv2pub_matches_circomlibjs(i: int) -> None:
    assert prv2pub(KEYS[i]) == PUBS[i]
    assert pack_point(PUBS[i]).hex() == PACKED_PUBS[i]
    assert unpack_point(bytes.fromhex(PACKED_PUBS[i])) == PUBS[i]


@pytest.mark.parametrize("i", range(3))
def test_sign_poseidon_matches_circomlibjs(i: int) -> None:
    sig = sign_poseidon(KEYS[i], MSGS[i])
    assert sig == SIGS[i]
    assert pack_signature(sig).hex() == PACKED_SIGS[i]
    assert unpack_signature(bytes.fromhex(PACKED_SIGS[i])) == sig
    assert signature_fault(MSGS[i], sig, PUBS[i]) is None


def test_poseidon5_matches_circomlib() -> None:
    # The challenge hash: circomlib's Poseidon(5) (value from circomlibjs's poseidon).
    assert poseidon([1, 2, 3, 4, 5]) == 6183221330272524995739186171720101788151706631170188140075976616310159254464


def test_signing_is_deterministic_and_message_bound() -> None:
    assert sign_poseidon(KEYS[0], 1234) == sign_poseidon(KEYS[0], 1234)
    assert sign_poseidon(KEYS[0], 1235).r8 != SIGS[0].r8


# ---- faults, one at a time, with their exact strings ---------------------------------------------

GOOD = (MSGS[0], SIGS[0], PUBS[0])


def _with(msg: int = GOOD[0], r8: bj.Point = GOOD[1].r8, s: int = GOOD[1].s,
          pub: bj.Point = GOOD[2]) -> str | None:
    return signature_fault(msg, Signature(r8, s), pub)


@pytest.mark.parametrize("case, fault", [
    (dict(msg=1235), "signature does not verify"),
    (dict(pub=PUBS[1]), "signature does not verify"),
    (dict(s=SIGS[0].s + 1), "signature does not verify"),
    (dict(r8=SIGS[1].r8), "signature does not verify"),
    (dict(r8=bj.neg(SIGS[0].r8)), "signature does not verify"),
    (dict(s=SIGS[0].s + L), "S not below the subgroup order"),
    (dict(s=SIGS[0].s + R), "S not below the subgroup order"),
    (dict(s=-1), "S not below the subgroup order"),
    (dict(r8=(SIGS[0].r8[0] + 1, SIGS[0].r8[1])), "R8 not on the curve"),
    (dict(r8=(SIGS[0].r8[0] + R, SIGS[0].r8[1])), "R8 not on the curve"),
    (dict(pub=(0, R - 1)), "small-order public key"),
    (dict(pub=bj.IDENTITY), "small-order public key"),
    (dict(pub=ORDER_8), "small-order public key"),
    (dict(pub=(PUBS[0][0] + 1, PUBS[0][1])), "public key not on the curve"),
    (dict(pub=(PUBS[0][0], PUBS[0][1] + R)), "public key not on the curve"),
    (dict(msg=R), "message not below r"),
    (dict(msg=R + 1234), "message not below r"),
    (dict(msg=-1), "message not below r"),
])
def test_each_fault_has_its_reason(case: dict, fault: str) -> None:
    assert _with(**case) == fault
    assert not verify_poseidon(case.get("msg", GOOD[0]), Signature(case.get("r8", GOOD[1].r8),
                               case.get("s", GOOD[1].s)), case.get("pub", GOOD[2]))


def test_faults_are_checked_in_order() -> None:
    off = (1, 1)
    assert _with(msg=R, pub=off, r8=off, s=R) == "message not below r"
    assert _with(pub=off, r8=off, s=R) == "public key not on the curve"
    assert _with(pub=ORDER_8, r8=off, s=R) == "small-order public key"
    assert _with(r8=off, s=R) == "R8 not on the curve"
    assert _with(s=R, msg=1) == "S not below the subgroup order"


def test_torsion_shifted_key_does_not_verify() -> None:
    # A + T (T of order 8) passes the on-curve and small-order checks and 8·(A + T) = 8·A, but the
    # challenge hashes A's coordinates, so the owner's signatures do not carry over to it.
    shifted = bj.add(PUBS[0], ORDER_8)
    assert not bj.is_small_order(shifted) and not bj.in_subgroup(shifted)
    assert signature_fault(*GOOD[:2], shifted) == "signature does not verify"


# ---- packing ------------------------------------------------------------------------------------


def test_unpack_refuses_bad_encodings() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        unpack_point(bytes(31))
    with pytest.raises(ValueError, match="not below r"):
        unpack_point(R.to_bytes(32, "little"))
    with pytest.raises(ValueError, match="x = 0"):
        unpack_point(pack_point(bj.IDENTITY))
    with pytest.raises(ValueError, match="x = 0"):
        unpack_point(pack_point((0, R - 1)))
    no_point = next(y for y in range(2, 100) if _no_point_has(y))
    with pytest.raises(ValueError, match="no curve point"):
        unpack_point(no_point.to_bytes(32, "little"))
    with pytest.raises(ValueError, match="64 bytes"):
        unpack_signature(bytes(63))


def _no_point_has(y: int) -> bool:
    try:
        unpack_point(y.to_bytes(32, "little"))
    except ValueError:
        return True
    return False


def test_pack_sign_bit_is_x_above_half() -> None:
    p = PUBS[0]
    flipped = bj.neg(p)
    assert pack_point(p)[:31] == pack_point(flipped)[:31]
    assert (pack_point(p)[31] ^ pack_point(flipped)[31]) == 0x80
    assert unpack_point(pack_point(flipped)) == flipped


def test_pack_refuses_non_canonical_coordinates() -> None:
    with pytest.raises(ValueError):
        pack_point((PUBS[0][0] + R, PUBS[0][1]))


# ---- the fast multiplications against the naive reference -----------------------------------------


def test_fast_multiplication_matches_reference() -> None:
    rng = random.Random(0xB8)
    scalars = [0, 1, 2, 7, 8, 15, 16, 17, L - 1, L, L + 1, bj.ORDER - 1, 2**253 + 5, 2**256 - 1]
    scalars += [rng.randrange(2**256) for _ in range(6)]
    for k in scalars:
        for p in (bj.BASE8, bj.GENERATOR, ORDER_8, PUBS[1]):
            assert bj.mul_fast(p, k) == bj.mul(p, k), (p, k)
        assert bj.mul_base8(k) == bj.mul(bj.BASE8, k), k


def test_fast_multiplication_refuses_bad_scalars() -> None:
    with pytest.raises(ValueError):
        bj.mul_fast(bj.BASE8, -1)
    with pytest.raises(ValueError):
        bj.mul_base8(2**256)


def test_sign_and_verify_repeatedly() -> None:
    """Signing and verifying again reuses the warmed tables (Poseidon(5)'s constants, BASE8's);
    their speed is measured by bench/, not asserted here (a timed assert fails on a busy machine)."""
    for i in range(5):
        assert verify_poseidon(i, sign_poseidon(KEYS[0], i), PUBS[0])
        assert not verify_poseidon(i + 1, sign_poseidon(KEYS[0], i), PUBS[0])


def test_bad_private_keys_and_messages_are_refused() -> None:
    with pytest.raises(ValueError):
        prv2pub(bytes(31))
    with pytest.raises(ValueError):
        sign_poseidon(KEYS[0], R)
    with pytest.raises(ValueError):
        sign_poseidon(KEYS[0], -1)


# ---- random keys ---------------------------------------------------------------------------------

FIELDS = ("msg", "r8x", "r8y", "s", "ax", "ay")


@settings(max_examples=30, deadline=None)
@given(prv=st.binary(min_size=32, max_size=32), msg=st.integers(0, R - 1),
       which=st.sampled_from(FIELDS), delta=st.integers(1, R - 1))
def test_random_keys_sign_verify_and_any_change_breaks(prv: bytes, msg: int, which: str, delta: int) -> None:
    pub = prv2pub(prv)
    sig = sign_poseidon(prv, msg)
    assert verify_poseidon(msg, sig, pub)
    assert unpack_signature(pack_signature(sig)) == sig and unpack_point(pack_point(pub)) == pub
    v = {"msg": msg, "r8x": sig.r8[0], "r8y": sig.r8[1], "s": sig.s, "ax": pub[0], "ay": pub[1]}
    v[which] = (v[which] + delta) % R
    assert not verify_poseidon(v["msg"], Signature((v["r8x"], v["r8y"]), v["s"]), (v["ax"], v["ay"]))
