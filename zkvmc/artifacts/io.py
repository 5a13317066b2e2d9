"""Reading and writing JSON artefacts safely.

Every artefact is written to a temporary file in the target folder, then renamed, so a crash
never leaves a half-written file. Readers check the header (format, version) first and name
the file and field of anything malformed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from typing import Any

from zkvmc.errors import ArtifactError


def canonical_json(obj: Any) -> bytes:
    """Deterministic compact JSON bytes (sorted keys) used for digests."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def digest(obj: Any) -> str:
    """sha256 hex digest of an object's canonical JSON."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def json_lines(obj: dict[str, Any], separators: tuple[str, str] = (",", ":")) -> bytes:
    """Deterministic, diff-friendly JSON: one top-level key per line, and one item per line for
    a list of objects or arrays (constraints, steps, instructions)."""
    lines = []
    for k, v in obj.items():
        if isinstance(v, list) and v and isinstance(v[0], (list, dict)):
            inner = ",\n  ".join(json.dumps(x, separators=separators) for x in v)
            lines.append(f" {json.dumps(k)}: [\n  {inner}\n ]")
        else:
            lines.append(f" {json.dumps(k)}: {json.dumps(v, separators=separators)}")
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode()


def write_atomic(path: str, data: bytes, mode: int | None = None, replace: bool = True) -> None:
    """Write bytes to path via a temporary file and a rename. mode: the file's permissions
    (default: the usual 0666 less the umask; 0o600 for a secret). replace=False never
    overwrites: the file appears by a hard link that fails if path exists (ArtifactError)."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    except OSError as e:
        raise ArtifactError(path, "", f"cannot write ({e.strerror or e})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask() if mode is None else mode)  # mkstemp makes 0600
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
            os.unlink(tmp)
    except FileExistsError:
        os.unlink(tmp)
        raise ArtifactError(path, "", "already exists (not overwritten)") from None
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise ArtifactError(path, "", f"cannot write ({e.strerror or e})") from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json(path: str, obj: Any, indent: int | None = 1) -> None:
    """Write obj as JSON (stable key order as given) atomically."""
    text = json.dumps(obj, indent=indent) + "\n"
    write_atomic(path, text.encode())


def read_json(path: str) -> Any:
    """Parse a JSON file; a missing or malformed file is an ArtifactError naming it."""
    try:
        with open(path, "rb") as f:
            return json.loads(f.read())
    except FileNotFoundError:
        raise ArtifactError(path, "", "no such file") from None
    except IsADirectoryError:
        raise ArtifactError(path, "", "is a directory, expected a JSON file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ArtifactError(path, "", f"not valid JSON ({e})") from None


def check_header(path: str, obj: Any, fmt: str, version: int) -> None:
    """Require a JSON object with the given "format" and "version"."""
    if not isinstance(obj, dict):
        raise ArtifactError(path, "", f"expected a JSON object ({fmt})")
    if obj.get("format") != fmt:
        raise ArtifactError(path, "format", f"expected {fmt!r}, found {obj.get('format')!r}")
    if obj.get("version") != version:
        raise ArtifactError(path, "version", f"unsupported version {obj.get('version')!r} (this zkvmc reads {version})")


def field(path: str, obj: dict, name: str, kind: type | tuple[type, ...]) -> Any:
    """obj[name], required to be of the given JSON type."""
    if name not in obj:
        raise ArtifactError(path, name, "missing")
    v = obj[name]
    if not isinstance(v, kind) or isinstance(v, bool) and kind is not bool:
        raise ArtifactError(path, name, f"expected {getattr(kind, '__name__', kind)}")
    return v
