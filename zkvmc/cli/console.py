"""Console helpers: messages to stderr, data to stdout (plain); rich for tables and progress bars.

rich is imported only when a rich console is asked for (stderr_console): a plain message needs
none of it, and importing it is a fifth of `zkvmc verify`'s start-up (issue 15).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

_stderr: Console | None = None
"""The shared rich stderr console, once stderr_console() has made it."""


def err(message: str) -> None:
    """A message for a person, on stderr, printed literally (no markup); through the rich
    console once one exists, so that it lands above a live progress bar."""
    if _stderr is not None:
        _stderr.print(message, markup=False, emoji=False)
        return
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def out(line: str) -> None:
    """A line of data on stdout."""
    sys.stdout.write(line + "\n")


def stderr_console() -> Console:
    """The shared stderr console (tables, progress bars), made on first use."""
    global _stderr
    if _stderr is None:
        from rich.console import Console

        _stderr = Console(stderr=True, highlight=False, soft_wrap=True)
    return _stderr
