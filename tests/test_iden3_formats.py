"""iden3 .r1cs/.wtns readers and writers: byte layout, exact round trips, validation, fuzzing.

The expected bytes are built here with struct, independently of zkvmc/artifacts/iden3*.py,
from the layouts in r1csfile 0.0.48 (writeR1cs) and snarkjs 0.7.6 (wtns_utils.write).
"""

from __future__ import annotations

import functools
import json
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zkvmc.artifacts.circuit_file import circuit_digest, circuit_to_bytes
from zkvmc.artifacts.iden3 import ZK_SECTION, build_container
from zkvmc.artifacts.iden3_r1cs import (circuit_to_r1cs_bytes, header_of, private_input_wires, r1cs_from_bytes)
from zkvmc.artifacts.iden3_wtns import witness_to_wtns_bytes, wtns_from_bytes
from zkvmc.artifacts.inputs import read_inputs
from zkvmc.artifacts.witness_file import Witness
from zkvmc.cli.loading import load_program
from zkvmc.compiler import compile_program
from zkvmc.compiler.circuit import Circuit
from zkvmc.errors import ArtifactError
from zkvmc.field import R
from zkvmc.r1cs.system import R1CS, Constraint
from zkvmc.witness import solve

REPO = Path(__file__).resolve().parent.parent
PROGRAMS = sorted(p.stem for p in (REPO / "programs").glob("*.asm"))
R_LE = R.to_bytes(32, "little")


@functools.lru_cache(maxsize=None)
def compiled(name: str) -> Circuit:
    return compile_program(load_program(str(REPO / "programs" / f"{name}.asm")), level=2)


def tiny() -> Circuit:
    """w = [1, out, pub, x]: x * x = out - pub, and (x + 1) * 1 = x + 1 with a -1 coefficient."""
    cons = (Constraint(((3, 1),), ((3, 1),), ((1, 1), (2, R - 1))),
            Constraint(((0, 1), (3, 1)), ((0, 1),), ((0, 1), (3, 1))))
    return Circuit(r1cs=R1CS(4, 1, 1, cons), n_signals=6, steps=(), wire_map=(0, 1, 2, 5), lines=(3, 4),
                   line_text=((3, "mul"), (4, "add")), n_private_inputs=1, source="t.asm", source_digest="ab")


def section(kind: int, body: bytes) -> bytes:
    return struct.pack("<IQ", kind, len(body)) + body


def lc(terms: list[tuple[int, int]]) -> bytes:
    return struct.pack("<I", len(terms)) + b"".join(struct.pack("<I", w) + c.to_bytes(32, "little") for w, c in terms)


def test_r1cs_bytes_match_the_iden3_layout() -> None:
    c = tiny()
    # No witness program, so nPrvIn is the circuit's own count of private inputs (1), as imported.
    header = struct.pack("<I", 32) + R_LE + struct.pack("<IIIIQI", 4, 1, 1, 1, 6, 2)
    cons = (lc([(3, 1)]) + lc([(3, 1)]) + lc([(1, 1), (2, R - 1)])
            + lc([(0, 1), (3, 1)]) + lc([(0, 1)]) + lc([(0, 1), (3, 1)]))
    wmap = struct.pack("<4Q", 0, 1, 2, 5)
    want = b"r1cs" + struct.pack("<II", 1, 3) + section(1, header) + section(2, cons) + section(3, wmap)
    assert circuit_to_r1cs_bytes(c, with_metadata=False) == want
    full = circuit_to_r1cs_bytes(c)
    assert full[:8] == b"r1cs\x01\x00\x00\x00" and full[8:12] == struct.pack("<I", 4)
    assert full[12:].startswith(want[12:])
    meta = json.loads(full[len(want) + 12 :])
    assert (meta["format"], meta["digest"]) == ("zkvmc-circuit-meta", circuit_digest(c))
    assert full[len(want) : len(want) + 4] == struct.pack("<I", ZK_SECTION)


