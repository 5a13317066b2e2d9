"""The errors every stage raises, and the exit code each maps to.

Exit codes (the one place they are defined; docs/cli.md repeats them):
0 ok · 1 negative result (proof rejected, constraints unsatisfied, program fault)
2 usage or input error (syntax, check, malformed artefact) · 3 internal error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for an annotation: errors.py imports no stage
    from zkvmc.audit.issue import Issue

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


# ---- the stages' errors: each defined here once; the stage modules re-export them by their old
# names (e.g. zkvmc.groth16.keys.KeyMismatch). Exit code by base class: InputError/ArtifactError 2,
# NegativeResult 1, InternalError 3.

class InvalidValue(InputError, ValueError):
    """A value outside its domain: not an ASCII decimal, not below the modulus, a wrong length,
    an unknown unit (exit 2). Also a ValueError, so parsers that add a file and field to it by
    catching ValueError keep working."""


class ApiMisuse(InternalError, ValueError):
    """A library function called against its documented contract (mismatched lengths, an unknown
    level, a used-up overlay): a bug in the calling code, exit 3. Also a ValueError."""


class MalformedProgram(InternalError, ValueError):
    """A Program the assembler should never have produced (an unknown op, a label where a register
    belongs): zkvmc.vm refuses it up front, a bug upstream and not a program fault (exit 3)."""


class CodecError(InputError, ValueError):
    """A malformed encoded curve point (exit 2): `where` is the path inside the value, e.g. "[0][1]".
    Also a ValueError, as before it moved here."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


class MalformedInput(InputError):
    """A proof, key or public input that is not even well-formed (exit 2), as opposed to a
    well-formed proof that fails the pairing check (verify returns False, exit 1)."""


class KeyMismatch(InputError):
    """A key used with a circuit or witness it was not made for (exit 2)."""


class UnsupportedKey(InputError):
    """A verification key the generated Solidity contract cannot serve, e.g. no public signals
    (exit 2); `field` names the key's field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Unsatisfied(NegativeResult):
    """No satisfying assignment: the inputs make the VM fault, or a witness violates a constraint,
    so no valid proof exists (exit 1). The message names the constraint and its source line."""


class WitnessRejected(Unsatisfied):
    """The witness given to the validator (zkvmc.audit.validate_constraints) does not satisfy the
    circuit (exit 1)."""


class CircuitRejected(NegativeResult):
    """The validator refused a circuit (exit 1); `issues` holds every finding."""

    def __init__(self, message: str, issues: list[Issue]) -> None:
        super().__init__(message)
        self.issues = issues


class MalformedCircuit(CircuitRejected):
    """The constraint system is unusable: bad terms, indices, coefficients or layout (exit 1)."""


class UnderConstrained(CircuitRejected):
    """Some wire is not determined by the inputs: a second satisfying assignment exists (exit 1)."""


class Undetermined(CircuitRejected):
    """The analysis could neither prove every wire determined nor find a second assignment (exit 1)."""


class TxDecodeError(InputError):
    """Bytes that are not an encoded rollup transaction (exit 2); `word` names the offending word
    ("" for the length)."""

    def __init__(self, word: str, message: str) -> None:
        super().__init__(f"transaction data: {word}: {message}" if word else f"transaction data: {message}")
        self.word = word
        self.message = message


class TxRejected(NegativeResult):
    """A well-formed transaction that does not apply to the state (exit 1): `code` (one of
    zkvmc.rollup.validate.CODES) and `reason` (a sentence)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"transaction rejected ({code}): {reason}")
        self.code = code
        self.reason = reason


class StaleRoot(NegativeResult):
    """A batch was asked for against a root that is not the current one (exit 1)."""


class L1Error(NegativeResult):
    """The L1 said no (exit 1): a transaction reverted (`reason` is the contract's revert reason)
    or would."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


class L1Unavailable(L1Error):
    """The L1 did not answer (connection refused, timeout, transaction not mined in time): a
    caller may retry (exit 1)."""


class L1Mismatch(InputError):
    """The bridge's state is not one this rollup folder can follow: another rollup, or lost data
    (exit 2)."""


class NodeRefused(NegativeResult):
    """The rollup node answered with an error (exit 1): `status`, `code`, `reason`."""

    def __init__(self, status: int, code: str, reason: str) -> None:
        super().__init__(f"the node refused ({code}): {reason}")
        self.status, self.code, self.reason = status, code, reason


class NodeUnreachable(InputError):
    """No usable answer from the node's URL (exit 2)."""


class MempoolFull(NegativeResult):
    """The node holds max_mempool pending transactions already (HTTP 503, exit 1)."""


class NodeUnavailable(NegativeResult):
    """The node could not record a transaction (its database failed); nothing was acknowledged
    (exit 1)."""


class CeremonyInvalid(NegativeResult):
    """A phase-2 key whose contributions or sections do not check out against its circuit and
    powers of tau (exit 1); the message names the first bad contribution or section."""


class StaleContext(StaleRoot):
    """A rollup Runtime context whose root or previous proof is not the rollup's current one (exit 1)."""


class MalformedAggregate(MalformedInput):
    """A field of an aggregate proof is ill-formed (exit 2): `field` names it, e.g. "rounds[1].zab_l"."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"aggregate: {field}: {message}")
        self.field = field
        """Where in the aggregate."""
        self.message = message
        """What is wrong."""


class MalformedEntry(MalformedInput):
    """Proof `index` of a batch (or its public signals) is ill-formed (exit 2)."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(f"proof {index}: {message}")
        self.index = index
        """The 0-based place of the ill-formed proof in the batch."""
        self.message = message
        """What is wrong with it (verify.validate's message)."""


class BadSRS(MalformedInput):
    """The aggregation SRS's verifier points are not the first powers of two secrets (exit 2)."""
