"""Running the zkvmc CLI in-process from tests (one interpreter, real exit codes and streams)."""

from __future__ import annotations

import pytest

from zkvmc.cli.main import main


def zkvmc(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `zkvmc ARGV`, with pytest's capsys capturing the streams."""
    with pytest.raises(SystemExit) as e:
        main(list(argv))
    cap = capsys.readouterr()
    return e.value.code, cap.out, cap.err
