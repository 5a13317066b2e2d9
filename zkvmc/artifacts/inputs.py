"""The inputs file: {"public": [...], "private": [...]} (spec: "Inputs file")."""

from __future__ import annotations

from zkvmc.artifacts.io import read_json
from zkvmc.asm.machine import Inputs
from zkvmc.errors import ArtifactError
from zkvmc.field import parse_value

__all__ = ["Inputs", "parse_inputs", "read_inputs"]


def parse_inputs(obj: object, path: str = "<inputs>") -> Inputs:
    """Validate an already-parsed inputs object; errors name the file and field."""
    if not isinstance(obj, dict):
        raise ArtifactError(path, "", 'expected an object {"public": [...], "private": [...]}')
    unknown = sorted(set(obj) - {"public", "private"})
    if unknown:
        raise ArtifactError(path, unknown[0], 'unknown key (expected only "public" and "private")')
    tapes = []
    for key in ("public", "private"):
        values = obj.get(key, [])
        if not isinstance(values, list):
            raise ArtifactError(path, key, "expected a list of values")
        tape = []
        for i, v in enumerate(values):
            try:
                tape.append(parse_value(v))
            except ValueError as e:
                raise ArtifactError(path, f"{key}[{i}]", str(e)) from None
        tapes.append(tuple(tape))
    return Inputs(tapes[0], tapes[1])


def read_inputs(path: str | None) -> Inputs:
    """Read an inputs file; None means both tapes empty."""
    if path is None:
        return Inputs((), ())
    return parse_inputs(read_json(path), path)
