"""Users' keys and signatures against circomlibjs 0.1.7 run live (node + the repo's node_modules):
BLAKE-512 (npm blake-hash), prv2pub, signPoseidon / verifyPoseidon both ways, packPoint /
unpackPoint, and Poseidon(n) for n = 1 .. 6. The oracle is tests/node/eddsa_circomlibjs.cjs."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from zkvmc.crypto import babyjub as bj
from zkvmc.crypto.blake512 import blake512
from zkvmc.crypto.eddsa import (Signature, pack_point, pack_signature, prv2pub, sign_poseidon,
                                unpack_point, verify_poseidon)
from zkvmc.field import R
from zkvmc.hash.poseidon import poseidon

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "tests" / "node" / "eddsa_circomlibjs.cjs"
CIRCOMLIBJS = REPO / "node_modules" / "circomlibjs" / "package.json"

pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(shutil.which("node") is None, reason="node not installed"),
    pytest.mark.skipif(not CIRCOMLIBJS.exists(), reason="circomlibjs not installed (make node)"),
]

RNG = random.Random(0xEDD5A)
BLAKE_LENGTHS = sorted({0, 1, 111, 112, 127, 128, 129, 239, 240, 255, 256, 300}
                       | {RNG.randrange(301) for _ in range(30)})
BLAKE_MESSAGES = [RNG.randbytes(n) for n in BLAKE_LENGTHS]
KEYS = [RNG.randbytes(32) for _ in range(6)] + [bytes(32), b"\xff" * 32]
MSGS = [RNG.randrange(R) for _ in range(6)] + [0, R - 1]
"""KEYS[i] signs MSGS[i], by circomlibjs and by zkvmc."""
POINTS = [bj.mul_fast(bj.GENERATOR, RNG.randrange(bj.ORDER)) for _ in range(24)]
POINTS += [bj.neg(p) for p in POINTS[:4]] + [bj.BASE8, bj.GENERATOR]
POSEIDON_INPUTS = [[RNG.randrange(R) for _ in range(n)] for n in range(1, 7) for _ in range(3)]
POSEIDON_INPUTS += [[R - 1] * n for n in range(1, 7)] + [[0] * n for n in range(1, 7)]


def _ours() -> list[Signature]:
    return [sign_poseidon(k, m) for k, m in zip(KEYS, MSGS)]


def _dec(p: bj.Point) -> list[str]:
    return [str(p[0]), str(p[1])]


@pytest.fixture(scope="module")
def oracle() -> dict[str, Any]:
    """circomlibjs's answers to every question of this module, from one node run."""
    ours = _ours()
    tampered = [(m + 1) % R for m in MSGS]
    request = {
        "keys": [k.hex() for k in KEYS],
        "sign": [[k.hex(), str(m)] for k, m in zip(KEYS, MSGS)],
        "verify": [[str(m), *_dec(s.r8), str(s.s), *_dec(prv2pub(k))]
                   for msgs in (MSGS, tampered) for k, m, s in zip(KEYS, msgs, ours)],
        "pack": [_dec(p) for p in POINTS],
        "unpack": [pack_point(p).hex() for p in POINTS] + [pack_point(bj.IDENTITY).hex()],
        "poseidon": [[str(x) for x in xs] for xs in POSEIDON_INPUTS],
        "blake512": [m.hex() for m in BLAKE_MESSAGES],
    }
    done = subprocess.run(["node", str(SCRIPT)], input=json.dumps(request), capture_output=True,
                          text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_blake512_matches_blake_hash(oracle: dict[str, Any]) -> None:
    assert [blake512(m).hex() for m in BLAKE_MESSAGES] == oracle["blake512"]


def test_prv2pub_matches(oracle: dict[str, Any]) -> None:
    assert [_dec(prv2pub(k)) for k in KEYS] == oracle["pub"]


def test_circomlibjs_signatures_are_ours_and_verify_here(oracle: dict[str, Any]) -> None:
    for k, m, s, theirs in zip(KEYS, MSGS, _ours(), oracle["sig"]):
        sig = Signature((int(theirs["R8"][0]), int(theirs["R8"][1])), int(theirs["S"]))
        assert verify_poseidon(m, sig, prv2pub(k))
        assert sig == s
        assert pack_signature(s).hex() == theirs["packed"]


def test_our_signatures_verify_in_circomlibjs(oracle: dict[str, Any]) -> None:
    n = len(KEYS)
    assert oracle["verified"][:n] == [True] * n


def test_tampered_messages_fail_in_both(oracle: dict[str, Any]) -> None:
    # Negative twin: the same signatures over message + 1 are refused by circomlibjs and by us.
    n = len(KEYS)
    assert oracle["verified"][n:] == [False] * n
    assert not any(verify_poseidon((m + 1) % R, s, prv2pub(k)) for k, m, s in zip(KEYS, MSGS, _ours()))


def test_pack_point_matches(oracle: dict[str, Any]) -> None:
    assert [pack_point(p).hex() for p in POINTS] == oracle["packed"]
    assert {pack_point(p)[31] >> 7 for p in POINTS} == {0, 1}  # both signs exercised


def test_unpack_point_matches(oracle: dict[str, Any]) -> None:
    assert oracle["unpacked"][:-1] == [_dec(p) for p in POINTS]
    assert [unpack_point(bytes.fromhex(h)) for h in oracle["packed"]] == POINTS


def test_identity_refused_by_both(oracle: dict[str, Any]) -> None:
    assert oracle["unpacked"][-1] is None
    with pytest.raises(ValueError):
        unpack_point(pack_point(bj.IDENTITY))


def test_poseidon_n_matches(oracle: dict[str, Any]) -> None:
    assert [str(poseidon(xs)) for xs in POSEIDON_INPUTS] == oracle["hashes"]
    assert {len(xs) for xs in POSEIDON_INPUTS} == set(range(1, 7))


def test_circomlibjs_signatures_pass_the_eddsa_instruction(oracle: dict[str, Any]) -> None:
    """Signatures circomlibjs made pass `eddsa` in the VM and in the compiled circuit; the same
    signatures over message + 1 fault in both."""
    from compiler_support import asm, evaluate
    from zkvmc.artifacts.inputs import Inputs
    from zkvmc.compiler import compile_program
    from zkvmc.vm import run

    src = ".public 6\n" + "".join(f"read r{i}\n" for i in range(1, 7)) + "eddsa r1, r2, r3, r4, r5, r6\n"
    program = asm(src)
    circuit = compile_program(program, 2)
    for k, m, theirs in list(zip(KEYS, MSGS, oracle["sig"]))[:3]:
        ax, ay = prv2pub(k)
        for msg, good in ((m, True), ((m + 1) % R, False)):
            inputs = Inputs((ax, ay, int(theirs["S"]), int(theirs["R8"][0]), int(theirs["R8"][1]), msg), ())
            assert (run(program, inputs).fault is None) == good
            assert (evaluate(circuit, inputs).unsatisfied is None) == good
