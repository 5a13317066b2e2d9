"""Groth16BatchVerifier.verifyBatch (zkvmc.evm.batch_verifier) in pyrevm: k proofs of one key
accepted with one ecPairing call, and false -- never a revert -- for one tampered proof among k,
a signal changed or + r, a proof of another key, reordered signals, k = 0, mismatched lengths and
a point off the curve; the Python mirror of its Fiat-Shamir scalars agrees with it."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from evm_support import SKIP_REASON, Chain, compile_solidity, selector
from zkvmc.backend import get_backend
from zkvmc.evm.batch_verifier import batch_verifier_contract, transcript_scalars
from zkvmc.evm.encoding import verifier_args
from zkvmc.evm.verifier import render_verifier
from zkvmc.field import R
from zkvmc.groth16 import prove, setup, verify
from zkvmc.groth16.batch import batch_pairs
from zkvmc.r1cs.system import R1CS, Constraint

pytestmark = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")

MUL = R1CS(4, 1, 1, (Constraint(((2, 1),), ((3, 1),), ((1, 1),)),))
"""x * y = z: z public output, x public input, y private."""
TYPES = ["uint256[2][]", "uint256[2][2][]", "uint256[2][]", "uint256[2][]"]


class Deployed:
    """The batch verifier of one key in pyrevm, and proofs of that key and of another."""

    def __init__(self) -> None:
        rng = random.Random(21)
        pk, self.vk = setup(MUL, rng)
        ws = [[1, x * y % R, x, y] for x, y in ((rng.randrange(R), rng.randrange(R)) for _ in range(4))]
        self.proofs = [prove(pk, MUL, w, rng) for w in ws]
        self.publics = [w[1:3] for w in ws]
        self.foreign = prove(setup(MUL, random.Random(22))[0], MUL, ws[0], rng)
        source = render_verifier(self.vk, "test") + batch_verifier_contract(self.vk)
        self.chain = Chain()
        self.address = self.chain.deploy(compile_solidity(source, "Verifier.sol")["Groth16BatchVerifier"].bytecode)

    def call(self, proofs: list[Any], publics: list[list[int]]) -> Any:
        """verifyBatch(a, b, c, input) on these proofs and signals."""
        args = [verifier_args(p, x) for p, x in zip(proofs, publics)]
        return self.raw([list(x.a) for x in args], [[list(x.b[0]), list(x.b[1])] for x in args],
                        [list(x.c) for x in args], [list(x.inputs) for x in args])

    def raw(self, *arrays: Any) -> Any:
        from eth_abi import encode

        data = selector("verifyBatch(uint256[2][],uint256[2][2][],uint256[2][],uint256[2][])") + encode(TYPES, arrays)
        return self.chain.call(self.address, data)


@pytest.fixture(scope="module")
def v() -> Deployed:
    return Deployed()


def test_k_valid_proofs_are_accepted_and_python_agrees(v: Deployed) -> None:
    be = get_backend()
    for k in (1, 2, 4):
        res = v.call(v.proofs[:k], v.publics[:k])
        assert res.as_bool is True, res
        rs = transcript_scalars(v.publics[:k], v.proofs[:k])
        assert be.pairing_product_is_one(batch_pairs(v.vk, v.publics[:k], v.proofs[:k], rs, be))
    assert transcript_scalars(v.publics, v.proofs) != transcript_scalars(v.publics[::-1], v.proofs[::-1])


def test_one_bad_proof_or_signal_among_k_is_rejected(v: Deployed) -> None:
    be = get_backend()
    bad_c = [*v.proofs[:2], replace(v.proofs[2], c=v.proofs[0].c), v.proofs[3]]
    changed = [list(x) for x in v.publics]
    changed[3][1] = (changed[3][1] + 1) % R
    plus_r = [list(x) for x in v.publics]
    plus_r[1][0] += R
    for proofs, publics in ((bad_c, v.publics), (v.proofs, changed), (v.proofs, plus_r),
                            ([v.foreign, *v.proofs[1:]], v.publics), (v.proofs, [v.publics[1], v.publics[0],
                                                                              *v.publics[2:]])):
        res = v.call(proofs, publics)
        assert res.revert_reason is None and res.as_bool is False
    assert not verify(v.vk, v.publics[0], v.foreign)
    rs = transcript_scalars(v.publics, bad_c)  # what the contract derived: the product is not 1
    assert not be.pairing_product_is_one(batch_pairs(v.vk, v.publics, bad_c, rs, be))


def test_empty_mismatched_and_off_curve_inputs_give_false(v: Deployed) -> None:
    args = [verifier_args(p, x) for p, x in zip(v.proofs[:2], v.publics[:2])]
    a, b = [list(x.a) for x in args], [[list(x.b[0]), list(x.b[1])] for x in args]
    c, inputs = [list(x.c) for x in args], [list(x.inputs) for x in args]
    assert v.raw(a, b, c, inputs).as_bool is True
    for arrays in (([], [], [], []), (a[:1], b, c, inputs), (a, b, c, inputs[:1]), (a, b[:1], c, inputs),
                   ([a[0], [1, 3]], b, c, inputs), (a, b, [c[0], [a[1][0], a[1][1] + 1]], inputs)):
        res = v.raw(*arrays)
        assert res.revert_reason is None and res.as_bool is False, arrays
