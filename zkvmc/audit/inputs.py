"""Which wires are a circuit's inputs: the values the determinism analysis takes as given.

zkvmc's own circuits say it in their witness program (`input` steps, public and private
tapes); every other wire is computed and must be determined by them. A circuit imported from
an iden3 `.r1cs` without witness program has the iden3 layout: wire 0, nPubOut outputs,
nPubIn public inputs, then nPrvIn private inputs. circom --O2 may substitute a private input
away (its value becomes a linear combination of other wires) while the header still counts
it; circom's wire map (labels) tells which of those wires really hold inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkvmc.compiler.circuit import Circuit


@dataclass(frozen=True)
class Inputs:
    """The given wires of a circuit."""

    wires: tuple[int, ...]
    """Wire 0, the public inputs and the private inputs, ascending."""
    eliminated: int
    """Private inputs the header counts but no wire holds (substituted away by the compiler):
    a second assignment may change them unseen, so no wire can be shown free."""


def _circom_layout(c: Circuit) -> bool:
    """Whether the wire map is circom's: wires 0..nPublic carry labels 0..nPublic."""
    return all(c.wire_map[i] == i for i in range(c.r1cs.n_public + 1))


def input_wires(c: Circuit) -> Inputs:
    """The given wires of c (see the module docstring)."""
    r = c.r1cs
    public = range(r.n_outputs + 1, r.n_public + 1)
    if c.steps:
        where = {sig: i for i, sig in enumerate(c.wire_map)}
        tapes = [where[o] for s in c.steps if s.op == "input" for o in s.outs if o in where]
        return Inputs(tuple(sorted({0, *public, *tapes})), 0)
    start = r.n_public + 1
    room = range(start, min(start + c.n_private_inputs, r.n_wires))
    if _circom_layout(c):
        labels = range(start, start + c.n_private_inputs)
        private = [w for w in room if c.wire_map[w] in labels]
    else:
        private = list(room)
    return Inputs(tuple(sorted({0, *public, *private})), c.n_private_inputs - len(private))
