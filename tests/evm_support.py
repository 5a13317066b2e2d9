"""Test helpers for the L1 side: compile Solidity with solcjs (npm `solc`, pinned in package.json),
run it in pyrevm, keccak-256 for selectors and event topics, and the CLI in-process.

`SKIP_REASON` is None when node + node_modules/solc + pyrevm are all there (CI: `make node`
installs solc, `make test` installs the `dev` extra with pyrevm), else why the EVM tests skip.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from cli_support import CliResult, run_in as zkvmc  # noqa: F401 (re-exported to the EVM tests)

REPO = Path(__file__).resolve().parent.parent
EVM_VERSION = "shanghai"
"""solc's target: pyrevm 0.3.7's EVM() runs the SHANGHAI spec by default."""

SOLC_JS = """
const solc = require('solc');
const input = require('fs').readFileSync(0, 'utf8');
process.stdout.write(JSON.stringify({version: solc.version(), output: JSON.parse(solc.compile(input))}));
"""


def _skip_reason() -> str | None:
    if shutil.which("node") is None:
        return "node not installed (the EVM tests compile Solidity with solcjs)"
    if not (REPO / "node_modules" / "solc" / "package.json").exists():
        return "npm package solc not installed (run `make node`)"
    try:
        import pyrevm  # noqa: F401
    except ImportError:
        return "pyrevm not installed (pip install -e '.[dev]')"
    return None


SKIP_REASON = _skip_reason()


# ---------------------------------------------------------------- the CLI, in-process


def ok(cwd: Path, *args: str) -> CliResult:
    """zkvmc(...) that must exit 0."""
    res = zkvmc(cwd, *args)
    assert res.returncode == 0, f"zkvmc {' '.join(args)} -> {res.returncode}\n{res.stderr}"
    return res


# ---------------------------------------------------------------- proofs, shared by the test files

SETUP_SEED, PROVE_SEED = "7", "8"


@functools.cache
def _work() -> Path:
    """A temporary directory for the session's proofs, removed when the interpreter exits."""
    d = Path(tempfile.mkdtemp(prefix="zkvmc-evm-"))
    atexit.register(shutil.rmtree, d, True)
    return d


@functools.cache
def proved(program: str) -> Path:
    """A directory with programs/<program>'s circuit, keys (seeded setup), proof and public
    signals for its .input.json; made once per test session, shared by every EVM test file."""
    d = _work() / program
    d.mkdir()
    ok(d, "compile", str(REPO / "programs" / f"{program}.asm"))
    ok(d, "setup", "--insecure-seed", SETUP_SEED, "--quiet")
    ok(d, "prove", "-i", str(REPO / "programs" / f"{program}.input.json"), "--insecure-seed", PROVE_SEED, "--quiet")
    return d


def prove_more(d: Path, inputs: dict[str, list[str]], tag: str) -> tuple[Path, Path]:
    """Another proof with d's keys for other inputs: (proof file, public file)."""
    (d / f"{tag}.input.json").write_text(json.dumps(inputs))
    proof, public = d / f"{tag}.proof.json", d / f"{tag}.public.json"
    ok(d, "prove", "-i", f"{tag}.input.json", "-p", proof.name, "--public", public.name, "--insecure-seed",
       PROVE_SEED, "--quiet")
    return proof, public


# ---------------------------------------------------------------- keccak-256 (Ethereum's, not SHA3-256)

_RC = [0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000, 0x000000000000808B,
       0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008A, 0x0000000000000088,
       0x0000000080008009, 0x000000008000000A, 0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
       0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
       0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008]
_ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
_M = (1 << 64) - 1


def _rol(v: int, n: int) -> int:
    return ((v << n) | (v >> (64 - n))) & _M if n else v


def _keccak_f(a: list[list[int]]) -> None:
    """Keccak-f[1600] in place on a[x][y] lanes."""
    for rc in _RC:
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rol(a[x][y] ^ d[x], _ROT[x][y])
        for x in range(5):
            for y in range(5):
                a[x][y] = b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y])
        a[0][0] ^= rc


