"""Reading and writing JSON artefacts safely.

Every artefact is written to a temporary file in the target folder, then renamed, so a crash
never leaves a half-written file. Readers check the header (format, version) first and name
the file and field of anything malformed.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from typing import Any

from zkvmc.digest import canonical_json, digest  # noqa: F401 - the file formats' digests, defined below the stages
from zkvmc.errors import ArtifactError


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
    import tempfile  # here: a reader (zkvmc verify) need not pay ~5 ms for it at start-up

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


# ---- files that must change together (setup's key pair, prove's proof and public signals) -----

TMP_TAG = ".zkvmc-tmp-"
"""Temporaries of write_together: `.{name}.zkvmc-tmp-{pid}-XXXX` next to the file `name`."""
PENDING = ".zkvmc-pending"
"""Journal of a write_together in progress: `.{name}.zkvmc-pending` next to each file `name`."""
KILL_HOOK = "ZKVMC_TEST_KILL_BETWEEN_RENAMES"
"""TEST ONLY: when this environment variable is set, write_together kills the process (exit 137,
no clean-up) right after its first rename, to test that readers still see a consistent pair."""


def check_writable(path: str) -> None:
    """Refuse an output path that cannot be written (its folder missing, not a folder, not
    writable; the path itself a folder) before any work is done: ArtifactError naming it."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ArtifactError(path, "", "cannot write (no such folder)")
    if os.path.isdir(path):
        raise ArtifactError(path, "", "cannot write (is a directory)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ArtifactError(path, "", "cannot write (permission denied)")


def _pending_path(path: str) -> str:
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(folder, f".{name}{PENDING}")


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _remove_stale_temporaries(path: str) -> None:
    """Delete temporaries of path left by write_together runs that died (their pid is gone)."""
    folder, name = os.path.split(os.path.abspath(path))
    prefix = f".{name}{TMP_TAG}"
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for e in entries:
        if not e.startswith(prefix):
            continue
        pid = e[len(prefix):].split("-", 1)[0]
        if pid.isascii() and pid.isdigit() and not _pid_alive(int(pid)):
            try:
                os.unlink(os.path.join(folder, e))
            except OSError:
                pass


def complete_interrupted_write(path: str) -> None:
    """Finish a write_together that was killed between its renames, so that path and its
    partners are again the pair written together (the new one). Readers of paired files call
    this first. Does nothing when no journal names path."""
    journal = _pending_path(path)
    if not os.path.exists(journal):
        return
    entries = parse_json_bytes(read_file_bytes(journal, "journal"), journal)
    ok = isinstance(entries, list) and all(
        isinstance(x, list) and len(x) == 2 and all(isinstance(y, str) for y in x) for x in entries)
    dsts = [os.path.abspath(d) for _, d in entries] if ok else []
    if not ok or os.path.abspath(path) not in dsts or any(
            os.path.dirname(t) != os.path.dirname(d) or not os.path.basename(t).startswith(
                f".{os.path.basename(d)}{TMP_TAG}") for t, d in entries):
        raise ArtifactError(journal, "", "not a zkvmc journal of an interrupted write (delete it)")
    try:
        for tmp, dst in entries:
            if os.path.exists(tmp):
                os.replace(tmp, dst)
        for d in {os.path.dirname(d) for d in dsts}:
            _fsync_dir(d)
        for d in dsts:
            if os.path.exists(_pending_path(d)):
                os.unlink(_pending_path(d))
    except OSError as e:
        names = ", ".join(d for _, d in entries)
        raise ArtifactError(path, "", f"an interrupted write left {names} mismatched and it cannot be "
                                      f"completed ({e.strerror or e})") from None


def write_together(files: list[tuple[str, bytes]]) -> None:
    """Write several files so that a reader sees all the old ones or all the new ones, even if
    the process is killed midway: each is written to a temporary and fsynced, a journal naming
    the renames is written next to every target, then the renames are done and the journals
    removed. A kill between renames leaves the journals: complete_interrupted_write (called by
    the readers and by the next write) finishes the renames. Stale temporaries are removed."""
    for path, _ in files:
        check_writable(path)
    for path, _ in files:
        complete_interrupted_write(path)
        _remove_stale_temporaries(path)
    import tempfile  # as in write_atomic

    mode = 0o666 & ~_umask()
    renames: list[tuple[str, str]] = []
    journals: list[str] = []
    try:
        for path, data in files:
            folder, name = os.path.split(os.path.abspath(path))
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{name}{TMP_TAG}{os.getpid()}-", dir=folder)
            except OSError as e:
                raise ArtifactError(path, "", f"cannot write ({e.strerror or e})") from None
            renames.append((tmp, os.path.join(folder, name)))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode)
        journal = json.dumps([list(r) for r in renames]).encode()
        for _, dst in renames:
            write_atomic(_pending_path(dst), journal)
            journals.append(_pending_path(dst))
        folders = {os.path.dirname(d) for _, d in renames}
        for d in folders:
            _fsync_dir(d)
        for i, (tmp, dst) in enumerate(renames):
            os.replace(tmp, dst)
            if i == 0 and os.environ.get(KILL_HOOK):
                os._exit(137)
        for d in folders:
            _fsync_dir(d)
        for j in journals:
            os.unlink(j)
    except OSError as e:
        _remove_existing([tmp for tmp, _ in renames] + journals)
        raise ArtifactError(files[0][0], "", f"cannot write ({e.strerror or e})") from None
    except BaseException:
        _remove_existing([tmp for tmp, _ in renames] + journals)
        raise


def _remove_existing(paths: list[str]) -> None:
    """Unlink those of paths that exist (temporaries and journals of a failed pair write)."""
    for p in paths:
        if os.path.exists(p):
            os.unlink(p)


