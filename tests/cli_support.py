"""Running the zkvmc CLI in-process from tests (one interpreter, real exit codes and streams)."""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from zkvmc.cli.main import main


def zkvmc(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `zkvmc ARGV`, with pytest's capsys capturing the streams."""
    with pytest.raises(SystemExit) as e:
        main(list(argv))
    cap = capsys.readouterr()
    return e.value.code, cap.out, cap.err


@dataclass(frozen=True)
class CliResult:
    """What one in-process zkvmc invocation gave."""

    returncode: int
    """Exit code."""
    stdout: str
    """Data."""
    stderr: str
    """Messages."""


def run_in(cwd: Path, *args: str) -> CliResult:
    """Run the zkvmc CLI in-process in cwd (saves an interpreter start per step)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    return CliResult(code, out.getvalue(), err.getvalue())


REPO = Path(__file__).resolve().parent.parent
"""The repository (programs/, node_modules/, docs/)."""


def ok(cwd: Path, *args: str) -> CliResult:
    """run_in, asserting exit 0 (the stderr is the failure message)."""
    res = run_in(cwd, *args)
    assert res.returncode == 0, res.stderr
    return res


def factorial_keys(d: Path) -> Path:
    """d with programs/factorial.asm compiled, its witness solved and keys made (seed 3):
    circuit.r1cs.json, witness.json, proving_key.json, verification_key.json."""
    ok(d, "compile", str(REPO / "programs" / "factorial.asm"))
    ok(d, "witness", "-i", str(REPO / "programs" / "factorial.input.json"))
    ok(d, "setup", "--insecure-seed", "3", "--quiet")
    return d


def subprocess_zkvmc(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the CLI as a user would (a real process: real exit codes and streams)."""
    return subprocess.run([sys.executable, "-m", "zkvmc", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


SNARKJS = REPO / "node_modules" / ".bin" / "snarkjs"
"""snarkjs 0.7.x as npm installed it (`make node`)."""

needs_snarkjs = [
    pytest.mark.node,
    pytest.mark.skipif(shutil.which("node") is None, reason="node not installed"),
    pytest.mark.skipif(not SNARKJS.exists(), reason="snarkjs not installed (make node)"),
]
"""Marks for a test module or test that runs snarkjs."""


def snarkjs(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run snarkjs in cwd (text output, no check)."""
    return subprocess.run([str(SNARKJS), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def snarkjs_ok(cwd: Path, *args: str) -> str:
    """snarkjs, asserting exit 0; its output."""
    res = snarkjs(cwd, *args)
    assert res.returncode == 0, res.stdout + res.stderr
    return res.stdout + res.stderr