def test_wtns_bytes_match_the_iden3_layout() -> None:
    w = Witness((1, 7, R - 1), "d" * 64)
    want = (b"wtns" + struct.pack("<II", 2, 2) + section(1, struct.pack("<I", 32) + R_LE + struct.pack("<I", 3))
            + section(2, b"".join(v.to_bytes(32, "little") for v in w.values)))
    assert witness_to_wtns_bytes(w, with_digest=False) == want
    full = witness_to_wtns_bytes(w)
    assert full[8:12] == struct.pack("<I", 3)
    back = wtns_from_bytes(full, "w.wtns")
    assert back.values == w.values and back.circuit_digest == w.circuit_digest
    assert wtns_from_bytes(want, "w.wtns").circuit_digest is None


@pytest.mark.parametrize("name", PROGRAMS)
def test_every_program_round_trips_exactly(name: str) -> None:
    c = compiled(name)
    back = r1cs_from_bytes(circuit_to_r1cs_bytes(c), f"{name}.r1cs")
    assert back == c and circuit_digest(back) == circuit_digest(c)
    assert circuit_to_bytes(back) == circuit_to_bytes(c)


@st.composite
def random_circuit(draw: st.DrawFn) -> Circuit:
    """Any small circuit: random layout, labels and constraints with coefficients anywhere in [1, r)."""
    n_wires = draw(st.integers(1, 8))
    n_out = draw(st.integers(0, n_wires - 1))
    n_pub = draw(st.integers(0, n_wires - 1 - n_out))
    coeff = st.one_of(st.integers(1, 3), st.integers(1, R - 1), st.just(R - 1))
    lc_ = st.dictionaries(st.integers(0, n_wires - 1), coeff, max_size=4).map(lambda d: tuple(sorted(d.items())))
    cons = tuple(draw(st.lists(st.builds(Constraint, lc_, lc_, lc_), max_size=5)))
    n_signals = n_wires + draw(st.integers(0, 5))
    wire_map = (0, *draw(st.lists(st.integers(1, max(n_signals - 1, 1)), min_size=n_wires - 1, max_size=n_wires - 1)))
    return Circuit(r1cs=R1CS(n_wires, n_out, n_pub, cons), n_signals=n_signals, steps=(), wire_map=wire_map,
                   lines=(0,) * len(cons), line_text=(), n_private_inputs=draw(st.integers(0, 3)),
                   source="r.asm", source_digest="00")


@settings(max_examples=60, deadline=None)
@given(random_circuit())
def test_random_circuits_round_trip(c: Circuit) -> None:
    assert r1cs_from_bytes(circuit_to_r1cs_bytes(c), "r.r1cs") == c
    plain = r1cs_from_bytes(circuit_to_r1cs_bytes(c, with_metadata=False), "r.r1cs")
    assert plain.r1cs == c.r1cs and plain.wire_map == c.wire_map and plain.n_signals == c.n_signals


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, R - 1), max_size=6), st.text(max_size=70))
def test_random_witnesses_round_trip(rest: list[int], digest: str) -> None:
    w = Witness((1, *rest), digest)
    back = wtns_from_bytes(witness_to_wtns_bytes(w), "r.wtns")
    assert (back.values, back.circuit_digest) == (w.values, w.circuit_digest)


def test_plain_import_keeps_the_constraints_but_not_the_witness_program() -> None:
    c = compiled("popcount")
    data = circuit_to_r1cs_bytes(c, with_metadata=False)
    back = r1cs_from_bytes(data, "dir/p.r1cs")
    assert back.r1cs == c.r1cs and back.wire_map == c.wire_map and back.n_signals == c.n_signals
    assert back.steps == () and back.lines == (0,) * len(c.r1cs.constraints) and back.source == "p.r1cs"
    assert circuit_digest(back) != circuit_digest(c)
    # Once imported, the circuit (with its own zkvmc section) round-trips exactly too.
    assert r1cs_from_bytes(circuit_to_r1cs_bytes(back), "q.r1cs") == back


def test_private_input_wires_counts_only_inputs_in_circom_position() -> None:
    for name in PROGRAMS:
        c = compiled(name)
        n = private_input_wires(c)
        assert 0 <= n <= c.n_private_inputs
        assert header_of(c).n_prv_in == n
    # merkle keeps its 3 private inputs right after the public wire (checked by value).
    c = compiled("merkle")
    inputs = read_inputs(str(REPO / "programs" / "merkle.input.json"))
    w = solve(c, inputs)
    n = private_input_wires(c)
    assert n == 3
    assert set(w[1 + c.r1cs.n_public : 1 + c.r1cs.n_public + n]) <= set(inputs.private)


