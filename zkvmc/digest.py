"""Digests of JSON-shaped values: an object in, the sha256 of its canonical JSON out.

Below every stage (it imports nothing of zkvmc), so that groth16.setup can name the circuit a
key was made for without reaching into the file layer; zkvmc.artifacts.io re-exports both
functions for the file formats (docs/formats.md, the circuit file's `digest`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(obj: Any) -> bytes:
    """Deterministic compact JSON bytes (sorted keys) used for digests."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def digest(obj: Any) -> str:
    """sha256 hex digest of an object's canonical JSON."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()


def object_digest(obj: dict[str, Any]) -> str:
    """digest(obj) for a JSON object, hashed member by member: the same sha256 without the whole
    canonical JSON in memory at once (a 2^18 proving key's is ~210 MB, on top of the parsed key)."""
    h = hashlib.sha256(b"{")
    for i, k in enumerate(sorted(obj)):
        h.update((b"," if i else b"") + canonical_json(k) + b":")
        h.update(canonical_json(obj[k]))
    h.update(b"}")
    return h.hexdigest()
