"""The HTTP API's shapes, for FastAPI's OpenAPI schema (/openapi.json) and response checking.

Big numbers (roots, keys, balances, nonces, signals) are decimal strings, as in every zkvmc JSON.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel

_DEC = {"type": "string", "pattern": "^[0-9]{1,78}$", "description": "decimal, below r"}

TX_SCHEMA: dict[str, Any] = {
    "title": "zkvmc-rollup-tx", "type": "object", "additionalProperties": False,
    "required": ["format", "version", "kind", "from", "to", "amount", "nonce", "d1", "d2", "signature"],
    "properties": {
        "format": {"const": "zkvmc-rollup-tx"}, "version": {"const": 1},
        "kind": {"enum": ["transfer", "withdrawal"]},
        "from": _DEC, "to": _DEC, "amount": _DEC, "nonce": _DEC, "d1": _DEC, "d2": _DEC,
        "signature": {"type": "object", "additionalProperties": False, "required": ["R8", "S"],
                      "properties": {"R8": {"type": "array", "items": _DEC, "minItems": 2, "maxItems": 2},
                                     "S": _DEC}},
        "hash": {"type": "string", "pattern": "^0x[0-9a-f]{64}$"},
    },
    "description": "A signed transaction (docs/rollup.md, Transactions; `zkvmc wallet transfer` writes one).",
}

TX_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {"application/json": {"schema": TX_SCHEMA}}}}
"""POST /txs's body in the OpenAPI schema (the route reads the raw body itself)."""


class Problem(BaseModel):
    """An error."""

    code: str
    reason: str


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error responses of a route, for the schema."""
    text = {400: "Malformed input", 404: "Unknown", 413: "Body too large",
            422: "Refused by the rollup's rules (code: a TxRejected code or kind-not-allowed)",
            503: "Mempool full or database failure: retry later"}
    return {s: {"model": Problem, "description": text[s]} for s in statuses}


class TxAccepted(BaseModel):
    """An acknowledged transaction: durably in the mempool."""

    hash: str
    status: Literal["pending"]
    position: int
    seq: int


class L1Status(BaseModel):
    """A batch's L1 commit."""

    tx: Optional[str] = None
    block: Optional[int] = None
    sent_at: Optional[float] = None
    committed_at: Optional[float] = None


class TxStatus(BaseModel):
    """A transaction's way to L1."""

    hash: str
    status: Literal["pending", "sealed", "proven", "l1-sent", "committed"]
    seq: int
    source: Literal["user", "l1"]
    l1_index: Optional[int] = None
    received: float
    batch: Optional[int] = None
    l1: Optional[L1Status] = None
    tx: dict[str, Any]


class PendingAccount(BaseModel):
    """An account as the pending state has it."""

    exists: bool
    balance: str
    nonce: str


class MerkleProofView(BaseModel):
    """A leaf's path to the committed root."""

    leaf: str
    siblings: list[str]
    root: str


class AccountView(BaseModel):
    """An account as of the last local commit (batch), and pending."""

    index: int
    exists: bool
    batch: int
    root: str
    ax: str
    ay: str
    balance: str
    nonce: str
    pending: PendingAccount
    proof: Optional[MerkleProofView] = None


class AccountIndex(BaseModel):
    """The index holding a key."""

    index: int


class BatchSummary(BaseModel):
    """A batch without its contents."""

    batch: int
    status: Literal["sealed", "proven", "l1-sent", "committed"]
    txs: int
    applied: bool
    old_root: str
    new_root: str
    sealed_at: Optional[float] = None
    proven_at: Optional[float] = None
    prove_seconds: Optional[float] = None
    l1: L1Status


class BatchPage(BaseModel):
    """Batches newest first; `next` is the `before` of the next page."""

    batches: list[BatchSummary]
    next: Optional[int] = None


class BatchDetail(BatchSummary):
    """A batch with its transactions (padding left out), public signals and proof."""

    transactions: list[dict[str, Any]]
    public: list[str]
    proof: Optional[dict[str, Any]] = None


class Health(BaseModel):
    """The node's status: ok, degraded (L1 calls failing, retried) or error (the pipeline stopped)."""

    status: Literal["ok", "degraded", "error"]
    chain_id: int
    l1_chain_id: Optional[int] = None
    bridge: Optional[str] = None
    l1_sender: str
    depth: int
    batch_size: int
    batch_threshold: int
    max_wait: float
    last_sealed: int
    last_proven: int
    last_committed: int
    last_l1_committed: int
    mempool_depth: int
    batches_proving: int
    next_deposit: int
    uptime: float
    errors: dict[str, Optional[str]]
