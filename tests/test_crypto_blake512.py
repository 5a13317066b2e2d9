"""BLAKE-512 (zkvmc.crypto.blake512) against the vectors of its specification (Aumasson et al.,
"SHA-3 proposal BLAKE", appendix A.4); the live cross-check with npm blake-hash is in
tests/test_crypto_node.py."""

from __future__ import annotations

import pytest

from zkvmc.crypto.blake512 import _padded_blocks, blake512

ONE_BYTE_ZERO = (
    "97961587f6d970faba6d2478045de6d1fabd09b61ae50932054d52bc29d31be4"
    "ff9102b9f69e2bbdb83be13d4b9c06091e5fa0b48bd081b634058be0ec49beb3"
)
"""BLAKE-512 of the one-byte message 0x00 (the spec's one-block example)."""

ZEROS_144 = (
    "313717d608e9cf758dcb1eb0f0c3cf9fc150b2d500fb33f51c52afc99d358a2f"
    "1374b8a38bba7974e7f6ef79cab16f22ce1e649d6e01ad9589c213045d545dde"
)
"""BLAKE-512 of 144 zero bytes (the spec's two-block example)."""

EMPTY = (
    "a8cfbbd73726062df0c6864dda65defe58ef0cc52a5625090fa17601e1eecd1b"
    "628e94f396ae402a00acc9eab77b4d4c2e852aaaa25a636d80af3fc7913ef5b8"
)
"""BLAKE-512 of the empty message (npm blake-hash 2.0.0)."""


def test_spec_one_block_vector() -> None:
    assert blake512(b"\x00").hex() == ONE_BYTE_ZERO


def test_spec_two_block_vector() -> None:
    assert blake512(bytes(144)).hex() == ZEROS_144


def test_empty_message() -> None:
    assert blake512(b"").hex() == EMPTY


def test_neighbouring_messages_differ() -> None:
    # Negative twins: one bit or one byte away from the spec's messages gives another digest.
    assert blake512(b"\x01").hex() != ONE_BYTE_ZERO
    assert blake512(bytes(143)).hex() != ZEROS_144
    assert blake512(bytes(145)).hex() != ZEROS_144
    assert blake512(b"\x00\x00").hex() != ONE_BYTE_ZERO


@pytest.mark.parametrize("length, counters", [
    (0, [0]),                # padding only: counter 0
    (1, [8]),
    (111, [888]),            # the 0x81 byte: 0x80 and the 0x01 marker share one byte
    (112, [896, 0]),         # no room for the length: a padding-only block with counter 0
    (127, [1016, 0]),
    (128, [1024, 0]),
    (144, [1024, 1152]),
    (239, [1024, 1912]),
    (240, [1024, 1920, 0]),
])
def test_padding_blocks_and_counters(length: int, counters: list[int]) -> None:
    blocks = _padded_blocks(bytes(length))
    assert [c for _, c in blocks] == counters
    assert all(len(b) == 128 for b, _ in blocks)
    last = blocks[-1][0]
    assert int.from_bytes(last[112:], "big") == 8 * length
    assert last[111] & 1 == 1  # BLAKE-512's marker bit before the length


def test_digest_is_64_bytes() -> None:
    assert all(len(blake512(bytes(n))) == 64 for n in (0, 1, 111, 112, 128, 300))
