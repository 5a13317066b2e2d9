"""CLI commands (placeholder module: commands are registered here)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add this module's commands to the zkvmc group."""
