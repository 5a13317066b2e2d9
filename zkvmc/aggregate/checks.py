"""Validation of everything SnarkPack takes from outside: the statement and the aggregate.

Takes a VerificationKey, public inputs, proofs or an AggregateProof (already decoded, maybe from
an untrusted file, maybe built by a caller of the API) and raises MalformedInput (exit 2) naming
the field unless every point has canonical coordinates (< q) and lies on its curve (G2 points
in the order-r subgroup), every GT value is 12 canonical coordinates of an element of order r,
every public input is below r and every length agrees (n proofs, n public lists, log2 N rounds).
"""

from __future__ import annotations

from typing import Any, Sequence

from zkvmc.aggregate.srs import padded_size
from zkvmc.aggregate.types import AggregateProof
from zkvmc.backend import Backend
from zkvmc.curve.adapter import FIELD_MODULUS
from zkvmc.errors import MalformedAggregate
from zkvmc.field import R
from zkvmc.groth16.keys import Proof, VerificationKey
from zkvmc.errors import MalformedInput
from zkvmc.groth16.verify import is_int, point_error, validate_key


def _check_publics(vk: VerificationKey, publics: Sequence[Sequence[int]]) -> None:
    for i, xs in enumerate(publics):
        if len(xs) != vk.n_public:
            raise MalformedInput(f"public inputs {i}: expected {vk.n_public} signals, got {len(xs)}")
        if any(not isinstance(x, int) or isinstance(x, bool) or not 0 <= x < R for x in xs):
            raise MalformedInput(f"public inputs {i}: not all field elements below r")


def check_statement(vk: VerificationKey, publics: Sequence[Sequence[int]], proofs: Sequence[Proof] | None,
                    be: Backend) -> None:
    """MalformedInput unless there is >= 1 statement, the key is well-formed, every public list
    matches it, and (if given) there is one well-formed proof per list."""
    if not publics:
        raise MalformedInput("nothing to aggregate: no public inputs / proofs")
    if proofs is not None and len(proofs) != len(publics):
        raise MalformedInput(f"{len(proofs)} proofs but {len(publics)} lists of public inputs")
    _check_publics(vk, publics)
    validate_key(vk, be)  # the key's own points, once
    for i, pr in enumerate(proofs or ()):
        for what, pt, is_g2 in (("A", pr.a, False), ("B", pr.b, True), ("C", pr.c, False)):
            why = point_error(pt, is_g2, be)
            if why:
                raise MalformedInput(f"proof {i}: {what}: {why}")


def _point(p: Any, g2: bool, where: str, be: Backend) -> None:
    why = point_error(p, g2, be)
    if why:
        raise MalformedAggregate(where, why)


def _gt(t: Any, where: str, be: Backend) -> None:
    if not isinstance(t, tuple) or len(t) != 12 or any(
            not is_int(c) or not 0 <= c < FIELD_MODULUS for c in t):
        raise MalformedAggregate(where, "expected 12 canonical F_q coordinates")
    if not be.gt_is_member(t):
        raise MalformedAggregate(where, "not an element of GT (the order-r subgroup of F_q12)")


def _pair(v: Any, where: str) -> tuple[Any, Any]:
    if not isinstance(v, tuple) or len(v) != 2:
        raise MalformedAggregate(where, "expected a pair")
    return v


def _values(agg: AggregateProof) -> list[tuple[str, str, Any]]:
    """(kind, field, value) of every group element in the aggregate."""
    out = [("gt", "ip_ab", agg.ip_ab), ("g1", "agg_c", agg.agg_c), ("g1", "final_a", agg.final_a),
           ("g2", "final_b", agg.final_b), ("g1", "final_c", agg.final_c)]
    for kind, name in (("gt", "com_ab"), ("gt", "com_c"), ("g2", "final_v"), ("g1", "final_w"), ("g2", "open_v"),
                       ("g1", "open_w")):
        out += [(kind, f"{name}[{i}]", v) for i, v in enumerate(_pair(getattr(agg, name), name))]
    for j, rnd in enumerate(agg.rounds):
        for name in ("tab_l", "tab_r", "tuc_l", "tuc_r"):
            where = f"rounds[{j}].{name}"
            out += [("gt", f"{where}[{i}]", v) for i, v in enumerate(_pair(getattr(rnd, name), where))]
        out += [("gt", f"rounds[{j}].{k}", getattr(rnd, k)) for k in ("zab_l", "zab_r")]
        out += [("g1", f"rounds[{j}].{k}", getattr(rnd, k)) for k in ("zc_l", "zc_r")]
    return out


def check_aggregate(agg: AggregateProof, n_statements: int, be: Backend) -> None:
    """MalformedAggregate unless agg has the shape n_statements proofs give and valid elements."""
    if not isinstance(agg.n, int) or agg.n != n_statements:
        raise MalformedAggregate("n", f"the aggregate is of {agg.n} proofs but {n_statements} public input lists were given")
    want = padded_size(agg.n).bit_length() - 1
    if len(agg.rounds) != want:
        raise MalformedAggregate("rounds", f"expected {want} rounds for {agg.n} proofs, found {len(agg.rounds)}")
    for kind, where, v in _values(agg):
        if kind == "gt":
            _gt(v, where, be)
        else:
            _point(v, kind == "g2", where, be)
