"""A local L1 for development and tests: anvil (npm `@foundry-rs/anvil`, pinned in package.json).

`start_anvil(port)` launches anvil on 127.0.0.1 only, in its own process group, and returns once
its JSON-RPC answers; `stop(proc)` ends it (and only it). anvil derives its funded accounts from
Foundry's public test mnemonic, so their private keys are the well-known `DEV_KEYS`: anyone can
spend them, which is the point on a devnet and fatal anywhere else.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

from zkvmc.errors import InputError

REPO = Path(__file__).resolve().parents[2]
"""The source tree (where `make node` installs node_modules)."""

DEV_KEYS: tuple[str, ...] = (
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
)
"""The private keys of anvil's 10 default accounts (Foundry's test mnemonic "test test ... junk",
published in its documentation). Dev-only: never send real value to them."""

LOCALHOST = "127.0.0.1"


def find_anvil() -> str:
    """The anvil executable: the native binary npm installed (so that signals reach anvil
    itself), else node_modules/.bin/anvil, else anvil on PATH; InputError if there is none."""
    for base in (REPO, Path.cwd()):
        foundry = base / "node_modules" / "@foundry-rs"
        native = sorted(foundry.glob("anvil-*/bin/anvil")) if foundry.is_dir() else []
        for candidate in [*native, base / "node_modules" / ".bin" / "anvil"]:
            if candidate.exists() and os.access(candidate, os.X_OK):
                return str(candidate)
    found = shutil.which("anvil")
    if found is None:
        raise InputError("anvil not found (looked in node_modules and on PATH)\n"
                         "hint: run `make node` (npm install) in the zkvmc source tree, or install Foundry")
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOCALHOST, 0))
        return int(s.getsockname()[1])


def rpc_url(port: int) -> str:
    """The JSON-RPC URL of a devnet on this port."""
    return f"http://{LOCALHOST}:{port}"


def _answers(url: str) -> bool:
    """Whether a JSON-RPC endpoint answers eth_chainId."""
    from web3 import Web3

    try:
        return Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 2})).is_connected()
    except Exception:  # noqa: BLE001 - any failure means "not yet"
        return False


def start_anvil(port: int, *, block_time: float | None = None, accounts: int = len(DEV_KEYS),
                balance: int | None = None, chain_id: int | None = None,
                timeout: float = 30.0) -> subprocess.Popen[bytes]:
    """Launch anvil on 127.0.0.1:port (automining, or a block every block_time seconds; each dev
    account funded with `balance` ether, anvil's default 10,000) and wait until its RPC answers;
    InputError if it exits or stays silent for `timeout` seconds."""
    if not 1 <= accounts <= len(DEV_KEYS):
        raise InputError(f"accounts must be 1 .. {len(DEV_KEYS)}, not {accounts}")
    cmd = [find_anvil(), "--host", LOCALHOST, "--port", str(port), "--accounts", str(accounts), "--quiet"]
    if block_time is not None:
        cmd += ["--block-time", str(block_time)]
    if balance is not None:
        cmd += ["--balance", str(balance)]
    if chain_id is not None:
        cmd += ["--chain-id", str(chain_id)]
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                            start_new_session=True)
    try:
        _wait_until_answering(proc, port, timeout, log)
    except BaseException:
        stop(proc)  # also on Ctrl-C while waiting: never leave an anvil behind
        raise
    finally:
        log.close()
    return proc


def start_anvil_on_free_port(attempts: int = 5, **options: object) -> tuple[subprocess.Popen[bytes], str]:
    """start_anvil on a port free right now, and its RPC URL; another free port if something takes
    that one between the choice and anvil's bind (the port is only reserved once anvil listens)."""
    for attempt in range(attempts):
        port = free_port()
        try:
            return start_anvil(port, **options), rpc_url(port)  # type: ignore[arg-type]
        except InputError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _wait_until_answering(proc: subprocess.Popen[bytes], port: int, timeout: float, log: IO[bytes]) -> None:
    """Poll the RPC until it answers; InputError with anvil's stderr if it exits or times out."""
    deadline = time.monotonic() + timeout
    # An answer only counts while our anvil is alive: one that could not bind exits, and whatever
    # answers on the port then is someone else's.
    while not (_answers(rpc_url(port)) and proc.poll() is None):
        if proc.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            why = log.read().decode(errors="replace").strip()[-500:] or f"exit {proc.poll()}"
            raise InputError(f"anvil did not start on {rpc_url(port)}: {why}")
        time.sleep(0.1)


def stop(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """End an anvil start_anvil launched: SIGTERM to its process group, SIGKILL if it lingers."""
    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Signal the process group proc leads (start_new_session made it its own)."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass
