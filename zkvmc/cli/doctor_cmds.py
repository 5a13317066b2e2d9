"""CLI: `zkvmc doctor` — which backend and which arithmetic this install uses, and the one-time
notice `setup`, `prove` and `verify` print when they fall back to pure Python.

Takes nothing; gives one line per component on stdout (`--json`: one object), each naming the
package and version in use or why it is not (docs/performance.md "Fast by default").
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import sys
from typing import Any

import click

from zkvmc.cli.console import err, out

FAST_HINT = ("pip install 'zkvmc[fast]' (mclbn256 has wheels for Linux x86-64, macOS 11+ and Windows x64; "
             "gmpy2 and python-flint for most platforms)")
"""How to get the native arithmetic, where the platform has wheels for it."""

_noticed = False


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def native_backend_status() -> tuple[bool, str]:
    """(whether the mcl backend loads here, the package version or why not)."""
    if importlib.util.find_spec("mclbn256") is None:
        return False, "mclbn256 is not installed"
    try:
        importlib.import_module("zkvmc.backend.mcl")
    except (ImportError, OSError, RuntimeError) as e:
        return False, f"mclbn256 is installed but does not load here ({str(e)[:120]})"
    return True, f"mclbn256 {_version('mclbn256') or '?'}"


def _module(name: str, dist: str) -> tuple[bool, str]:
    """(whether a module imports, its version or 'not installed')."""
    try:
        importlib.import_module(name)
    except ImportError:
        return False, f"{dist} is not installed"
    return True, f"{dist} {_version(dist) or '?'}"


def report() -> dict[str, Any]:
    """What `zkvmc doctor` prints: each component's choice and its detail."""
    from zkvmc import __version__
    from zkvmc.backend import get_backend
    from zkvmc.backend.parallel import default_jobs

    mcl_ok, mcl = native_backend_status()
    gmp_ok, gmp = _module("gmpy2", "gmpy2")
    flint_ok, flint = _module("flint", "python-flint")
    return {
        "zkvmc": __version__, "python": platform.python_version(),
        "platform": f"{sys.platform} {platform.machine()}",
        "backend": get_backend(None).name, "backend_detail": mcl if mcl_ok else f"pure Python ({mcl})",
        "bigint": "gmpy2" if gmp_ok else "int", "bigint_detail": gmp,
        "polynomials": "python-flint" if flint_ok else "python", "polynomials_detail": flint,
        "cores": default_jobs(), "fast": mcl_ok and gmp_ok and flint_ok,
    }


def fallback_notice(backend_name: str, requested: str) -> None:
    """Once per process, on stderr: the auto backend fell back to pure Python, and how to fix it."""
    global _noticed
    if _noticed or backend_name != "python" or requested not in ("auto", None) or os.environ.get("ZKVMC_NO_NOTICE"):
        return
    _noticed = True
    err(f"note: using the pure-Python backend ({native_backend_status()[1]}), ~10x slower to prove; "
        f"for the native one: {FAST_HINT}. `zkvmc doctor` shows what is in use.")


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
def doctor_cmd(as_json: bool) -> None:
    """Show which backend and arithmetic this install uses (and how to get the fast ones)."""
    r = report()
    if as_json:
        out(json.dumps(r))
        return
    out(f"zkvmc {r['zkvmc']} on Python {r['python']}, {r['platform']}, {r['cores']} cores")
    out(f"backend (auto):   {r['backend']:13} {r['backend_detail']}")
    out(f"big integers:     {r['bigint']:13} {r['bigint_detail']}")
    out(f"polynomials:      {r['polynomials']:13} {r['polynomials_detail']}")
    if not r["fast"]:
        err(f"not all native pieces are in use: {FAST_HINT}")


def register(group: click.Group) -> None:
    """Add doctor to the zkvmc group."""
    group.add_command(doctor_cmd)
