"""The generated Groth16Verifier in a real EVM (solcjs 0.8.28 -> pyrevm): for several example
programs a valid proof returns true and every tampered proof or signal returns false (never
reverts), and `zkvmc calldata`'s text is exactly the calldata the contract accepts.

Skipped only where node, the npm package solc or pyrevm is missing (`make node`, `make test`).
Gas of verifyProof is printed (`pytest -s`) and recorded as a junit property (docs/l1.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import pytest

from evm_support import SKIP_REASON, Call, Chain, calldata_gas, compile_solidity, ok, proved, selector
from zkvmc.artifacts.groth16_files import read_proof, read_public
from zkvmc.evm import VerifierArgs, abi_encode, verifier_args
from zkvmc.evm.encoding import Q
from zkvmc.field import R

pytestmark = [pytest.mark.node, pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")]

PROGRAMS = ["fib", "calls", "preimage", "state_update"]
"""2, 6, 1 and 2 public signals."""


@dataclass(frozen=True)
class Deployed:
    """A verifier deployed for one program, with that program's valid proof."""

    program: str
    """The example program."""
    dir: Path
    """Its proof directory (evm_support.proved)."""
    chain: Chain
    """The EVM it lives in."""
    address: str
    """The verifier's address."""
    selector: bytes
    """verifyProof's selector."""
    args: VerifierArgs
    """The valid proof and public signals."""

    def call(self, args: VerifierArgs) -> Call:
        return self.chain.call(self.address, self.selector + abi_encode(args))

    def verify(self, args: VerifierArgs) -> bool:
        return self.call(args).as_bool


@pytest.fixture(scope="module", params=PROGRAMS)
def deployed(request: pytest.FixtureRequest) -> Deployed:
    d = proved(request.param)
    ok(d, "export-verifier", "-o", "Verifier.sol")
    contract = compile_solidity((d / "Verifier.sol").read_text(), "Verifier.sol")["Groth16Verifier"]
    assert not contract.warnings, contract.warnings
    args = verifier_args(read_proof(str(d / "proof.json")), read_public(str(d / "public.json")))
    sig = f"verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[{len(args.inputs)}])"
    assert contract.method_ids[sig] == selector(sig).hex()  # our keccak agrees with solc's
    chain = Chain()
    return Deployed(request.param, d, chain, chain.deploy(contract.bytecode), selector(sig), args)


def test_valid_proof_returns_true(deployed: Deployed, record_property: Callable) -> None:
    res = deployed.call(deployed.args)
    assert res.as_bool is True
    data = deployed.selector + abi_encode(deployed.args)
    execution = res.gas_used - 21000 - calldata_gas(data)
    record_property(f"gas_verifyProof_{deployed.program}", res.gas_used)
    print(f"\n[gas] verifyProof {deployed.program} ({len(deployed.args.inputs)} public): "
          f"{res.gas_used} per transaction, {execution} execution")
    assert res.gas_used < 300_000 + 7_000 * len(deployed.args.inputs)


def test_every_public_signal_is_bound(deployed: Deployed) -> None:
    inputs = deployed.args.inputs
    for i in range(len(inputs)):
        wrong = inputs[:i] + ((inputs[i] + 1) % R,) + inputs[i + 1:]
        assert deployed.verify(replace(deployed.args, inputs=wrong)) is False, f"signal {i} not bound"


def test_signal_plus_r_returns_false(deployed: Deployed) -> None:
    # s + r is the same field element; accepting it would make proofs malleable on L1
    inputs = deployed.args.inputs
    assert deployed.verify(replace(deployed.args, inputs=(inputs[0] + R,) + inputs[1:])) is False


