"""The errors every stage raises, and the exit code each maps to.

Exit codes (the one place they are defined; docs/cli.md repeats them):
0 ok · 1 negative result (proof rejected, constraints unsatisfied, program fault)
2 usage or input error (syntax, check, malformed artefact) · 3 internal error.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_NEGATIVE = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class ZkvmcError(Exception):
    """Base of every error the CLI reports without a traceback."""

    exit_code = EXIT_USAGE

    def render(self) -> str:
        """The message for a person, possibly several lines."""
        return str(self)


@dataclass(frozen=True)
class Span:
    """Where something came from in a source file (1-based line and column)."""

    file: str
    """Source file name as the user gave it."""
    line: int
    """1-based line."""
    col: int = 1
    """1-based column."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class SourceError(ZkvmcError):
    """A syntax or check error in a program: file:line:col, the line, a caret, a hint."""

    exit_code = EXIT_USAGE

    def __init__(self, span: Span, message: str, source_line: str = "", hint: str = "",
                 notes: tuple[str, ...] = ()) -> None:
        super().__init__(f"{span}: error: {message}")
        self.span = span
        self.message = message
        self.source_line = source_line
        self.hint = hint
        self.notes = notes
        """Lines shown after the caret, e.g. the `.include` chain ("included from main.asm:2")."""

    def render(self) -> str:
        out = [f"{self.span}: error: {self.message}"]
        if self.source_line:
            line = self.source_line.rstrip("\n")
            # Expand tabs in the text before the column too, so the caret lands under the token.
            caret_at = len(line[: max(self.span.col - 1, 0)].expandtabs())
            out.append("    " + line.expandtabs())
            out.append("    " + " " * caret_at + "^")
        out.extend(self.notes)
        if self.hint:
            out.append(f"hint: {self.hint}")
        return "\n".join(out)


class ArtifactError(ZkvmcError):
    """A malformed or mismatched file: names the file and the field."""

    exit_code = EXIT_USAGE

    def __init__(self, path: str, field: str, message: str) -> None:
        super().__init__(f"{path}: {field}: {message}" if field else f"{path}: {message}")
        self.path = path
        self.field = field
        self.message = message


class InputError(ZkvmcError):
    """Bad inputs file or bad command-line usage that is not a source error."""

    exit_code = EXIT_USAGE


class NegativeResult(ZkvmcError):
    """A well-formed question whose answer is no: exit 1."""

    exit_code = EXIT_NEGATIVE


class InternalError(ZkvmcError):
    """A bug in zkvmc detected by a self-check (exit 3)."""

    exit_code = EXIT_INTERNAL
