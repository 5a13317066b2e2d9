"""l1.json: where a rollup's contracts live on L1, and how to reach them.

    {"format": "zkvmc-l1", "version": 1, "rpc": "http://127.0.0.1:8545", "chain_id": 31337,
     "bridge": "0x...", "verifier": "0x...", "deploy_block": 2, "rollup_digest": "<circuit digest>",
     "dev_keys": ["0xac09...", ...]}

`rollup_digest` is the circuit digest of the rollup folder the verifier was exported for
(rollup.json's circuit_digest), so a node can refuse an l1.json made for another rollup.
`dev_keys` is for a local devnet only: anvil's well-known funded private keys (published in
Foundry's documentation, so worth nothing on a real chain); dev_keys[0] is the sequencer's key,
dev_keys[1] the default depositor's. A production l1.json has none, and keys come from key files.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from zkvmc.artifacts.io import check_header, field, read_json, write_json
from zkvmc.errors import ArtifactError

FORMAT = "zkvmc-l1"
"""l1.json's format."""
VERSION = 1
"""l1.json's version."""

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_KEY = re.compile(r"0x[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class L1Info:
    """A rollup's deployment on an L1 chain."""

    rpc: str
    """The chain's JSON-RPC endpoint (http:// or https://)."""
    chain_id: int
    """The chain's id (EIP-155), checked against the endpoint's."""
    bridge: str
    """RollupBridge's address (0x + 40 hex digits, checksummed when written)."""
    verifier: str
    """The rollup's Groth16Verifier's address."""
    deploy_block: int
    """The block the bridge was deployed in: where event scans start."""
    rollup_digest: str
    """rollup.json's circuit_digest: the rollup the verifier's key belongs to."""
    dev_keys: tuple[str, ...] = ()
    """Devnet only: anvil's well-known funded private keys (dev_keys[0] = the sequencer's)."""


def info_to_json(info: L1Info) -> dict[str, Any]:
    """l1.json's content."""
    return {"format": FORMAT, "version": VERSION, "rpc": info.rpc, "chain_id": info.chain_id,
            "bridge": info.bridge, "verifier": info.verifier, "deploy_block": info.deploy_block,
            "rollup_digest": info.rollup_digest, "dev_keys": list(info.dev_keys)}


def write_info(path: str | os.PathLike[str], info: L1Info) -> None:
    """Write l1.json atomically."""
    write_json(str(path), info_to_json(info))


def _nonnegative(path: str, obj: dict, name: str) -> int:
    value = field(path, obj, name, int)
    if value < 0:
        raise ArtifactError(path, name, "expected a non-negative integer")
    return value


def _address(path: str, obj: dict, name: str) -> str:
    value = field(path, obj, name, str)
    if not _ADDRESS.fullmatch(value):
        raise ArtifactError(path, name, f"{value[:50]!r} is not an address (0x + 40 hex digits)")
    return value


def _rpc(path: str, obj: dict) -> str:
    value = field(path, obj, "rpc", str)
    if not value.startswith(("http://", "https://")):
        raise ArtifactError(path, "rpc", f"{value[:50]!r} is not an http:// or https:// URL")
    return value


def _dev_keys(path: str, obj: dict) -> tuple[str, ...]:
    keys = obj.get("dev_keys", [])
    if not isinstance(keys, list):
        raise ArtifactError(path, "dev_keys", "expected a list of private keys")
    for i, key in enumerate(keys):
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ArtifactError(path, f"dev_keys[{i}]", "expected a private key (0x + 64 hex digits)")
    return tuple(keys)


def info_from_json(obj: Any, path: str) -> L1Info:
    """An L1Info from l1.json's content; ArtifactError naming path and the field."""
    check_header(path, obj, FORMAT, VERSION)
    return L1Info(_rpc(path, obj), _nonnegative(path, obj, "chain_id"), _address(path, obj, "bridge"),
                  _address(path, obj, "verifier"), _nonnegative(path, obj, "deploy_block"),
                  field(path, obj, "rollup_digest", str), _dev_keys(path, obj))


def read_info(path: str | os.PathLike[str]) -> L1Info:
    """Read l1.json (ArtifactError naming the file and the field)."""
    return info_from_json(read_json(str(path)), str(path))