def _tampered(args: VerifierArgs) -> dict[str, VerifierArgs]:
    (ax, ay), ((bx1, bx0), (by1, by0)), (cx, cy) = args.a, args.b, args.c
    return {
        "A negated": replace(args, a=(ax, Q - ay)),
        "A off the curve": replace(args, a=(ax, (ay + 1) % Q)),
        "A x + q": replace(args, a=(ax + Q, ay)),
        "A y + q": replace(args, a=(ax, ay + Q)),
        "A infinity": replace(args, a=(0, 0)),
        "B in snarkjs's JSON order (real parts first)": replace(args, b=((bx0, bx1), (by0, by1))),
        "B off the curve": replace(args, b=((bx1, bx0), (by1, (by0 + 1) % Q))),
        "B coordinate + q": replace(args, b=((bx1 + Q, bx0), (by1, by0))),
        "C replaced by A": replace(args, c=args.a),
        "C negated": replace(args, c=(cx, Q - cy)),
        "C y + q": replace(args, c=(cx, cy + Q)),
        "A and C swapped": replace(args, a=args.c, c=args.a),
    }


@pytest.mark.parametrize("case", list(_tampered(VerifierArgs((1, 2), ((3, 4), (5, 6)), (7, 8), (9,)))))
def test_tampered_proof_returns_false(deployed: Deployed, case: str) -> None:
    res = deployed.call(_tampered(deployed.args)[case])
    assert res.success, f"{case}: reverted instead of returning false"
    assert res.as_bool is False, case


def test_proof_of_one_program_fails_for_another(deployed: Deployed) -> None:
    other = proved("fib" if deployed.program != "fib" else "state_update")
    foreign = verifier_args(read_proof(str(other / "proof.json")), read_public(str(other / "public.json")))
    n = len(deployed.args.inputs)
    inputs = (foreign.inputs + deployed.args.inputs)[:n]  # keep the arity the ABI wants
    assert deployed.verify(replace(foreign, inputs=inputs)) is False


def test_short_calldata_reverts_not_true(deployed: Deployed) -> None:
    data = deployed.selector + abi_encode(deployed.args)
    res = deployed.chain.call(deployed.address, data[:-32])
    assert not res.success


def test_zkvmc_calldata_text_is_what_the_contract_takes(deployed: Deployed) -> None:
    text = ok(deployed.dir, "calldata").stdout
    a, b, c, inputs = json.loads(f"[{text}]")
    words = [int(v, 16) for v in [*a, *b[0], *b[1], *c, *inputs]]
    data = deployed.selector + b"".join(w.to_bytes(32, "big") for w in words)
    assert deployed.chain.call(deployed.address, data).as_bool is True
    abi_hex = ok(deployed.dir, "calldata", "--abi").stdout.strip()
    assert bytes.fromhex(abi_hex.removeprefix("0x")) == data[4:]


def test_rescaled_proof_is_still_valid(deployed: Deployed) -> None:
    # (k*A, B/k, C) satisfies the same pairing equation: the contract does the real pairing
    # arithmetic, not a comparison with one known proof -- and proofs are malleable, which is
    # why the bridge keys its replay protection on the roots, not on the proof (docs/l1.md).
    from zkvmc.curve.adapter import CURVE_ORDER, reference_g1_mul, reference_g2_mul

    k = 0xC0FFEE
    (bx1, bx0), (by1, by0) = deployed.args.b
    a = reference_g1_mul(deployed.args.a, k)
    (x0, x1), (y0, y1) = reference_g2_mul(((bx0, bx1), (by0, by1)), pow(k, -1, CURVE_ORDER))
    moved = replace(deployed.args, a=(int(a[0]), int(a[1])), b=((int(x1), int(x0)), (int(y1), int(y0))))
    assert moved.a != deployed.args.a
    assert deployed.verify(moved) is True
    assert deployed.verify(replace(moved, c=deployed.args.a)) is False


def test_every_argument_word_is_checked(deployed: Deployed) -> None:
    # changing any one of the 8 + N words by 1 makes the proof invalid: nothing is ignored
    good = abi_encode(deployed.args)
    for i in range(len(good) // 32):
        w = int.from_bytes(good[32 * i: 32 * i + 32], "big")
        data = good[:32 * i] + (w ^ 1).to_bytes(32, "big") + good[32 * i + 32:]
        assert deployed.chain.call(deployed.address, deployed.selector + data).as_bool is False, f"word {i}"