def json_bytes(obj: Any, indent: int | None = 1) -> bytes:
    """What write_json writes."""
    return (json.dumps(obj, indent=indent) + "\n").encode()


def write_json(path: str, obj: Any, indent: int | None = 1) -> None:
    """Write obj as JSON (stable key order as given) atomically."""
    text = json.dumps(obj, indent=indent) + "\n"
    write_atomic(path, text.encode())


MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays/objects any artefact may have (real ones have at most 5): deeper
input is refused before anything recursive (json.dumps for digests) can overflow the stack."""

_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_NOT_BRACKETS_OR_QUOTES = bytes(b for b in range(256) if b not in b'[]{}"')


def brackets_outside_strings(raw: bytes) -> bytes:
    """The `[]{}` bytes of JSON text raw that are not inside strings, in order."""
    if b"\\" in raw:
        return _STRINGS.sub(b"", raw).translate(None, _NOT_BRACKETS)
    # Every '"' delimits a string: keep only quotes and brackets (in C, ~10x faster on a circuit
    # file than splitting the whole text), drop each adjacent '""' (an empty string, or two
    # strings merged: no bracket changes sides), then the outside is every other piece.
    kept = raw.translate(None, _NOT_BRACKETS_OR_QUOTES).replace(b'""', b"")
    return b"".join(kept.split(b'"')[::2])


def _too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text raw nests arrays/objects deeper than limit (brackets inside strings
    ignored). Each pass of removing empty `[]`/`{}` pairs peels one level, all in C; only when
    something survives `limit` passes (too deep, or unbalanced) is the depth counted exactly."""
    b = brackets_outside_strings(raw)
    rest = b
    for _ in range(limit):
        if not rest:
            return False
        rest = rest.replace(b"[]", b"").replace(b"{}", b"")
    if not rest:
        return False
    step = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
    return max(itertools.accumulate(step[c] for c in b)) > limit


def parse_json_bytes(raw: bytes | str, path: str, where: str = "") -> Any:
    """Parse untrusted JSON text; anything wrong with it (syntax, encoding, an integer beyond
    Python's int-string limit, nesting deeper than MAX_JSON_DEPTH) is an ArtifactError naming
    path (and where, e.g. a section of a binary file). The one JSON parser for user files.

    The depth is checked before parsing: json's C scanner can overflow the C stack on deep
    enough input before its recursion guard fires."""
    deep = f"not valid JSON (nested deeper than {MAX_JSON_DEPTH} levels)"
    try:
        data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
        del raw  # a caller's argument is this frame's now (CPython 3.11+): the bytes go before the parse
        if _too_deep(data):
            raise ArtifactError(path, where, deep)
        text = data.decode(json.detect_encoding(data), "surrogatepass")  # what json.loads(bytes) does
        del data  # bytes, text and the parsed object alive together were a 3x-file-size peak (issue 15)
        return json.loads(text)
    except UnicodeError as e:
        raise ArtifactError(path, where, f"not valid UTF-8 JSON ({e.reason})") from None
    except RecursionError:
        raise ArtifactError(path, where, deep) from None
    except ValueError as e:  # JSONDecodeError, and the int-string digit limit
        raise ArtifactError(path, where, f"not valid JSON ({str(e)[:200]})") from None


def read_file_bytes(path: str, what: str = "file") -> bytes:
    """A file's bytes; a missing, unreadable or non-regular path is an ArtifactError naming it."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise ArtifactError(path, "", "no such file") from None
    except IsADirectoryError:
        raise ArtifactError(path, "", f"is a directory, expected a {what}") from None
    except NotADirectoryError:
        raise ArtifactError(path, "", "no such file (a component of the path is not a directory)") from None
    except PermissionError:
        raise ArtifactError(path, "", "cannot read (permission denied)") from None
    except (OSError, ValueError) as e:  # ValueError: an embedded NUL in the path
        raise ArtifactError(path, "", f"cannot read ({getattr(e, 'strerror', None) or e})") from None


def read_json(path: str) -> Any:
    """Parse a JSON file; a missing, unreadable or malformed file is an ArtifactError naming it."""
    return parse_json_bytes(read_file_bytes(path, "JSON file"), path)


def check_header(path: str, obj: Any, fmt: str, version: int) -> None:
    """Require a JSON object with the given "format" and "version"."""
    if not isinstance(obj, dict):
        raise ArtifactError(path, "", f"expected a JSON object ({fmt})")
    if obj.get("format") != fmt:
        raise ArtifactError(path, "format", f"expected {fmt!r}, found {obj.get('format')!r}")
    if type(obj.get("version")) is not int or obj["version"] != version:  # not True, not 1.0
        raise ArtifactError(path, "version", f"unsupported version {obj.get('version')!r} (this zkvmc reads {version})")


def field(path: str, obj: dict, name: str, kind: type | tuple[type, ...]) -> Any:
    """obj[name], required to be of the given JSON type."""
    if name not in obj:
        raise ArtifactError(path, name, "missing")
    v = obj[name]
    if not isinstance(v, kind) or isinstance(v, bool) and kind is not bool:
        raise ArtifactError(path, name, f"expected {getattr(kind, '__name__', kind)}")
    return v


def hex_blob(path: str, name: str, v: Any, what: str) -> bytes:
    """The bytes of a hexadecimal string field (`what` names its contents for the message)."""
    if not isinstance(v, str):
        raise ArtifactError(path, name, f"expected a hexadecimal string of {what}")
    try:
        return bytes.fromhex(v)
    except ValueError:
        raise ArtifactError(path, name, "not a hexadecimal string") from None