def keccak256(data: bytes) -> bytes:
    """Ethereum's keccak-256 (original Keccak padding 0x01, rate 136 bytes)."""
    rate = 136
    msg = bytearray(data) + b"\x01" + b"\x00" * ((-len(data) - 1) % rate)
    msg[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        for i in range(rate // 8):
            a[i % 5][i // 5] ^= int.from_bytes(msg[off + 8 * i: off + 8 * i + 8], "little")
        _keccak_f(a)
    return b"".join(a[i % 5][i // 5].to_bytes(8, "little") for i in range(4))


def selector(signature: str) -> bytes:
    """The 4-byte function selector of a canonical signature like `f(uint256[2])`."""
    return keccak256(signature.encode())[:4]


# ---------------------------------------------------------------- solc


@dataclass(frozen=True)
class Compiled:
    """One contract out of solc."""

    abi: list[dict[str, Any]]
    """Its ABI."""
    bytecode: bytes
    """Creation code (constructor arguments are appended to it)."""
    method_ids: dict[str, str]
    """Canonical signature -> 4-byte selector in hex, as solc computes it."""
    warnings: tuple[str, ...]
    """solc's warnings for the whole file."""
    version: str
    """solc's version string."""


def compile_solidity(source: str, name: str = "Contract.sol") -> dict[str, Compiled]:
    """Compile one Solidity file with solcjs (optimiser on); every contract in it by name."""
    settings = {"evmVersion": EVM_VERSION, "optimizer": {"enabled": True, "runs": 200},
                "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object", "evm.methodIdentifiers"]}}}
    std_in = json.dumps({"language": "Solidity", "sources": {name: {"content": source}}, "settings": settings})
    res = subprocess.run(["node", "-e", SOLC_JS], input=std_in, cwd=REPO, capture_output=True, text=True,
                         timeout=300, check=False)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    errors = [e for e in got["output"].get("errors", []) if e["severity"] == "error"]
    assert not errors, "\n".join(e["formattedMessage"] for e in errors)
    warnings = tuple(e["formattedMessage"] for e in got["output"].get("errors", []) if e["severity"] != "error")
    return {cname: Compiled(c["abi"], bytes.fromhex(c["evm"]["bytecode"]["object"]), c["evm"]["methodIdentifiers"],
                            warnings, got["version"])
            for cname, c in got["output"]["contracts"][name].items()}


# ---------------------------------------------------------------- pyrevm


@dataclass(frozen=True)
class Call:
    """The outcome of one transaction."""

    success: bool
    """False when it reverted."""
    output: bytes
    """Return data (or revert data)."""
    gas_used: int
    """Gas of the whole transaction: 21000 base + calldata + execution."""
    logs: tuple[tuple[tuple[bytes, ...], bytes], ...] = field(default=())
    """(topics, data) of each emitted log."""

    @property
    def revert_reason(self) -> str | None:
        """The string of a revert with Error(string), else None."""
        if self.success or self.output[:4] != selector("Error(string)"):
            return None
        n = int.from_bytes(self.output[36:68], "big")
        return self.output[68:68 + n].decode()

    @property
    def as_bool(self) -> bool:
        """The returned word, which must be a canonical ABI bool."""
        assert self.success and len(self.output) == 32 and int.from_bytes(self.output, "big") in (0, 1), self
        return self.output[-1] == 1


def calldata_gas(data: bytes) -> int:
    """The intrinsic cost of calldata since EIP-2028: 16 per non-zero byte, 4 per zero byte."""
    return sum(16 if b else 4 for b in data)


class Chain:
    """A fresh in-memory EVM with one funded account that sends every transaction."""

    SENDER = "0x" + "5e" * 20
    GAS_LIMIT = 3_000_000
    """Per transaction: a failing precompile burns 63/64 of what is left, like on a real chain."""

    def __init__(self) -> None:
        from pyrevm import EVM

        self.evm = EVM()
        self.evm.set_balance(self.SENDER, 10**24)

    def deploy(self, code: bytes, *ctor_words: int) -> str:
        """Deploy creation code with ABI-encoded (static, word) constructor arguments."""
        return self.evm.deploy(self.SENDER, code + b"".join(w.to_bytes(32, "big") for w in ctor_words))

    def call(self, to: str, data: bytes) -> Call:
        """Send a transaction (state changes are kept); a revert becomes success=False."""
        try:
            out = self.evm.message_call(self.SENDER, to, data, gas=self.GAS_LIMIT)
        except RuntimeError as e:
            return _reverted(str(e))
        r = self.evm.result
        logs = tuple((tuple(bytes.fromhex(t[2:]) for t in log.topics), log.data[1]) for log in r.logs)
        return Call(r.is_success, bytes(out), r.gas_used, logs)


def _reverted(message: str) -> Call:
    """Parse pyrevm's `Revert { gas_used: N, output: 0x... }` error."""
    assert message.startswith("Revert"), message
    gas = int(message.split("gas_used:")[1].split(",")[0])
    hex_out = message.split("output:")[1].strip(" }")
    return Call(False, bytes.fromhex(hex_out.removeprefix("0x")), gas)


def word(v: int) -> bytes:
    """A uint256 ABI word."""
    return v.to_bytes(32, "big")


# ---------------------------------------------------------------- programs/state_update.asm, in Python

STATE_DEPTH = 4


@dataclass(frozen=True)
class Transition:
    """One account update of programs/state_update.asm, computed independently of the VM."""

    balance: int
    """Balance before."""
    nonce: int
    """Nonce before."""
    amount: int
    """Amount debited."""
    path: tuple[tuple[int, int], ...]
    """(sibling, bit) from the leaf up; bit 1: the node is the right child."""

    def root(self, balance: int, nonce: int) -> int:
        """The root over the leaf Poseidon(balance, nonce) along this path."""
        from zkvmc.hash import poseidon2

        node = poseidon2(balance, nonce)
        for sibling, bit in self.path:
            node = poseidon2(sibling, node) if bit else poseidon2(node, sibling)
        return node

    @property
    def old_root(self) -> int:
        """The root before."""
        return self.root(self.balance, self.nonce)

    @property
    def new_root(self) -> int:
        """The root after: balance - amount, nonce + 1."""
        return self.root(self.balance - self.amount, self.nonce + 1)

    def inputs(self) -> dict[str, list[str]]:
        """The program's inputs file."""
        private = [self.balance, self.nonce, self.amount] + [v for pair in self.path for v in pair]
        return {"public": [str(self.old_root)], "private": [str(v) for v in private]}

    def then(self, amount: int) -> "Transition":
        """The next update of the same account (same path, the other leaves unchanged)."""
        return Transition(self.balance - self.amount, self.nonce + 1, amount, self.path)


def transition_of(inputs: dict[str, list[str]]) -> Transition:
    """The Transition an inputs file of programs/state_update.asm describes."""
    v = [int(x) for x in inputs["private"]]
    return Transition(v[0], v[1], v[2], tuple(zip(v[3::2], v[4::2])))
