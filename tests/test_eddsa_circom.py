"""zkvmc's `eddsa` gadget against circomlib's EdDSAPoseidonVerifier, both compiled here.

circom2 (WebAssembly circom 2.2.3, pinned in package.json) compiles circomlib 2.0.5's
`EdDSAPoseidonVerifier` with --O2; zkvmc compiles one `eddsa` on run-time operands at O2. The
issue allows zkvmc at most 1.25x circomlib's count, and docs/compiler.md records both counts.
Skipped only when node or the npm packages are missing (`make node` installs them).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from compiler_support import asm
from zkvmc.compiler import compile_program

REPO = Path(__file__).resolve().parent.parent
CIRCOM2 = REPO / "node_modules" / ".bin" / "circom2"
CIRCOMLIB = REPO / "node_modules" / "circomlib" / "circuits"
DOC = REPO / "docs" / "compiler.md"

pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(shutil.which("node") is None, reason="node not installed"),
    pytest.mark.skipif(not CIRCOM2.exists() or not CIRCOMLIB.exists(), reason="circom2/circomlib not installed (make node)"),
]

MAIN = """pragma circom 2.0.0;
include "circomlib/eddsaposeidon.circom";
component main {public [Ax, Ay, S, R8x, R8y, M]} = EdDSAPoseidonVerifier();
"""


def circomlib_count(tmp: Path) -> int:
    """Constraints circom --O2 gives EdDSAPoseidonVerifier (circom2 sees only its working folder)."""
    shutil.copytree(CIRCOMLIB, tmp / "circomlib")
    (tmp / "eddsa.circom").write_text(MAIN)
    res = subprocess.run([str(CIRCOM2), "eddsa.circom", "--r1cs", "--O2", "-o", "."], cwd=tmp,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    text = re.sub(r"\x1b\[[0-9;]*m", "", res.stdout)
    counts = [int(n) for n in re.findall(r"(?:non-linear|linear) constraints: (\d+)", text)]
    assert len(counts) == 2, text
    return sum(counts)


def zkvmc_count() -> int:
    src = "".join(f"secret r{i}\n" for i in range(1, 7)) + "eddsa r1, r2, r3, r4, r5, r6\n"
    return len(compile_program(asm(src), 2).r1cs.constraints)


def test_eddsa_costs_at_most_a_quarter_more_than_circomlib(tmp_path: Path) -> None:
    theirs, ours = circomlib_count(tmp_path), zkvmc_count()
    assert ours <= 1.25 * theirs, (ours, theirs)
    doc = DOC.read_text()
    assert f"**{theirs:,}**" in doc and f"**{ours:,}**" in doc, "docs/compiler.md's eddsa counts are stale"