def test_foreign_lcs_are_canonicalised() -> None:
    """circom may list terms unsorted and with zero coefficients: same constraint, canonical form."""
    header = struct.pack("<I", 32) + R_LE + struct.pack("<IIIIQI", 3, 1, 0, 1, 3, 1)
    cons = lc([(2, 5), (0, 0), (1, 1)]) + lc([(0, 1)]) + lc([])
    data = b"r1cs" + struct.pack("<II", 1, 2) + section(1, header) + section(2, cons)
    c = r1cs_from_bytes(data, "f.r1cs")
    assert c.r1cs.constraints == (Constraint(((1, 1), (2, 5)), ((0, 1),), ()),)
    assert c.wire_map == (0, 1, 2) and c.n_private_inputs == 1


# ---- validation: each malformed file names the file and the field -----------------------------


def good_sections() -> list[tuple[int, bytes]]:
    header = struct.pack("<I", 32) + R_LE + struct.pack("<IIIIQI", 3, 1, 0, 0, 3, 1)
    return [(1, header), (2, lc([(1, 1)]) + lc([(2, 1)]) + lc([(0, 3)])), (3, struct.pack("<3Q", 0, 1, 2))]


def with_section(kind: int, body: bytes) -> bytes:
    return build_container("r1cs", 1, [(k, body if k == kind else b) for k, b in good_sections()])


BAD_R1CS = {
    "magic": b"wtns" + build_container("r1cs", 1, good_sections())[4:],
    "version": build_container("r1cs", 2, good_sections()),
    "n8": with_section(1, struct.pack("<I", 48) + good_sections()[0][1][4:]),
    "prime": with_section(1, struct.pack("<I", 32) + (R + 2).to_bytes(32, "little") + good_sections()[0][1][36:]),
    "nPubOut": with_section(1, struct.pack("<I", 32) + R_LE + struct.pack("<IIIIQI", 3, 3, 0, 0, 3, 1)),
    "nLabels": with_section(1, struct.pack("<I", 32) + R_LE + struct.pack("<IIIIQI", 3, 1, 0, 0, 2, 1)),
    "wire": with_section(2, lc([(3, 1)]) + lc([(2, 1)]) + lc([(0, 3)])),
    "coeff": with_section(2, lc([(1, R)]) + lc([(2, 1)]) + lc([(0, 3)])),
    "twice": with_section(2, lc([(1, 1), (1, 2)]) + lc([(2, 1)]) + lc([(0, 3)])),
    "ends at byte": with_section(2, lc([(1, 1)]) + lc([(2, 1)]) + lc([(0, 3)]) + b"\0"),
    "truncated": with_section(2, lc([(1, 1)]) + lc([(2, 1)])),
    "wire map": with_section(3, struct.pack("<3Q", 0, 1, 3)),
    "header": build_container("r1cs", 1, good_sections()[1:]),
    "appears 2 times": build_container("r1cs", 1, [*good_sections(), good_sections()[1]]),
    "custom gates": build_container("r1cs", 1, [*good_sections(), (4, b"\0" * 4)]),
    "after the last": build_container("r1cs", 1, good_sections()) + b"\0",
    "zkvmc metadata": build_container("r1cs", 1, [*good_sections(), (ZK_SECTION, b"{not json")]),
}


def test_the_good_file_reads() -> None:
    c = r1cs_from_bytes(build_container("r1cs", 1, good_sections()), "g.r1cs")
    assert c.r1cs.constraints == (Constraint(((1, 1),), ((2, 1),), ((0, 3),)),)


@pytest.mark.parametrize("what", sorted(BAD_R1CS))
def test_malformed_r1cs_names_file_and_field(what: str) -> None:
    with pytest.raises(ArtifactError) as e:
        r1cs_from_bytes(BAD_R1CS[what], "bad.r1cs")
    assert str(e.value).startswith("bad.r1cs: ") and what in str(e.value)


