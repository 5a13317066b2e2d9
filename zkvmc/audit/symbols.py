"""Wire names for findings: circom's `.sym` file, and constraints written with those names.

A `.sym` line is `label,wire,component,name` (wire -1 when the compiler removed the signal);
`circom --sym` writes it next to the `.r1cs`. Without one, wires are called `wire N`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zkvmc.errors import ArtifactError
from zkvmc.field import R
from zkvmc.r1cs.system import LC, Constraint

MAX_TERMS = 6
"""Terms of a linear combination shown before eliding the rest."""


@dataclass(frozen=True)
class Symbols:
    """Names of wires (and of the signals the compiler removed)."""

    names: dict[int, str] = field(default_factory=dict)
    """wire -> the first signal name that lives on it."""
    removed: dict[int, str] = field(default_factory=dict)
    """label -> name of each signal with no wire (substituted away)."""

    def name(self, w: int) -> str:
        """The wire's signal name, or "wire N"."""
        if w == 0:
            return "1"
        return self.names.get(w, f"wire {w}")

    def label(self, w: int) -> str:
        """"name (wire N)" when a name is known, else "wire N"."""
        got = self.names.get(w)
        return f"{got} (wire {w})" if got else f"wire {w}"


def parse_sym(text: str, path: str, n_wires: int) -> Symbols:
    """The names in a `.sym` file's text (ArtifactError naming the line if malformed, or if a
    wire index does not fit a circuit of n_wires wires)."""
    names: dict[int, str] = {}
    removed: dict[int, str] = {}
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.strip().split(",", 3)
        try:
            label, wire = int(parts[0]), int(parts[1])
            name = parts[3]
        except (ValueError, IndexError):
            raise ArtifactError(path, f"line {i}", "expected label,wire,component,name") from None
        if wire >= n_wires or wire < -1:
            raise ArtifactError(path, f"line {i}", f"wire {wire} does not exist in a circuit of "
                                f"{n_wires} wires (is this the .sym of another circuit?)")
        if wire == -1:
            removed[label] = name
        else:
            names.setdefault(wire, name)
    return Symbols(names, removed)


def read_sym(path: str, n_wires: int) -> Symbols:
    """Read a circom `.sym` file (see parse_sym)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise ArtifactError(path, "", f"cannot read ({e.strerror})") from None
    except UnicodeDecodeError:
        raise ArtifactError(path, "", "not UTF-8 text") from None
    return parse_sym(text, path, n_wires)


def short(x: int) -> str:
    """A field element for a person: small ones in decimal (negative when close to r)."""
    if x < 1 << 40:
        return str(x)
    if R - x < 1 << 40:
        return f"-{R - x}"
    h = f"{x:x}"
    return f"0x{h[:6]}…{h[-4:]}"


def render_lc(lc: LC, syms: Symbols) -> str:
    """A linear combination as `3·a - b + 7` with the wires' names."""
    if not lc:
        return "0"
    out = []
    for i, (w, c) in enumerate(lc[:MAX_TERMS]):
        neg = R - c < c
        mag = R - c if neg else c
        if w == 0:
            term = short(mag)
        elif mag == 1:
            term = syms.name(w)
        else:
            term = f"{short(mag)}·{syms.name(w)}"
        sign = ("- " if neg else "+ ") if i else ("-" if neg else "")
        out.append(sign + term)
    if len(lc) > MAX_TERMS:
        out.append(f"+ … ({len(lc)} terms)")
    return " ".join(out)


def render_constraint(con: Constraint, syms: Symbols) -> str:
    """`(A) * (B) = C` with the wires' names."""
    return f"({render_lc(con.a, syms)}) * ({render_lc(con.b, syms)}) = {render_lc(con.c, syms)}"
