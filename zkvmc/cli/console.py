"""Console helpers: messages to stderr (rich), data to stdout (plain)."""

from __future__ import annotations

import sys

from rich.console import Console

_stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def err(message: str) -> None:
    """A message for a person, on stderr, printed literally (no markup)."""
    _stderr.print(message, markup=False)


def out(line: str) -> None:
    """A line of data on stdout."""
    sys.stdout.write(line + "\n")


def stderr_console() -> Console:
    """The shared stderr console (tables, progress bars)."""
    return _stderr
