"""web3.py plumbing shared by deploy and the bridge client: connect, keys, send, wait, revert reasons.

Transactions are signed locally with the sender's key (eth_account) and sent raw, so any JSON-RPC
node works, not only one that holds keys. Every send is pre-flighted with eth_estimateGas on the
pending state: a call that would revert raises `L1Error` with the contract's reason and nothing is
sent. A mined transaction that reverted anyway is replayed with eth_call on the state before its
block to recover the reason.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from zkvmc.errors import InputError, L1Error, L1Unavailable

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount
    from web3 import Web3
    from web3.contract.contract import ContractConstructor, ContractFunction
    from web3.types import TxReceipt

GAS_MARGIN = 1.25
"""Gas limit = estimate x GAS_MARGIN (state may move between the estimate and the block)."""

RECEIPT_TIMEOUT = 120.0
"""Seconds wait_receipt waits for a transaction to be mined by default."""

_KEY = re.compile(r"(0x)?[0-9a-fA-F]{64}")


def require_web3() -> None:
    """InputError unless web3.py (the `rollup` extra) is installed."""
    try:
        import web3  # noqa: F401
    except ImportError:
        raise InputError("web3.py is not installed: pip install -e '.[rollup]'") from None


def _provider(rpc: str) -> Any:
    """An HTTP provider whose network failures are L1Unavailable (so never a traceback)."""
    import requests
    from web3 import HTTPProvider

    class Provider(HTTPProvider):
        def make_request(self, method: Any, params: Any) -> Any:
            try:
                return super().make_request(method, params)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as e:
                raise L1Unavailable(f"cannot reach the L1 at {rpc}: {type(e).__name__}") from e

    return Provider(rpc, request_kwargs={"timeout": 30})


def connect(rpc: str, chain_id: int | None = None) -> Web3:
    """A Web3 on the endpoint, checked to answer and, given chain_id, to be that chain."""
    require_web3()
    from web3 import Web3

    w3 = Web3(_provider(rpc))
    try:
        actual = w3.eth.chain_id
    except L1Unavailable:
        raise
    except Exception as e:  # noqa: BLE001 - an endpoint that answers something else than JSON-RPC
        raise L1Unavailable(f"cannot reach the L1 at {rpc}: {type(e).__name__}: {str(e)[:200]}") from None
    if chain_id is not None and actual != chain_id:
        raise L1Error(f"{rpc} is chain {actual}, not chain {chain_id}")
    return w3


def load_key(text: str, what: str = "--key") -> LocalAccount:
    """An L1 account from a private key: 64 hex digits (0x optional) or a file holding them."""
    require_web3()
    from eth_account import Account

    value = text.strip()
    if not _KEY.fullmatch(value):
        if not os.path.isfile(value):
            raise InputError(f"{what}: neither a private key (64 hex digits) nor a key file")
        try:
            with open(value, encoding="ascii") as f:
                value = f.read().strip()
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"{what}: cannot read {text}: {e}") from None
        if not _KEY.fullmatch(value):
            raise InputError(f"{what}: {text} does not hold a private key (64 hex digits, 0x optional)")
    try:
        return Account.from_key(value if value.startswith("0x") else "0x" + value)
    except ValueError as e:
        raise InputError(f"{what}: not a valid secp256k1 private key ({e})") from None


def revert_reason(error: Exception) -> str:
    """The contract's revert string out of a web3 ContractLogicError (or the error's text)."""
    message = getattr(error, "message", None) or str(error)
    for prefix in ("execution reverted: ", "execution reverted"):
        if message.startswith(prefix):
            message = message[len(prefix):]
    return message.strip() or "reverted without a reason"


def to_hex(value: Any) -> str:
    """A transaction hash (HexBytes, bytes or str) as 0x-hex."""
    from web3 import Web3

    return value if isinstance(value, str) else Web3.to_hex(value)


class Sender:
    """Signs, sends and follows transactions from one account."""

    def __init__(self, w3: Web3, account: LocalAccount) -> None:
        self.w3 = w3
        self.account = account

    def estimate(self, call: ContractFunction | ContractConstructor, value: int = 0) -> int:
        """Gas for call on the pending state; L1Error with the revert reason if it would revert."""
        from web3.exceptions import ContractLogicError, Web3RPCError

        params: dict[str, Any] = {"from": self.account.address, "value": value}
        try:
            return int(call.estimate_gas(params, block_identifier="pending"))
        except ContractLogicError as e:
            reason = revert_reason(e)
            raise L1Error(f"{_name(call)} would revert: {reason}", reason) from None
        except Web3RPCError as e:
            raise L1Error(f"{_name(call)}: the L1 refused it: {revert_reason(e)}") from None

    def send(self, call: ContractFunction | ContractConstructor, value: int = 0, gas: int | None = None) -> str:
        """Sign and send call (pre-flighted unless gas is given); its transaction hash."""
        if gas is None:
            gas = int(self.estimate(call, value) * GAS_MARGIN)
        tx = call.build_transaction({
            "from": self.account.address, "value": value, "gas": gas, "chainId": self.w3.eth.chain_id,
            "nonce": self.w3.eth.get_transaction_count(self.account.address, "pending"),
        })
        return self.send_raw(tx)

    def send_raw(self, tx: dict[str, Any]) -> str:
        """Sign and send a complete transaction dict."""
        from web3.exceptions import Web3RPCError

        signed = self.account.sign_transaction(tx)
        try:
            return to_hex(self.w3.eth.send_raw_transaction(signed.raw_transaction))
        except Web3RPCError as e:
            raise L1Error(f"the L1 refused the transaction: {revert_reason(e)}") from None


def wait_receipt(w3: Web3, tx_hash: str, timeout: float = RECEIPT_TIMEOUT) -> TxReceipt:
    """The receipt of a mined transaction; L1Error with the revert reason if it reverted."""
    from web3.exceptions import TimeExhausted

    try:
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=timeout, poll_latency=0.1)
    except TimeExhausted:
        raise L1Unavailable(f"transaction {tx_hash} not mined within {timeout:g} s") from None
    if receipt["status"] != 1:
        reason = replayed_reason(w3, tx_hash, receipt)
        raise L1Error(f"transaction {tx_hash} reverted: {reason}", reason)
    return receipt


def replayed_reason(w3: Web3, tx_hash: str, receipt: TxReceipt) -> str:
    """Why a mined transaction reverted: out of gas, or the reason eth_call gives when replaying
    it on the state before its block."""
    from web3.exceptions import ContractLogicError

    tx = w3.eth.get_transaction(tx_hash)
    if receipt["gasUsed"] >= tx["gas"]:
        return f"out of gas (limit {tx['gas']})"
    call = {"from": tx["from"], "to": tx["to"], "data": tx["input"], "value": tx["value"], "gas": tx["gas"]}
    try:
        w3.eth.call(call, block_identifier=receipt["blockNumber"] - 1)  # type: ignore[arg-type]
    except ContractLogicError as e:
        return revert_reason(e)
    except Exception as e:  # noqa: BLE001 - a node without history: say so rather than fail
        return f"reverted (reason unavailable: {type(e).__name__})"
    return "reverted (the replay on the previous block succeeds: the state moved in between)"


def _name(call: Any) -> str:
    """A contract call's function name, or "deployment" for a constructor."""
    return str(getattr(call, "fn_name", "deployment"))