def test_edited_constraint_with_stale_metadata_is_rejected() -> None:
    c = tiny()
    edited = Circuit(**{**c.__dict__, "r1cs": R1CS(4, 1, 1, (c.r1cs.constraints[1], c.r1cs.constraints[0]))})
    meta_of_c = circuit_to_r1cs_bytes(c)[len(circuit_to_r1cs_bytes(c, False)) :]
    plain = circuit_to_r1cs_bytes(edited, False)
    data = plain[:8] + struct.pack("<I", 4) + plain[12:] + meta_of_c
    assert r1cs_from_bytes(circuit_to_r1cs_bytes(c), "ok.r1cs") == c
    with pytest.raises(ArtifactError, match="digest"):
        r1cs_from_bytes(data, "e.r1cs")


def wtns(values: list[int], n: int | None = None, prime: int = R, extra: list[tuple[int, bytes]] = []) -> bytes:
    head = struct.pack("<I", 32) + prime.to_bytes(32, "little") + struct.pack("<I", len(values) if n is None else n)
    return build_container("wtns", 2, [(1, head), (2, b"".join(v.to_bytes(32, "little") for v in values)), *extra])


@pytest.mark.parametrize("data,what", [
    (wtns([1, 2], n=3), "nWitness"), (wtns([1, R]), "values)[1]"), (wtns([2, 1]), "wire 0"),
    (wtns([1, 2], prime=R - 2), "prime"), (wtns([1], extra=[(ZK_SECTION, b"[1]")]), "circuit_digest"),
    (wtns([1])[:-3], "truncated"), (b"wtn", "magic"), (build_container("wtns", 1, []), "version"),
    (wtns([], n=0), "nWitness"),
])
def test_malformed_wtns_names_file_and_field(data: bytes, what: str) -> None:
    assert wtns_from_bytes(wtns([1, 5]), "ok.wtns").values == (1, 5)
    with pytest.raises(ArtifactError) as e:
        wtns_from_bytes(data, "bad.wtns")
    assert str(e.value).startswith("bad.wtns: ") and what in str(e.value)


# ---- fuzzing: mutated files are read or rejected with ArtifactError, never a traceback ---------

SEED_R1CS = circuit_to_r1cs_bytes(tiny())
SEED_PLAIN = circuit_to_r1cs_bytes(tiny(), with_metadata=False)
SEED_WTNS = witness_to_wtns_bytes(Witness((1, 2, 3, 4), "e" * 64))


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        kind = draw(st.sampled_from(["byte", "u32", "cut", "insert", "delete"]))
        if kind == "byte" and data:
            data[pos] = draw(st.integers(0, 255))
        elif kind == "u32":
            data[pos : pos + 4] = struct.pack("<I", draw(st.sampled_from([0, 1, 2, 3, 4, 0x7A6B, 2**31, 2**32 - 1])))
        elif kind == "cut":
            del data[pos:]
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=40))
        else:
            del data[pos : pos + draw(st.integers(1, 40))]
    return bytes(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([SEED_R1CS, SEED_PLAIN]).flatmap(mutated))
def test_fuzzed_r1cs_never_crashes(data: bytes) -> None:
    try:
        c = r1cs_from_bytes(data, "fuzz.r1cs")
    except ArtifactError as e:
        assert str(e).startswith("fuzz.r1cs")
    else:
        assert all(w < c.r1cs.n_wires for k in c.r1cs.constraints for lc_ in (k.a, k.b, k.c) for w, _ in lc_)


@settings(max_examples=300, deadline=None)
@given(mutated(SEED_WTNS))
def test_fuzzed_wtns_never_crashes(data: bytes) -> None:
    try:
        w = wtns_from_bytes(data, "fuzz.wtns")
    except ArtifactError as e:
        assert str(e).startswith("fuzz.wtns")
    else:
        assert w.values[0] == 1 and all(v < R for v in w.values)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_garbage_is_rejected(data: bytes) -> None:
    for parse, name in ((r1cs_from_bytes, "g.r1cs"), (wtns_from_bytes, "g.wtns")):
        with pytest.raises(ArtifactError):
            parse(data, name)
