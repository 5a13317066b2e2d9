"""The circuit validator on circuits we did not write (issue 16).

circom2 (WebAssembly circom 2.2.3, pinned in package.json) compiles the corpus in tests/circom/
— textbook under-constrained circuits, each with a sound twin, and circomlib's sound templates
— its wasm computes the witnesses, `zkvmc import r1cs/wtns` brings them in and `zkvmc check
--sym` must flag every under-constrained one (exit 1, naming the free outputs and the
constraints that leave them free) and pass every sound one (exit 0). All compilations run in
parallel, once per module. Skipped only when node or the npm packages are missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from cli_support import run_in
from zkvmc.artifacts.iden3_r1cs import read_r1cs_binary
from zkvmc.artifacts.iden3_wtns import read_wtns
from zkvmc.audit import Undetermined, UnderConstrained, check_witness, read_sym, validate_constraints
from zkvmc.crypto.eddsa import prv2pub, sign_poseidon
from zkvmc.field import R
from zkvmc.hash.poseidon import poseidon

REPO = Path(__file__).resolve().parent.parent
CIRCOM2 = REPO / "node_modules" / ".bin" / "circom2"
CIRCOMLIB = REPO / "node_modules" / "circomlib" / "circuits"
CORPUS = Path(__file__).resolve().parent / "circom"

pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(shutil.which("node") is None, reason="node not installed"),
    pytest.mark.skipif(not CIRCOM2.exists() or not CIRCOMLIB.exists(), reason="circom2/circomlib not installed (make node)"),
]


def eddsa_input() -> dict[str, Any]:
    """A valid EdDSA-Poseidon signature (circomlibjs-compatible, zkvmc.crypto.eddsa)."""
    msg, prv = 1234567, bytes(range(32))
    sig, (ax, ay) = sign_poseidon(prv, msg), prv2pub(prv)
    return {"enabled": "1", "Ax": str(ax), "Ay": str(ay), "S": str(sig.s), "R8x": str(sig.r8[0]),
            "R8y": str(sig.r8[1]), "M": str(msg)}


def smt_input() -> dict[str, Any]:
    """Inclusion of key 5 in a 10-level Poseidon SMT holding keys 1, 3 and 5."""
    leaf = {k: poseidon([k, 11 * k, 1]) for k in (1, 3, 5)}
    low = poseidon([leaf[1], leaf[5]])  # keys 1 and 5 part at bit 2
    root = poseidon([0, poseidon([low, leaf[3]])])  # all three have bit 0 = 1; 3 has bit 1 = 1
    siblings = [0, leaf[3], leaf[1]] + [0] * 7
    return {"enabled": "1", "root": str(root), "siblings": [str(s) for s in siblings], "oldKey": "0",
            "oldValue": "0", "isOld0": "0", "key": "5", "value": "55", "fnc": "0"}


BITS = [f"main.out[{i}]" for i in range(8)]
# (circuit, --O level, witness name, inputs, verdict, signals that must be flagged under-constrained)
CASES: list[tuple[str, int, str, dict[str, Any], str, list[str]]] = [
    ("bits_unchecked", 1, "six", {"in": "6"}, "findings", BITS),
    ("bits_checked", 1, "six", {"in": "6"}, "clean", []),
    ("iszero_unchecked", 1, "six", {"in": "6"}, "findings", ["main.out", "main.inv"]),
    ("iszero_checked", 1, "six", {"in": "6"}, "clean", []),
    ("iszero_checked", 1, "zero", {"in": "0"}, "clean", []),  # inv is a free hint: a note
    ("lessthan_unchecked", 1, "lt", {"in": ["3", "5"]}, "findings", ["main.out"]),
    ("lessthan_checked", 1, "lt", {"in": ["3", "5"]}, "clean", []),
    ("hint_output", 1, "three", {"x": "3"}, "findings", ["main.out"]),
    ("hint_output_checked", 1, "three", {"x": "3"}, "clean", []),
    ("division_unchecked", 1, "zero", {"a": "0", "b": "0"}, "findings", ["main.q"]),
    ("division_unchecked", 1, "nonzero", {"a": "6", "b": "3"}, "clean", []),  # the bug needs b = 0
    ("division_checked", 1, "nonzero", {"a": "6", "b": "3"}, "clean", []),
    ("bits_alias", 1, "five", {"in": "5"}, "findings", ["main.out[0]", "main.out[253]"]),
    ("bits_strict", 1, "five", {"in": "5"}, "clean", []),
    ("circomlib_num2bits", 1, "x", {"in": "4660"}, "clean", []),
    ("circomlib_poseidon", 1, "x", {"inputs": ["1", "2", "3", "4", "5"]}, "clean", []),
    ("circomlib_eddsa", 1, "sig", eddsa_input(), "clean", []),
    ("circomlib_smt", 1, "proof", smt_input(), "clean", []),
    # --O2 substitutes linear constraints away: the elimination stage must see through it.
    ("circomlib_eddsa", 2, "sig", eddsa_input(), "clean", []),
    ("lessthan_checked", 2, "lt", {"in": ["3", "5"]}, "clean", []),
    ("iszero_unchecked", 2, "six", {"in": "6"}, "findings", ["main.out"]),
    # ... and may substitute a private input away (`in` = sum of the bits): undecidable here.
    ("bits_checked", 2, "six", {"in": "6"}, "inconclusive", []),
]


def _run(cwd: Path, *args: str) -> None:
    res = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, " ".join(args) + "\n" + res.stdout + res.stderr


def _build(root: Path, name: str, level: int, witnesses: list[tuple[str, dict[str, Any]]]) -> None:
    """Compile one circuit at one level and compute its witnesses (circom2 sees only its folder)."""
    d = root / f"O{level}"
    _run(d, str(CIRCOM2), f"{name}.circom", "--r1cs", "--wasm", "--sym", f"--O{level}", "-o", ".")
    js = d / f"{name}_js"
    for tag, inputs in witnesses:
        (d / f"{name}.{tag}.json").write_text(json.dumps(inputs))
        _run(d, "node", str(js / "generate_witness.js"), str(js / f"{name}.wasm"), f"{name}.{tag}.json",
             f"{name}.{tag}.wtns")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every circuit of CASES compiled, with its witnesses, under O1/ and O2/."""
    root = tmp_path_factory.mktemp("validator")
    jobs: dict[tuple[str, int], list[tuple[str, dict[str, Any]]]] = {}
    for name, level, tag, inputs, _, _ in CASES:
        jobs.setdefault((name, level), []).append((tag, inputs))
    for level in {lv for _, lv in jobs}:
        d = root / f"O{level}"
        shutil.copytree(CIRCOMLIB, d / "circomlib")
        for f in CORPUS.glob("*.circom"):
            shutil.copy(f, d)
    # the biggest first, so the two-core machine is never left with one long job
    order = sorted(jobs, key=lambda j: not j[0].startswith("circomlib"))
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 2)) as pool:
        for f in [pool.submit(_build, root, name, level, jobs[(name, level)]) for name, level in order]:
            f.result()
    return root


