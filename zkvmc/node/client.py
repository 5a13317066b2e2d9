"""A small HTTP client of the node's API (httpx), for wallets: look up a key's account and pending
nonce, submit a signed transaction, follow its status. Never prints; errors are typed:
NodeRefused (exit 1) carries the node's {"code", "reason"}, NodeUnreachable (exit 2) a bad URL
or a node that does not answer.
"""

from __future__ import annotations

from typing import Any

from zkvmc.errors import NodeRefused, NodeUnreachable


class NodeClient:
    """The API of the node at `url` (e.g. http://127.0.0.1:8000)."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        import httpx

        if not url.startswith(("http://", "https://")):
            raise NodeUnreachable(f"--node: {url!r} is not an http:// or https:// URL")
        self._url = url.rstrip("/")
        self._http = httpx.Client(base_url=self._url, timeout=timeout)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> NodeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON answer of a request (NodeRefused for an error status)."""
        import httpx

        try:
            r = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as e:
            raise NodeUnreachable(f"cannot reach the node at {self._url}: {e}") from None
        try:
            body = r.json()
        except ValueError:
            raise NodeUnreachable(f"{self._url}{path}: HTTP {r.status_code}, not a JSON answer") from None
        if r.status_code >= 400:
            if isinstance(body, dict) and "code" in body:
                raise NodeRefused(r.status_code, str(body["code"]), str(body.get("reason", "")))
            raise NodeRefused(r.status_code, f"http-{r.status_code}", str(body)[:300])
        return body

    def health(self) -> dict[str, Any]:
        """GET /health."""
        return self._call("GET", "/health")

    def chain_id(self) -> int:
        """The rollup's chain identifier (signed in every transaction)."""
        return int(self.health()["chain_id"])

    def find_account(self, ax: int, ay: int) -> int | None:
        """The index holding this key, or None."""
        try:
            return int(self._call("GET", "/accounts", params={"ax": str(ax), "ay": str(ay)})["index"])
        except NodeRefused as e:
            if e.status == 404:
                return None
            raise

    def account(self, index: int) -> dict[str, Any]:
        """GET /accounts/{index}."""
        return self._call("GET", f"/accounts/{index}")

    def submit(self, tx_json: dict[str, Any]) -> dict[str, Any]:
        """POST /txs: {hash, status, position, seq}."""
        return self._call("POST", "/txs", json=tx_json)

    def tx(self, tx_hash: str) -> dict[str, Any]:
        """GET /txs/{hash}."""
        return self._call("GET", f"/txs/{tx_hash}")
