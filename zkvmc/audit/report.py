"""The determinism layer of `zkvmc check`: zkvmc.audit.determinism's verdicts as Issues.

- a wire a second assignment changes is `under-constrained` (error) when that assignment also
  changes an output or any other wire; alone (nothing else depends on it in this witness,
  like IsZero's inverse hint of 0) it is a `free-hint` note;
- a wire neither proved unique nor shown free is `undetermined` (severity "unknown");
- when the compiler substituted private inputs away (Inputs.eliminated), a second assignment
  may change such an input unseen: its wires are `undetermined` instead of free.

Each issue names the wire (with its .sym name), the constraints it appears in, and its line.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkvmc.audit.determinism import Alternative, Determinism, analyse
from zkvmc.audit.inputs import Inputs, input_wires
from zkvmc.audit.issue import Issue
from zkvmc.audit.symbols import Symbols, short
from zkvmc.compiler.circuit import Circuit

MAX_LISTED = 5
"""Other wires named in one message before eliding."""


def _role(c: Circuit, w: int, syms: Symbols) -> str:
    """"output 0 (main.out, wire 1)" or "main.inv (wire 3)" or "wire 3"."""
    name = syms.names.get(w)
    if 1 <= w <= c.r1cs.n_outputs:
        return f"output {w - 1} ({name + ', ' if name else ''}wire {w})"
    return syms.label(w)


def _others(w: int, alt: Alternative, syms: Symbols) -> str:
    """", and changes main.a (wire 4), ... (N other wires)" for an alternative."""
    rest = sorted(set(alt.moved) - {w})
    if not rest:
        return ""
    shown = ", ".join(syms.label(u) for u in rest[:MAX_LISTED])
    more = f" and {len(rest) - MAX_LISTED} more" if len(rest) > MAX_LISTED else ""
    return f"; it also changes {shown}{more}"


def _occurrences(c: Circuit, wires: set[int]) -> dict[int, tuple[int, ...]]:
    """For each of `wires`, the constraints it appears in (one pass over the constraints)."""
    occ: dict[int, list[int]] = {w: [] for w in wires}
    for k, con in enumerate(c.r1cs.constraints):
        for w in {v for lc in (con.a, con.b, con.c) for v, _ in lc} & wires:
            occ[w].append(k)
    return {w: tuple(ks) for w, ks in occ.items()}


def _line(c: Circuit, ks: tuple[int, ...]) -> int:
    """The source line of the first of these constraints (0 if none or unknown)."""
    return c.lines[ks[0]] if ks and ks[0] < len(c.lines) else 0


def _free_issue(c: Circuit, w: int, value: int, alt: Alternative, syms: Symbols,
                ks: tuple[int, ...]) -> Issue:
    """A wire with a second value (ks: the constraints it appears in)."""
    line = _line(c, ks)
    outputs = [u for u in alt.moved if 1 <= u <= c.r1cs.n_outputs]
    what = (f"{_role(c, w, syms)} is not determined by the inputs: another assignment that "
            f"satisfies every constraint, with the same inputs, gives it {short(alt.moved[w])} "
            f"instead of {short(value)}{_others(w, alt, syms)}"
            f"{'' if ks else ' (it appears in no constraint)'}")
    if outputs or len(alt.moved) > 1:
        return Issue("under-constrained", "error", what, w, None, line, syms.names.get(w, ""), ks)
    return Issue("free-hint", "note", what + " (nothing else depends on it in this witness, e.g. "
                 "an IsZero inverse hint of 0)", w, None, line, syms.names.get(w, ""), ks)


def _unknown_issue(c: Circuit, w: int, syms: Symbols, why: str, ks: tuple[int, ...]) -> Issue:
    """A wire the analysis could not decide."""
    return Issue("undetermined", "unknown", f"{_role(c, w, syms)}: {why}", w, None, _line(c, ks),
                 syms.names.get(w, ""), ks)


UNSEARCHED = ("could not decide whether the inputs determine it: propagation found no proof "
              "of uniqueness and the search budget was spent before this wire")
NO_PROOF = ("could not decide whether the inputs determine it: propagation found no proof of "
            "uniqueness and the search found no second assignment")


def _eliminated_note(c: Circuit, inputs: Inputs, syms: Symbols) -> str:
    """Why a free wire is only undetermined when inputs were substituted away."""
    start = c.r1cs.n_public + 1
    gone = [syms.removed[i] for i in range(start, start + c.n_private_inputs) if i in syms.removed]
    return (f"another satisfying assignment changes it, but the compiler substituted "
            f"{inputs.eliminated} private input(s) away{' (' + ', '.join(gone) + ')' if gone else ''}"
            " and that assignment may give them other values; compile with circom --O1 to decide")


def determinism_issues(c: Circuit, w: Sequence[int], syms: Symbols | None = None, *,
                       trials: int = 4, seed: int = 0) -> list[Issue]:
    """Wires the inputs do not determine (w must satisfy the circuit), in wire order."""
    syms = syms or Symbols()
    inputs = input_wires(c)
    res: Determinism = analyse(c.r1cs, w, inputs.wires, trials=trials, seed=seed)
    out, unsearched = [], set(res.unsearched)
    occ = _occurrences(c, set(res.free) | set(res.unknown))
    for v in sorted(occ):
        if v in res.free and inputs.eliminated:
            out.append(_unknown_issue(c, v, syms, _eliminated_note(c, inputs, syms), occ[v]))
        elif v in res.free:
            out.append(_free_issue(c, v, w[v], res.alternatives[res.free[v]], syms, occ[v]))
        else:
            why = UNSEARCHED if v in unsearched else NO_PROOF
            out.append(_unknown_issue(c, v, syms, why, occ[v]))
    return out
