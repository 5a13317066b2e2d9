"""Compile Solidity with solcjs (npm `solc`, pinned in package.json) through its standard JSON.

`find_solcjs()` looks for node_modules/.bin/solcjs beside the source tree, then in the current
directory, then `solcjs` on PATH; `compile_sources` runs it once on several sources and gives
each contract's ABI and creation code. A missing solcjs, or a source solc refuses, is an
InputError saying what to do.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from zkvmc.errors import InputError

REPO = Path(__file__).resolve().parents[2]
"""The source tree (where `make node` installs node_modules)."""

EVM_VERSION = "shanghai"
"""The EVM version compiled for: PUSH0 and nothing newer, so most chains run the contracts."""

OPTIMIZER_RUNS = 200
"""solc's optimiser setting (docs/l1.md's gas figures are for it)."""


@dataclass(frozen=True)
class Contract:
    """One compiled contract."""

    name: str
    """The contract's name."""
    abi: list[dict[str, Any]]
    """Its ABI."""
    bytecode: str
    """Creation code, 0x-hex (constructor arguments are appended to it)."""


def find_solcjs() -> str:
    """The solcjs executable: node_modules/.bin beside the source tree or the current directory,
    else on PATH; InputError if there is none."""
    for base in (REPO, Path.cwd()):
        candidate = base / "node_modules" / ".bin" / "solcjs"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("solcjs")
    if found is None:
        raise InputError("solcjs not found (looked in node_modules/.bin and on PATH)\n"
                         "hint: run `make node` (npm install) in the zkvmc source tree, "
                         "or `npm install -g solc@0.8.28`")
    return found


def standard_input(sources: Mapping[str, str]) -> dict[str, Any]:
    """solc's standard JSON input for these sources (file name -> text)."""
    return {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": {
            "optimizer": {"enabled": True, "runs": OPTIMIZER_RUNS},
            "evmVersion": EVM_VERSION,
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}},
        },
    }


def _run(solcjs: str, request: dict[str, Any]) -> dict[str, Any]:
    """solcjs --standard-json on the request; its output object."""
    try:
        res = subprocess.run([solcjs, "--standard-json"], input=json.dumps(request), capture_output=True,
                             text=True, timeout=600, check=False)
    except OSError as e:
        raise InputError(f"{solcjs}: cannot run it ({e})") from None
    # solcjs prints a notice about SMT solvers before the JSON on some versions
    text = res.stdout[res.stdout.find("{"):] if "{" in res.stdout else ""
    try:
        output = json.loads(text)
    except json.JSONDecodeError:
        raise InputError(f"{solcjs} failed (exit {res.returncode}): {res.stderr.strip()[:500]}") from None
    if not isinstance(output, dict):
        raise InputError(f"{solcjs}: unexpected output")
    return output


def compile_sources(sources: Mapping[str, str]) -> dict[str, Contract]:
    """Every contract of the sources, by name; InputError with solc's messages on an error.
    Cached per process: the same sources compile once."""
    return dict(_compile(tuple(sorted(sources.items()))))


@lru_cache(maxsize=8)
def _compile(sources: tuple[tuple[str, str], ...]) -> dict[str, Contract]:
    """compile_sources on hashable sources."""
    output = _run(find_solcjs(), standard_input(dict(sources)))
    errors = [e.get("formattedMessage", str(e)) for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise InputError("solc refused the contracts:\n" + "\n".join(errors))
    found: dict[str, Contract] = {}
    for per_file in output.get("contracts", {}).values():
        for name, c in per_file.items():
            found[name] = Contract(name, c["abi"], "0x" + c["evm"]["bytecode"]["object"])
    return found
