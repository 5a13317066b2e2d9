"""Poseidon against circomlibjs 0.1.7 run live (node + the repo's node_modules; `make node`)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from zkvmc.field import R
from zkvmc.hash import grain
from zkvmc.hash.poseidon import MDS, ROUND_CONSTANTS_FLAT, poseidon2

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "tests" / "node" / "poseidon_circomlibjs.cjs"
CIRCOMLIBJS = REPO / "node_modules" / "circomlibjs" / "package.json"

# circomlibjs's N_ROUNDS_P for t = 2 .. 17 (src/poseidon_reference.js); R_F = 8 throughout.
PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68]

pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(shutil.which("node") is None, reason="node not installed"),
    pytest.mark.skipif(not CIRCOMLIBJS.exists(), reason="circomlibjs not installed (make node)"),
]


def _pairs() -> list[tuple[int, int]]:
    """Random pairs plus edge values, seeded so a failure reproduces."""
    rng = random.Random(0x9053)
    edges = [(0, 0), (1, 2), (R - 1, R - 1), (R - 1, 0), (0, R - 1), (2**64 - 1, 2**64)]
    return edges + [(rng.randrange(R), rng.randrange(R)) for _ in range(40)] + [
        (rng.randrange(2**64), rng.randrange(2**64)) for _ in range(10)
    ]


@pytest.fixture(scope="module")
def oracle() -> dict[str, Any]:
    """circomlibjs's hashes of `_pairs()` and its constant tables, from one node run."""
    request = {"pairs": [[str(a), str(b)] for a, b in _pairs()]}
    done = subprocess.run(
        ["node", str(SCRIPT)], input=json.dumps(request), capture_output=True, text=True,
        timeout=120, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_hashes_match_circomlibjs(oracle: dict[str, Any]) -> None:
    ours = [str(poseidon2(a, b)) for a, b in _pairs()]
    assert ours == oracle["hashes"]
    assert oracle["reference"] == oracle["hashes"]


def test_different_inputs_do_not_match(oracle: dict[str, Any]) -> None:
    # Negative twin: swapping each pair's inputs must not reproduce circomlibjs's hash.
    swapped = [str(poseidon2(b, a)) for a, b in _pairs() if a != b]
    expected = [h for (a, b), h in zip(_pairs(), oracle["hashes"]) if a != b]
    assert all(s != e for s, e in zip(swapped, expected))


def test_t3_constants_match_circomlibjs_tables(oracle: dict[str, Any]) -> None:
    assert [int(c) for c in oracle["C"][1]] == list(ROUND_CONSTANTS_FLAT)
    assert [[int(m) for m in row] for row in oracle["M"][1]] == [list(row) for row in MDS]


def test_t3_constants_differ_from_t2_tables(oracle: dict[str, Any]) -> None:
    # Negative twin: the comparison above can fail (another width's table is different).
    assert [int(c) for c in oracle["C"][0][:3]] != list(ROUND_CONSTANTS_FLAT[:3])


@pytest.mark.parametrize("t", [2, 4, 5])
def test_grain_reproduces_other_widths(oracle: dict[str, Any], t: int) -> None:
    # The same derivation must give circomlibjs's tables for other widths too (not tuned to t = 3).
    params = grain.generate(R, 254, t, 8, PARTIAL_ROUNDS[t - 2])
    assert [int(c) for c in oracle["C"][t - 2]] == list(params.round_constants)
    assert [[int(m) for m in row] for row in oracle["M"][t - 2]] == [list(r) for r in params.mds]
