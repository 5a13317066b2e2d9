"""Shared CLI helpers: load a program from source or image, read inputs."""

from __future__ import annotations

import json

from zkvmc.asm.program import Program
from zkvmc.errors import ArtifactError


def _looks_like_image(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(4096).lstrip()
    except OSError as e:
        raise ArtifactError(path, "", e.strerror or "cannot read") from None
    if not head.startswith(b"{"):
        return False
    try:
        with open(path, "rb") as f:
            obj = json.loads(f.read())
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(obj, dict) and "format" in obj


def load_program(path: str) -> Program:
    """A Program from a `.asm` source or an assembled JSON image (decided by content)."""
    if _looks_like_image(path):
        from zkvmc.artifacts.program_image import read_program

        return read_program(path)
    from zkvmc.asm import assemble_file

    return assemble_file(path)
