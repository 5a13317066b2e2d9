"""The node's HTTP API (FastAPI): a thin layer over zkvmc.node.node.Node. docs/node.md.

Nothing here blocks the event loop: a body is read with a size cap and parsed (JSON, then
tx_from_json: no hashing beyond one SHA-256), then handed to the sequencer thread; every read
runs on the reader thread. Errors are JSON {"code", "reason"}: 400 malformed input (bad JSON,
wrong types, unknown fields, bad path or query parameters), 404 unknown, 413 body too large,
422 a transaction the rollup refuses (TxRejected's code), 503 mempool full or database failure.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException

from zkvmc.errors import ArtifactError
from zkvmc.field import R
from zkvmc.node import schemas
from zkvmc.node.config import maybe_crash
from zkvmc.errors import MempoolFull, NodeUnavailable
from zkvmc.node.node import Node
from zkvmc.node.store import is_user_kind
from zkvmc.rollup.transactions import Tx, tx_from_json
from zkvmc.errors import TxRejected

STATIC = Path(__file__).resolve().parent / "static"
"""The explorer page's files."""

_HASH = re.compile(r"0x[0-9a-f]{64}")


class Refused(Exception):
    """A request answered with an error status and {"code", "reason"}."""

    def __init__(self, status: int, code: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.code, self.reason = status, code, reason


def problem(status: int, code: str, reason: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """An error response."""
    return JSONResponse({"code": code, "reason": reason}, status_code=status, headers=headers)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) more than limit bytes without reading them all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Refused(413, "too-large", f"the body is {declared} bytes; the limit is {limit}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Refused(413, "too-large", f"the body is over the limit of {limit} bytes")
    return bytes(body)


def parse_user_tx(body: bytes) -> Tx:
    """A transaction a user may submit, from a request body (Refused 400 / 422 otherwise)."""
    try:
        obj = json.loads(body)
    except (ValueError, RecursionError) as e:
        raise Refused(400, "malformed", f"the body is not JSON: {str(e)[:200]}") from None
    try:
        tx = tx_from_json(obj, "body")
    except ArtifactError as e:
        raise Refused(400, "malformed", str(e)[:500]) from None
    if not is_user_kind(tx):
        raise Refused(422, "kind-not-allowed", "users submit transfers and withdrawals; deposits come from the "
                                               "L1 bridge and no-ops are padding")
    return tx


def parse_decimal(name: str, text: str) -> int:
    """A query parameter that is a field element in decimal."""
    if not text.isascii() or not text.isdigit() or len(text) > 78 or int(text) >= R:
        raise Refused(400, "malformed", f"{name} must be a decimal number below r")
    return int(text)


def create_app(node: Node) -> FastAPI:
    """The HTTP application serving `node` (started by the app's lifespan if it is not yet)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        """Start the node (if the caller has not) with the server; stop it after."""
        await asyncio.to_thread(node.start)
        try:
            yield
        finally:
            await asyncio.to_thread(node.stop)

    app = FastAPI(title="zkvmc rollup node", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="The sequencer of a zkvmc rollup: submit transactions, follow them to L1. "
                              "docs/node.md")
    app.state.node = node
    _errors(app, node)
    _tx_routes(app, node)
    _read_routes(app, node)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _errors(app: FastAPI, node: Node) -> None:
    """Every error as {"code", "reason"}; refusals of POST /txs are counted by code."""

    @app.exception_handler(Refused)
    async def refused(request: Request, e: Refused) -> JSONResponse:
        """A Refused as its JSON error."""
        if request.url.path == "/txs":
            node.metrics.rejected.labels(e.code).inc()
        return problem(e.status, e.code, e.reason)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        """FastAPI's parameter validation errors as 400 malformed."""
        where = "; ".join(f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}" for err in e.errors())
        return problem(400, "malformed", where[:500])

    @app.exception_handler(HTTPException)
    async def http(_: Request, e: HTTPException) -> JSONResponse:
        """Starlette's errors (unknown route, wrong method) as JSON errors."""
        code = {404: "not-found", 405: "method-not-allowed"}.get(e.status_code, "error")
        return problem(e.status_code, code, str(e.detail))


def _tx_routes(app: FastAPI, node: Node) -> None:
    """POST /txs and GET /txs/{hash}."""

    @app.post("/txs", response_model=schemas.TxAccepted, openapi_extra=schemas.TX_BODY,
              responses=schemas.errors(400, 413, 422, 503), summary="Submit a signed transfer or withdrawal")
    async def submit(request: Request) -> Any:
        """Acknowledged once durably in the mempool; refused with 400, 413, 422 or 503."""
        t0 = time.perf_counter()
        tx = parse_user_tx(await read_body(request, node.config.max_body))
        try:
            ack = await asyncio.wrap_future(node.submit(tx))
        except TxRejected as e:
            raise Refused(422, e.code, e.reason) from None
        except MempoolFull as e:
            raise Refused(503, "mempool-full", str(e)) from None
        except NodeUnavailable as e:
            raise Refused(503, "unavailable", str(e)) from None
        node.metrics.accepted.labels("user").inc()
        node.metrics.ack_latency.observe(time.perf_counter() - t0)
        body = {"hash": ack.hash, "status": "pending", "position": ack.position, "seq": ack.seq}
        crash = BackgroundTask(_crash_after_ack, node.config.crash_at) if node.config.crash_at else None
        return JSONResponse(body, background=crash)

    @app.get("/txs/{tx_hash}", response_model=schemas.TxStatus, responses=schemas.errors(400, 404),
             summary="A transaction's status: pending, sealed, proven, l1-sent, committed")
    async def status(tx_hash: str) -> Any:
        """pending, sealed (in `batch`), proven, l1-sent, committed (with the L1 transaction and block)."""
        h = tx_hash.lower()
        if not _HASH.fullmatch(h):
            raise Refused(400, "malformed", "a transaction hash is 0x and 64 hex digits")
        view = await asyncio.wrap_future(node.tx(h))
        if view is None:
            raise Refused(404, "not-found", f"no transaction {h}")
        return view


async def _crash_after_ack(crash_at: str) -> None:
    """The after-ack crash hook: die once the acknowledgement has left."""
    await asyncio.sleep(0.2)
    maybe_crash("after-ack", crash_at)


def _read_routes(app: FastAPI, node: Node) -> None:
    """Accounts, batches, health, metrics and the explorer page."""

    @app.get("/accounts/{index}", response_model=schemas.AccountView, response_model_exclude_none=True,
             responses=schemas.errors(400), summary="An account: committed, pending, optional Merkle proof")
    async def account(index: int, proof: bool = False) -> Any:
        """As of the last local commit, with the pending balance and nonce; `proof=1` adds its Merkle proof."""
        if not 0 <= index < 1 << node.depth:
            raise Refused(400, "malformed", f"account indices are 0 .. {(1 << node.depth) - 1}")
        return await asyncio.wrap_future(node.account(index, proof))

    @app.get("/accounts", response_model=schemas.AccountIndex, responses=schemas.errors(400, 404),
             summary="The account index of a public key")
    async def find(ax: str, ay: str) -> Any:
        """The account holding the key (Ax, Ay in decimal): committed, or created by a pending deposit."""
        found = await asyncio.wrap_future(node.find_account(parse_decimal("ax", ax), parse_decimal("ay", ay)))
        if found is None:
            raise Refused(404, "not-found", "no account holds this key (a deposit on L1 creates one)")
        return {"index": found}

    @app.get("/batches", response_model=schemas.BatchPage, responses=schemas.errors(400),
             summary="Batches, newest first, paged with ?before=")
    async def batches(before: int | None = Query(None, ge=1), limit: int = Query(20, ge=1, le=100)) -> Any:
        """Newest first; `next` is the `before` of the next page."""
        return await asyncio.wrap_future(node.batches(before, limit))

    @app.get("/batches/{n}", response_model=schemas.BatchDetail, responses=schemas.errors(400, 404),
             summary="One batch: roots, transactions, proof, public signals, L1 status")
    async def batch(n: int) -> Any:
        """Its roots, transactions (no padding), public signals, proof and L1 status."""
        view = await asyncio.wrap_future(node.batch(n))
        if view is None:
            raise Refused(404, "not-found", f"no batch {n}")
        return view

    @app.get("/health", response_model=schemas.Health, summary="Status and counters")
    async def health() -> Any:
        """ok, degraded (a role retrying, see errors) or error (sealing stopped), and the counters."""
        return await asyncio.wrap_future(node.health())

    @app.get("/metrics", response_class=Response, summary="Prometheus metrics (text format)")
    async def metrics() -> Response:
        """The Prometheus text format."""
        from prometheus_client import CONTENT_TYPE_LATEST

        await asyncio.wrap_future(node.health())
        return Response(node.metrics.render(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/", include_in_schema=False)
    async def explorer() -> FileResponse:
        """The block explorer page."""
        return FileResponse(STATIC / "index.html")
