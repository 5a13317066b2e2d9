"""Shared material for the ceremony and .zkey tests: small powers-of-tau files made with snarkjs
in the test session (nothing downloaded) and one small circuit with its witness.

`materials(tmp_path_factory)` builds them once per session (memoised, so test_ceremony.py and
test_zkey.py share one set): a 2^8 ceremony with one contribution, unprepared and prepared
(`powersoftau prepare phase2`), a second, unrelated 2^8 ceremony (the "ptau from another
ceremony" negative twin), and programs/popcount compiled, exported as .r1cs and solved into a
witness (.json and .wtns).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli_support import REPO, run_in, snarkjs_ok

POWER = 8


@dataclass(frozen=True)
class Materials:
    """Paths of the session's shared files."""

    dir: Path
    """The folder holding them."""
    ptau: Path
    """A 2^8 ceremony after one contribution, not prepared (no Lagrange sections)."""
    ptau_prepared: Path
    """The same ceremony after `powersoftau prepare phase2`."""
    ptau_other: Path
    """Another ceremony's prepared 2^8 file (its random first tau, no contribution)."""
    circuit: Path
    """popcount's circuit file."""
    r1cs: Path
    """Its .r1cs."""
    witness: Path
    """Its witness file."""
    wtns: Path
    """Its .wtns."""


def zk_ok(cwd: Path, *args: str) -> str:
    res = run_in(cwd, *args)
    assert res.returncode == 0, f"zkvmc {' '.join(args)}: {res.stderr}"
    return res.stdout


_CACHE: dict[str, Materials] = {}


def _ceremony(d: Path, name: str, entropy: str | None) -> Path:
    """A fresh 2^POWER ceremony (with one contribution when entropy is given), and its prepared twin."""
    snarkjs_ok(d, "powersoftau", "new", "bn128", str(POWER), f"{name}_0.ptau" if entropy else f"{name}.ptau")
    if entropy:
        snarkjs_ok(d, "powersoftau", "contribute", f"{name}_0.ptau", f"{name}.ptau", "--name=t", f"-e={entropy}")
    snarkjs_ok(d, "powersoftau", "prepare", "phase2", f"{name}.ptau", f"{name}_prepared.ptau")
    return d / f"{name}.ptau"


def materials(factory: pytest.TempPathFactory) -> Materials:
    """Build (once per session) the ptau files and the circuit."""
    if "m" not in _CACHE:
        d = factory.mktemp("ceremony")
        _ceremony(d, "pot", "first ceremony")
        _ceremony(d, "other", None)
        zk_ok(d, "compile", str(REPO / "programs" / "popcount.asm"), "-o", "pc.r1cs.json")
        zk_ok(d, "export", "r1cs", "pc.r1cs.json", "-o", "pc.r1cs")
        zk_ok(d, "witness", "-c", "pc.r1cs.json", "-i", str(REPO / "programs" / "popcount.input.json"),
              "-o", "pc.witness.json")
        zk_ok(d, "export", "wtns", "pc.witness.json", "-o", "pc.wtns")
        _CACHE["m"] = Materials(d, d / "pot.ptau", d / "pot_prepared.ptau", d / "other_prepared.ptau",
                                d / "pc.r1cs.json", d / "pc.r1cs", d / "pc.witness.json", d / "pc.wtns")
    return _CACHE["m"]


def workdir(m: Materials, tmp_path: Path) -> Path:
    """tmp_path with the circuit, witness and ptau files copied in (tests write next to them)."""
    for p in (m.circuit, m.r1cs, m.witness, m.wtns, m.ptau, m.ptau_prepared, m.ptau_other):
        shutil.copy(p, tmp_path / p.name)
    return tmp_path