def _check(built: Path, name: str, level: int, tag: str, *extra: str) -> tuple[int, dict[str, Any]]:
    d = built / f"O{level}"
    circuit, witness = f"{name}.c.json", f"{name}.{tag}.w.json"
    assert run_in(d, "import", "r1cs", f"{name}.r1cs", "-o", circuit).returncode == 0
    res = run_in(d, "import", "wtns", f"{name}.{tag}.wtns", "-c", circuit, "-o", witness)
    assert res.returncode == 0, res.stderr
    res = run_in(d, "check", circuit, "-w", witness, "--sym", f"{name}.sym", "--json", *extra)
    return res.returncode, json.loads(res.stdout)


@pytest.mark.parametrize("name, level, tag, inputs, verdict, flagged", CASES,
                         ids=[f"{c[0]}-O{c[1]}-{c[2]}" for c in CASES])
def test_corpus_verdicts(built: Path, name: str, level: int, tag: str, inputs: dict[str, Any],
                         verdict: str, flagged: list[str]) -> None:
    code, report = _check(built, name, level, tag)
    assert report["verdict"] == verdict, report["findings"][:3]
    assert code == (0 if verdict == "clean" else 1)
    loose = {f["name"]: f for f in report["findings"] if f["kind"] == "under-constrained"}
    for signal in flagged:
        f = loose.get(signal)
        assert f is not None, (signal, sorted(loose))
        # the constraints that leave it free, written with the .sym names
        assert f["constraints"] or "appears in no constraint" in f["message"]
        assert all("main." in t for t in f["constraint_text"])
    if verdict == "clean":
        assert all(f["severity"] == "note" and f["kind"] == "free-hint" for f in report["findings"])


def test_free_hint_of_zero_is_a_note_naming_the_inverse(built: Path) -> None:
    code, report = _check(built, "iszero_checked", 1, "zero")
    assert code == 0 and [(f["kind"], f["name"]) for f in report["findings"]] == [("free-hint", "main.inv")]


def test_inconclusive_is_never_clean_and_can_be_allowed(built: Path) -> None:
    code, report = _check(built, "bits_checked", 2, "six")
    assert code == 1 and not report["clean"]
    assert {f["severity"] for f in report["findings"]} == {"unknown"}
    assert all("substituted 1 private input(s) away (main.in)" in f["message"] for f in report["findings"])
    code, report = _check(built, "bits_checked", 2, "six", "--allow-unknown")
    assert code == 0 and report["verdict"] == "inconclusive"


def test_text_output_names_wires_and_constraints(built: Path) -> None:
    d = built / "O1"
    _check(built, "iszero_unchecked", 1, "six")
    res = run_in(d, "check", "iszero_unchecked.c.json", "-w", "iszero_unchecked.six.w.json",
                 "--sym", "iszero_unchecked.sym")
    assert res.returncode == 1 and "findings: 2 finding(s)" in res.stderr
    assert "output 0 (main.out, wire 1) is not determined by the inputs" in res.stdout
    assert "constraint 0: (main.in) * (main.inv) = 1 - main.out" in res.stdout


def test_python_api_on_imported_circuits(built: Path) -> None:
    d = built / "O1"
    broken = read_r1cs_binary(str(d / "iszero_unchecked.r1cs"))
    w = read_wtns(str(d / "iszero_unchecked.six.wtns")).values
    assert check_witness(broken, w) and not check_witness(broken, (1,) + w[1:-1] + ((w[-1] + 1) % R,))
    syms = read_sym(str(d / "iszero_unchecked.sym"), broken.r1cs.n_wires)
    with pytest.raises(UnderConstrained) as e:
        validate_constraints(broken, w, symbols=syms)
    assert e.value.exit_code == 1 and {i.name for i in e.value.issues} == {"main.out", "main.inv"}
    sound = read_r1cs_binary(str(d / "circomlib_eddsa.r1cs"))
    notes = validate_constraints(sound, read_wtns(str(d / "circomlib_eddsa.sig.wtns")).values)
    assert {i.kind for i in notes} <= {"free-hint"}
    o2 = built / "O2"
    inconclusive = read_r1cs_binary(str(o2 / "bits_checked.r1cs"))
    w2 = read_wtns(str(o2 / "bits_checked.six.wtns")).values
    with pytest.raises(Undetermined):
        validate_constraints(inconclusive, w2)
    assert all(i.severity == "unknown" for i in validate_constraints(inconclusive, w2, allow_unknown=True))
