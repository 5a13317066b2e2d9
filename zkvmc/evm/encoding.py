"""EVM encodings of Groth16 data for the BN254 precompiles (EIP-196 ecAdd/ecMul, EIP-197 ecPairing).

Takes zkvmc.groth16 proofs and public signals (affine points, decoded by zkvmc.curve.codec) and
gives 256-bit words in the order the precompiles read them: the ABI arguments of the generated
`verifyProof(a, b, c, input)` and the text `snarkjs zkey export soliditycalldata` prints.

Layout (EIP-196/197): a G1 point is (x, y), infinity (0, 0). An F_q2 element c0 + c1*i is two
words **imaginary part first**, (c1, c0), so a G2 point [[x_c0, x_c1], [y_c0, y_c1]] in snarkjs's
JSON becomes ((x_c1, x_c0), (y_c1, y_c0)) -- exactly what snarkjs's soliditycalldata does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from zkvmc.curve.adapter import FIELD_MODULUS
from zkvmc.curve.codec import g1_to_json, g2_to_json
from zkvmc.curve.types import G1Affine, G2Affine
from zkvmc.groth16.keys import Proof

Q: int = FIELD_MODULUS
"""BN254 base field modulus q: every point coordinate is below it."""

G1Words = tuple[int, int]
G2Words = tuple[tuple[int, int], tuple[int, int]]


def g1_words(p: G1Affine) -> G1Words:
    """A G1 point as the precompiles take it: (x, y); infinity (0, 0)."""
    x, y = g1_to_json(p)
    return int(x), int(y)


def g2_words(p: G2Affine) -> G2Words:
    """A G2 point as EIP-197 takes it: ((x_c1, x_c0), (y_c1, y_c0)), imaginary parts first."""
    (x0, x1), (y0, y1) = g2_to_json(p)
    return (int(x1), int(x0)), (int(y1), int(y0))


@dataclass(frozen=True)
class VerifierArgs:
    """The arguments of `verifyProof(uint[2] a, uint[2][2] b, uint[2] c, uint[N] input)`."""

    a: G1Words
    """Proof point A (G1)."""
    b: G2Words
    """Proof point B (G2), imaginary parts first."""
    c: G1Words
    """Proof point C (G1)."""
    inputs: tuple[int, ...]
    """Public signals: the program's outputs, then its public inputs (public.json's order)."""


def verifier_args(proof: Proof, public: Sequence[int]) -> VerifierArgs:
    """verifyProof's arguments for a zkvmc.groth16.Proof and its public signals."""
    return VerifierArgs(g1_words(proof.a), g2_words(proof.b), g1_words(proof.c), tuple(int(v) for v in public))


def words(args: VerifierArgs) -> list[int]:
    """Every argument word in ABI order: a, b row by row, c, then the inputs."""
    return [*args.a, *args.b[0], *args.b[1], *args.c, *args.inputs]


def abi_encode(args: VerifierArgs) -> bytes:
    """The ABI encoding of the arguments (no selector): all types are static, so 32-byte words."""
    return b"".join(w.to_bytes(32, "big") for w in words(args))


def _hex(v: int) -> str:
    return f'"0x{v:064x}"'


def _pair(p: tuple[int, int]) -> str:
    return f"[{_hex(p[0])}, {_hex(p[1])}]"


def soliditycalldata(args: VerifierArgs) -> str:
    """The text of `snarkjs zkey export soliditycalldata` (without its trailing newline)."""
    b = f"[{_pair(args.b[0])},{_pair(args.b[1])}]"
    inputs = ",".join(_hex(v) for v in args.inputs)
    return f"{_pair(args.a)},{b},{_pair(args.c)},[{inputs}]"
