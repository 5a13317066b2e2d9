"""The circuit reader's fast paths against their naive twins (issue 15, witness generation):
the bracket scan before parsing, the inline LC and step checks, and `zkvmc witness` writing the
digest reading verified instead of re-hashing the circuit. Valid input gives the same values;
anything the checked reader refuses, the fast path hands back to it (same error message)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli_support import run_in as zkvmc
from zkvmc.artifacts import circuit_file as cf
from zkvmc.artifacts.inputs import read_inputs
from zkvmc.artifacts.io import brackets_outside_strings
from zkvmc.artifacts.witness_file import Witness, witness_to_json
from zkvmc.errors import ArtifactError
from zkvmc.field import R
from zkvmc.witness import solve
from zkvmc.witness.steps import STEP_KINDS, check_step

REPO = Path(__file__).resolve().parent.parent
N = 50


def brackets_by_hand(raw: bytes) -> bytes:
    """The naive twin of brackets_outside_strings: one byte at a time, escapes honoured."""
    out, inside, escaped = bytearray(), False, False
    for c in raw:
        if inside:
            inside, escaped = (True, False) if escaped else (c != ord('"'), c == ord("\\"))
        elif c == ord('"'):
            inside = True
        elif c in b"[]{}":
            out.append(c)
    return bytes(out)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='[]{}"a', max_size=40))
def test_bracket_scan_matches_the_byte_by_byte_scan(text: str) -> None:
    raw = text.encode()  # any text without backslashes, unterminated strings included
    assert brackets_outside_strings(raw) == brackets_by_hand(raw)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.text(alphabet='[]{}"ab', max_size=5) | st.integers(),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(alphabet='[]{}"x', max_size=3),
                                                                               kids, max_size=3), max_leaves=12))
def test_bracket_scan_on_json_text(value: Any) -> None:
    raw = json.dumps(value).encode()
    assert brackets_outside_strings(raw) == brackets_by_hand(raw)


KEYS = st.sampled_from(["0", "1", "7", "49", "50", "0049", "", " 1", "1_0", "٣", "1" * 21, "+1"])
VALUES = st.one_of(st.sampled_from(["1", "0", "5", str(R - 1), str(R), "00", "", "٣", "1e3", "9" * 81]),
                   st.integers(-2, 2), st.none(), st.just(["1"]), st.booleans())
LCS = st.one_of(st.dictionaries(KEYS, VALUES, max_size=4), st.lists(st.just("1"), max_size=2), st.just("1"))


def checked_lc(obj: Any) -> tuple | str:
    try:
        return cf.lc_from_json("c.json", "x", obj, N)
    except ArtifactError as e:
        return str(e)


@settings(max_examples=400, deadline=None)
@given(LCS)
def test_quick_lc_agrees_with_the_checked_reader(obj: Any) -> None:
    quick, checked = cf._lc_quick(obj, N), checked_lc(obj)
    assert quick == checked if quick is not None else isinstance(checked, str)


def test_quick_lc_takes_every_valid_lc() -> None:
    for obj in ({}, {"1": "1"}, {"49": str(R - 1), "0": "5", "10": "2"}, {"0049": "1"}):
        assert cf._lc_quick(obj, N) == cf.lc_from_json("c.json", "x", obj, N) is not None
    assert cf._lc_quick({"10": "2", "9": "3"}, N) == ((9, 3), (10, 2))


STEPS = st.fixed_dictionaries(
    {"op": st.sampled_from(["mul", "lc", "bits", "input", "udiv", "nope", 3]),
     "outs": st.one_of(st.lists(st.sampled_from([0, 1, 2, 49, 50, True, "1"]), max_size=3), st.just("1")),
     "args": st.lists(LCS, max_size=3),
     "params": st.one_of(st.lists(st.sampled_from([0, 1, 2, -(1 << 64), -(1 << 64) - 1, True]), max_size=2),
                         st.none())})


def checked_step(s: Any) -> Any:
    try:
        return cf._step("c.json", 0, s, N)
    except ArtifactError as e:
        return str(e)


@settings(max_examples=400, deadline=None)
@given(st.one_of(STEPS, STEPS.map(lambda s: {k: v for k, v in s.items() if k != "params"}), st.just([])))
def test_quick_step_agrees_with_the_checked_reader(s: Any) -> None:
    quick, checked = cf._step_quick(s, N, STEP_KINDS), checked_step(s)
    if quick is not None and not check_step(quick):
        assert quick == checked
    else:
        assert isinstance(checked, str)


def test_a_bad_term_deep_in_a_file_is_named(tmp_path: Path) -> None:
    res = zkvmc(tmp_path, "compile", str(REPO / "programs" / "popcount.asm"))
    assert res.returncode == 0, res.stderr
    obj = json.loads((tmp_path / "circuit.r1cs.json").read_text())
    k = len(obj["constraints"]) - 1
    obj["constraints"][k][2] = {"1": "٣"}
    body = {key: v for key, v in obj.items() if key not in cf.HEADER_KEYS}
    obj["digest"] = cf.digest(body)
    (tmp_path / "bad.json").write_text(json.dumps(obj))
    res = zkvmc(tmp_path, "witness", "-c", "bad.json", "-i", str(REPO / "programs" / "popcount.input.json"))
    assert res.returncode == 2 and f"constraints[{k}][2].1" in res.stderr and "ASCII digits" in res.stderr


@pytest.mark.parametrize("name", ["popcount", "merkle"])
def test_witness_file_is_what_solving_and_rehashing_gives(tmp_path: Path, name: str) -> None:
    prog, inp = REPO / "programs" / f"{name}.asm", REPO / "programs" / f"{name}.input.json"
    assert zkvmc(tmp_path, "compile", str(prog)).returncode == 0
    res = zkvmc(tmp_path, "witness", "-i", str(inp))
    assert res.returncode == 0, res.stderr
    c = cf.read_circuit(str(tmp_path / "circuit.r1cs.json"))
    naive = Witness(solve(c, read_inputs(str(inp))), cf.circuit_digest(c))  # the old route: hash the Circuit again
    assert (tmp_path / "witness.json").read_bytes() == (json.dumps(witness_to_json(naive)) + "\n").encode()


TERMS = st.lists(st.tuples(st.integers(0, 5), st.sampled_from([1, 2, R - 1, 12345])), max_size=3)


@settings(max_examples=300, deadline=None)
@given(TERMS, st.lists(st.sampled_from([0, 1, 7, R - 1, R, 2 * R + 3]), min_size=6, max_size=6))
def test_lc_evaluation_shortcuts_match_the_plain_sum(lc: list[tuple[int, int]], w: list[int]) -> None:
    from zkvmc.r1cs.system import eval_lc
    from zkvmc.witness.steps import _eval

    plain = sum(c * w[i] for i, c in lc) % R
    assert eval_lc(tuple(lc), w) == plain  # any w, reduced or not
    reduced = [x % R for x in w]  # the solver's signals are always < r
    assert _eval(tuple(lc), reduced) == sum(c * reduced[i] for i, c in lc) % R
