"""Shared CLI helpers: load a program from assembly source or an assembled image, and the
`-D NAME=VALUE` option of the commands that assemble (run, compile, assemble)."""

from __future__ import annotations

from typing import Callable, Mapping, TypeVar

import click

from zkvmc.artifacts.io import parse_json_bytes
from zkvmc.artifacts.program_image import is_program_image, program_from_json
from zkvmc.asm import assemble_source
from zkvmc.asm.include import read_source
from zkvmc.asm.program import Program
from zkvmc.errors import ArtifactError, InputError

F = TypeVar("F", bound=Callable[..., object])


def define_option(f: F) -> F:
    """The repeatable `-D NAME=VALUE` option (a tuple of strings named `defines`)."""
    return click.option("-D", "--define", "defines", multiple=True, metavar="NAME=VALUE",
                        help="Override the program's `.const NAME` (repeatable).")(f)  # type: ignore[return-value]


def load_program(path: str, defines: Mapping[str, int] | None = None) -> Program:
    """A program image (JSON whose format is zkvmc-program) or assembly source, by content.

    defines override `.const` values of source; with an image they are a usage error."""
    text = read_source(path)
    if not text.lstrip().startswith("{"):
        return assemble_source(text, path, defines)
    obj = parse_json_bytes(text, path)
    if not is_program_image(obj):
        found = obj.get("format") if isinstance(obj, dict) else None
        raise ArtifactError(path, "format", f"expected a zkvmc-program image or assembly source, found {found!r}")
    if defines:
        raise InputError(f"{path}: -D cannot change an assembled program image (its constants are "
                         "already resolved)\nhint: pass the .asm source instead")
    return program_from_json(obj, path)
