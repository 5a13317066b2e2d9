"""Digests of JSON-shaped values: an object in, the sha256 of its canonical JSON out.

Below every stage (it imports nothing of zkvmc), so that groth16.setup can name the circuit a
key was made for without reaching into the file layer; zkvmc.artifacts.io re-exports both
functions for the file formats (docs/formats.md, the circuit file's `digest`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable


def canonical_json(obj: Any) -> bytes:
    """Deterministic compact JSON bytes (sorted keys) used for digests."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def digest(obj: Any) -> str:
    """sha256 hex digest of an object's canonical JSON."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()


def object_digest(obj: dict[str, Any]) -> str:
    """digest(obj) for a JSON object, hashed member by member: the same sha256 without the whole
    canonical JSON in memory at once (a 2^18 proving key's is ~210 MB, on top of the parsed key),
    and long plain strings (the key's hex blobs) hashed as they are, without json.dumps."""
    h = hashlib.sha256()
    _feed(h, obj)
    return h.hexdigest()


_PLAIN = bytes(c for c in range(0x20, 0x7F) if c not in b'"\\')
"""The bytes json.dumps (ensure_ascii) writes unchanged inside a string."""
_LONG = 1 << 12
"""Strings at least this long are checked for the plain fast path (shorter: json.dumps is cheap)."""


def _feed(h: Any, v: Any) -> None:
    """Hash canonical_json(v) into h: objects member by member, long plain strings in quotes."""
    if isinstance(v, dict) and all(isinstance(k, str) for k in v):
        h.update(b"{")
        for i, k in enumerate(sorted(v)):
            h.update((b"," if i else b"") + canonical_json(k) + b":")
            _feed(h, v[k])
        h.update(b"}")
        return
    if isinstance(v, str) and len(v) >= _LONG and v.isascii():
        b = v.encode("ascii")
        if not b.translate(None, _PLAIN):  # nothing json.dumps would escape: its output is b in quotes
            h.update(b'"')
            h.update(b)  # hashlib releases the GIL on buffers this large
            h.update(b'"')
            return
    h.update(canonical_json(v))


def object_digest_started(obj: dict[str, Any]) -> Callable[[], str]:
    """object_digest(obj) computed in a background thread; call the result to wait for it. The
    hashing of the long strings releases the GIL, so a reader checks other fields meanwhile."""
    import threading

    out: list[Any] = []

    def work() -> None:
        try:
            out.append(object_digest(obj))
        except BaseException as e:  # re-raised by the waiter
            out.append(e)

    t = threading.Thread(target=work, name="zkvmc-digest", daemon=True)
    t.start()

    def wait() -> str:
        t.join()
        if isinstance(out[0], BaseException):
            raise out[0]
        return str(out[0])
    return wait
