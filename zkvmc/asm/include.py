"""`.include` expansion: a main source file and the files it includes -> one flat list of items.

Takes the main file's text and name; reads every `.include "path"` (relative to the directory of
the file that names it), parses it and splices its items in place of the directive, so labels,
constants and directives of every file share the program's one namespace. Remembers each
file's lines and include chain, so that an error anywhere is shown with the right source line
and "included from main.asm:2" notes. A file is spliced in at most once: including it again
is an error, and including a file that is still open (a cycle) names the chain
(docs/language.md, "Extensions: .include and -D").
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

from zkvmc.asm import ast
from zkvmc.asm.parser import parse, source_lines, with_source_line
from zkvmc.errors import InputError, SourceError, Span

MAX_DEPTH = 64
"""Most files open at once (the main file and the chain of includes below it)."""


def read_source(path: str) -> str:
    """A source file's text (UTF-8); unreadable files are InputErrors naming the path."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start})") from None


def text_digest(text: str) -> str:
    """sha256 hex digest of a source text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Origin:
    """Where one source file came from."""

    lines: tuple[str, ...]
    """Its lines (for the caret display of errors)."""
    chain: tuple[Span, ...]
    """The `.include` directives that led to it, outermost first (empty for the main file)."""


@dataclass
class Sources:
    """The expanded program: items in splice order and what is known of every file read."""

    main: str
    """The main file's name, as given."""
    items: list[ast.Item] = field(default_factory=list)
    """Every file's items, `.include` directives replaced by the included items."""
    files: dict[str, Origin] = field(default_factory=dict)
    """File name (as shown in spans) -> its lines and include chain."""
    digests: list[str] = field(default_factory=list)
    """sha256 of each file's text, in the order the files were read (main first)."""
    first_included: dict[str, Span] = field(default_factory=dict)
    """Real path of each included file -> the `.include` that spliced it in."""

    def locate(self, e: SourceError) -> SourceError:
        """e with the source line of the file it points into and that file's include chain."""
        origin = self.files.get(e.span.file)
        if origin is None:
            return e
        e = with_source_line(e, list(origin.lines))
        if not origin.chain or e.notes:
            return e
        notes = tuple(f"included from {s.file}:{s.line}" for s in reversed(origin.chain))
        return SourceError(e.span, e.message, e.source_line, e.hint, notes)

    def digest(self, defines: dict[str, int]) -> str:
        """The source digest: the main text's sha256 alone, or, with includes or -D, the sha256
        of the lines "<sha256 of each file>" (reading order) then "-D NAME=value" (by name)."""
        if len(self.digests) == 1 and not defines:
            return self.digests[0]
        listing = "".join(d + "\n" for d in self.digests)
        listing += "".join(f"-D {n}={v}\n" for n, v in sorted(defines.items()))
        return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def expand(text: str, filename: str) -> Sources:
    """Parse text and every file it includes; raises SourceError located in the right file."""
    src = Sources(filename)
    try:
        _splice(src, text, filename, ((os.path.realpath(filename), filename),), ())
    except SourceError as e:
        raise src.locate(e) from None
    return src


def _splice(src: Sources, text: str, name: str, open_files: tuple[tuple[str, str], ...],
            chain: tuple[Span, ...]) -> None:
    """Append one file's items to src, expanding its includes in place."""
    src.files[name] = Origin(tuple(source_lines(text)), chain)
    src.digests.append(text_digest(text))
    for it in parse(text, name).items:
        if isinstance(it, ast.IncludeDir):
            _include(src, it, open_files, chain)
        else:
            src.items.append(it)


def _include(src: Sources, d: ast.IncludeDir, open_files: tuple[tuple[str, str], ...],
             chain: tuple[Span, ...]) -> None:
    """Check and splice in the file one `.include` names."""
    if not d.path:
        raise SourceError(d.span, "empty .include path", "", 'write the file to include: .include "lib.asm"')
    path = include_path(d.span.file, d.path)
    real = os.path.realpath(path)
    open_reals = [r for r, _ in open_files]
    if real in open_reals:
        names = [n for _, n in open_files[open_reals.index(real):]] + [path]
        raise SourceError(d.span, f"include cycle: {' -> '.join(names)}", "",
                          "a file cannot include itself, directly or through other files")
    if real in src.first_included:
        first = src.first_included[real]
        raise SourceError(d.span, f"'{path}' is already included (at {first.file}:{first.line})", "",
                          "a file is spliced in once; its labels and constants are visible everywhere, "
                          "so include it in one place only")
    if len(open_files) >= MAX_DEPTH:
        raise SourceError(d.span, f"includes are nested more than {MAX_DEPTH} files deep")
    try:
        text = read_source(path)
    except InputError as e:
        raise SourceError(d.span, f"cannot include \"{d.path}\": {e}", "",
                          "the path is relative to the directory of the file that includes it") from None
    src.first_included[real] = d.span
    _splice(src, text, path, open_files + ((real, path),), chain + (d.span,))


def include_path(including: str, path: str) -> str:
    """The name of an included file: path joined to the including file's directory, normalised
    (an absolute path stays as it is)."""
    return os.path.normpath(os.path.join(os.path.dirname(including), path))
