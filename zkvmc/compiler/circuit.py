"""The compiled circuit: an R1CS plus the witness program that computes every wire.

The witness program runs over *signals* (every value the lowering created, signal 0 = 1);
the optimiser then removes some of them from the R1CS, so wire i of the final R1CS holds
signal wire_map[i]. `zkvmc witness` needs only this and the inputs, not the source.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.r1cs.system import LC, R1CS


@dataclass(frozen=True)
class Step:
    """One witness-program step: computes signals `outs` from earlier signals."""

    op: str
    """Step kind, a key of zkvmc.witness.steps.STEP_KINDS (e.g. "input", "lc", "mul", "inv0")."""
    outs: tuple[int, ...]
    """Signals this step writes."""
    args: tuple[LC, ...]
    """Linear combinations over earlier signals that it reads."""
    params: tuple[int, ...] = ()
    """Integer parameters (tape and index for inputs, bit count, ...)."""


@dataclass(frozen=True)
class Circuit:
    """A compiled program, ready for setup, witness generation and proving."""

    r1cs: R1CS
    """The final constraint system (after optimisation)."""
    n_signals: int
    """Number of signals the witness program computes (signal 0 is the constant 1)."""
    steps: tuple[Step, ...]
    """The witness program, in execution order."""
    wire_map: tuple[int, ...]
    """Final wire i holds signal wire_map[i]; len == r1cs.n_wires, wire_map[0] == 0."""
    lines: tuple[int, ...]
    """Source line of each constraint of r1cs (0 when not tied to a line)."""
    line_text: tuple[tuple[int, str], ...]
    """(line, instruction text) for every line in `lines`, sorted by line."""
    n_private_inputs: int
    """Length of the private tape the program consumes."""
    source: str
    """Source file name."""
    source_digest: str
    """sha256 of the source text."""
    stats: tuple[tuple[str, int], ...] = ()
    """Compile statistics, e.g. (("constraints_before", n), ("constraints_after", m))."""

    def text_of_line(self, line: int) -> str:
        """The instruction text of a source line ("" if unknown)."""
        for ln, text in self.line_text:
            if ln == line:
                return text
        return ""
