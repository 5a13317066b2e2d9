"""Shared CLI helper: load a program from assembly source or an assembled image."""

from __future__ import annotations

import json

from zkvmc.artifacts.program_image import is_program_image, program_from_json
from zkvmc.asm import assemble_source
from zkvmc.asm.assembler import read_source
from zkvmc.asm.program import Program
from zkvmc.errors import ArtifactError


def load_program(path: str) -> Program:
    """A program image (JSON whose format is zkvmc-program) or assembly source, by content."""
    text = read_source(path)
    if not text.lstrip().startswith("{"):
        return assemble_source(text, path)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise ArtifactError(path, "", f"not valid JSON ({e})") from None
    if not is_program_image(obj):
        found = obj.get("format") if isinstance(obj, dict) else None
        raise ArtifactError(path, "format", f"expected a zkvmc-program image or assembly source, found {found!r}")
    return program_from_json(obj, path)
