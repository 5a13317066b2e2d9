"""Running the zkvmc CLI in-process from tests (one interpreter, real exit codes and streams)."""

from __future__ import annotations

import contextlib
import io
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
