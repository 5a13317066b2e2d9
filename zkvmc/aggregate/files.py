"""Files of the aggregation: srs.json ("zkvmc-snarkpack-srs") and aggregate.json
("zkvmc-snarkpack-aggregate"), both version 1 (docs/formats.md).

Takes SRS / AggregateProof values and gives JSON, or reads JSON back, naming file and field of
anything malformed (ArtifactError, exit 2): the header first, then every length, every
coordinate below q, every point on its curve (and, for the SRS's G2 powers a prover uses and all
of the aggregate's G2 points, in the order-r subgroup). GT membership and the aggregate's shape
against the statement are checked by zkvmc.aggregate.checks (the CLI names the file). The SRS
stores its powers as hex blobs of little-endian coordinates (as proving_key.json does) with a
digest against corruption; the aggregate stores points as decimal strings and GT values as hex.
"""

from __future__ import annotations

from typing import Any, Callable

from zkvmc.aggregate.srs import is_size
from zkvmc.aggregate.types import SRS, AggregateProof, GipaRound
from zkvmc.artifacts.groth16_files import _blob, _g1_blob, _g2_blob
from zkvmc.artifacts.io import check_header, digest, field, json_bytes, read_json, write_atomic
from zkvmc.backend import Backend, get_backend
from zkvmc.curve.adapter import FIELD_MODULUS
from zkvmc.curve.codec import g1_from_json, g1_to_json, g2_from_json, g2_to_json
from zkvmc.errors import CodecError
from zkvmc.errors import ArtifactError

SRS_FORMAT, AGG_FORMAT, VERSION = "zkvmc-snarkpack-srs", "zkvmc-snarkpack-aggregate", 1
_GT_HEX = 12 * 64
"""A GT value: 12 coordinates of 32 bytes, big-endian, as one hex string."""
_ROUND_GT_PAIRS, _ROUND_GT, _ROUND_G1 = ("tab_l", "tab_r", "tuc_l", "tuc_r"), ("zab_l", "zab_r"), ("zc_l", "zc_r")


# ---- SRS ---------------------------------------------------------------------------------------


def srs_to_json(srs: SRS, origin: str, insecure: bool) -> dict[str, Any]:
    """srs.json's object: origin says where the secrets came from; insecure marks --insecure-seed."""
    body: dict[str, Any] = {"max_proofs": srs.max_proofs, "origin": origin, "insecure": insecure,
                            "g_alpha": _blob(srs.g_alpha, False), "g_beta": _blob(srs.g_beta, False),
                            "h_alpha": _blob(srs.h_alpha, True), "h_beta": _blob(srs.h_beta, True)}
    return {"format": SRS_FORMAT, "version": VERSION, "curve": "bn128", "digest": digest(body), **body}


def write_srs(path: str, srs: SRS, origin: str, insecure: bool) -> None:
    """Write srs.json atomically."""
    write_atomic(path, json_bytes(srs_to_json(srs, origin, insecure), indent=None))


def first_outside_g2(points: tuple[Any, ...], be: Backend | None) -> int | None:
    """The index of the first point not in G2 (points on the twist already), or None: one fast
    backend check of them all, then one by one only to name the culprit."""
    be = be if be is not None else get_backend(None)
    if be.g2_in_subgroup(points):
        return None
    return next(i for i, p in enumerate(points) if not be.g2_in_subgroup([p]))


def srs_from_json(obj: Any, path: str, subgroup_prefix: int, be: Backend | None = None) -> SRS:
    """Validate a parsed srs.json; the first subgroup_prefix G2 powers of each secret are
    subgroup-checked (the ones a prover for that many proofs uses; the verifier uses two)."""
    check_header(path, obj, SRS_FORMAT, VERSION)
    body = {k: v for k, v in obj.items() if k not in ("format", "version", "curve", "digest")}
    if digest(body) != obj.get("digest"):
        raise ArtifactError(path, "digest", "does not match the file's content (edited or corrupted)")
    n = field(path, obj, "max_proofs", int)
    if not is_size(n):
        raise ArtifactError(path, "max_proofs", f"expected a power of two >= 2, found {n}")
    srs = SRS(g_alpha=_g1_blob(path, "g_alpha", obj.get("g_alpha"), 2 * n),
              g_beta=_g1_blob(path, "g_beta", obj.get("g_beta"), 2 * n),
              h_alpha=_g2_blob(path, "h_alpha", obj.get("h_alpha"), n),
              h_beta=_g2_blob(path, "h_beta", obj.get("h_beta"), n))
    for name in ("h_alpha", "h_beta"):
        bad = first_outside_g2(getattr(srs, name)[:max(2, subgroup_prefix)], be)
        if bad is not None:
            raise ArtifactError(path, f"{name}[{bad}]", "point is not in the prime-order subgroup G2")
    return srs


def read_srs(path: str, subgroup_prefix: int = 2, be: Backend | None = None) -> SRS:
    """Read and validate srs.json."""
    return srs_from_json(read_json(path), path, subgroup_prefix, be)


# ---- aggregate ---------------------------------------------------------------------------------


def gt_to_hex(t: tuple[int, ...]) -> str:
    """12 coordinates, 32 bytes big-endian each."""
    return b"".join(int(c).to_bytes(32, "big") for c in t).hex()


def gt_from_hex(path: str, where: str, v: Any) -> tuple[int, ...]:
    """A GT value's 12 canonical coordinates (membership in GT is checked later)."""
    if not isinstance(v, str) or len(v) != _GT_HEX:
        raise ArtifactError(path, where, f"expected a GT value: {_GT_HEX} hexadecimal digits")
    try:
        raw = bytes.fromhex(v)
    except ValueError:
        raise ArtifactError(path, where, "not a hexadecimal string") from None
    cs = tuple(int.from_bytes(raw[i:i + 32], "big") for i in range(0, 384, 32))
    if max(cs) >= FIELD_MODULUS:
        raise ArtifactError(path, where, "a coordinate is not below the field modulus")
    return cs


def _round_to_json(rnd: GipaRound) -> dict[str, Any]:
    out: dict[str, Any] = {k: [gt_to_hex(t) for t in getattr(rnd, k)] for k in _ROUND_GT_PAIRS}
    out.update({k: gt_to_hex(getattr(rnd, k)) for k in _ROUND_GT})
    out.update({k: g1_to_json(getattr(rnd, k)) for k in _ROUND_G1})
    return out


def aggregate_to_json(agg: AggregateProof) -> dict[str, Any]:
    """aggregate.json's object."""
    return {"format": AGG_FORMAT, "version": VERSION, "curve": "bn128", "n": agg.n,
            "com_ab": [gt_to_hex(t) for t in agg.com_ab], "com_c": [gt_to_hex(t) for t in agg.com_c],
            "ip_ab": gt_to_hex(agg.ip_ab), "agg_c": g1_to_json(agg.agg_c),
            "rounds": [_round_to_json(r) for r in agg.rounds],
            "final_a": g1_to_json(agg.final_a), "final_b": g2_to_json(agg.final_b),
            "final_c": g1_to_json(agg.final_c),
            "final_v": [g2_to_json(p) for p in agg.final_v], "final_w": [g1_to_json(p) for p in agg.final_w],
            "open_v": [g2_to_json(p) for p in agg.open_v], "open_w": [g1_to_json(p) for p in agg.open_w]}


def write_aggregate(path: str, agg: AggregateProof) -> None:
    """Write aggregate.json atomically."""
    write_atomic(path, json_bytes(aggregate_to_json(agg)))


def _point(path: str, where: str, v: Any, fn: Callable[[Any, str], Any]) -> Any:
    try:
        return fn(v, "")
    except CodecError as e:
        raise ArtifactError(path, where + e.where, e.message) from None


def _pair(path: str, obj: dict, name: str, decode: Callable[[str, str, Any], Any]) -> tuple[Any, Any]:
    v = field(path, obj, name, list)
    if len(v) != 2:
        raise ArtifactError(path, name, f"expected 2 values, found {len(v)}")
    return decode(path, f"{name}[0]", v[0]), decode(path, f"{name}[1]", v[1])


def _g1(path: str, where: str, v: Any) -> Any:
    return _point(path, where, v, g1_from_json)


def _g2(path: str, where: str, v: Any) -> Any:
    return _point(path, where, v, g2_from_json)


def _round_from_json(path: str, j: int, obj: Any) -> GipaRound:
    where = f"rounds[{j}]"
    if not isinstance(obj, dict):
        raise ArtifactError(path, where, "expected an object")
    sub = f"{path}: {where}"  # field names inside a round read as "rounds[j].name"
    vals: dict[str, Any] = {k: _pair(sub, obj, k, gt_from_hex) for k in _ROUND_GT_PAIRS}
    vals.update({k: gt_from_hex(sub, k, field(sub, obj, k, str)) for k in _ROUND_GT})
    vals.update({k: _g1(sub, k, field(sub, obj, k, list)) for k in _ROUND_G1})
    return GipaRound(**vals)


def aggregate_from_json(obj: Any, path: str) -> AggregateProof:
    """Decode a parsed aggregate.json (canonical coordinates, points on their curves, G2 in G2)."""
    check_header(path, obj, AGG_FORMAT, VERSION)
    n = field(path, obj, "n", int)
    if n < 1:
        raise ArtifactError(path, "n", f"expected at least 1 proof, found {n}")
    rounds = field(path, obj, "rounds", list)
    return AggregateProof(
        n=n, com_ab=_pair(path, obj, "com_ab", gt_from_hex), com_c=_pair(path, obj, "com_c", gt_from_hex),
        ip_ab=gt_from_hex(path, "ip_ab", field(path, obj, "ip_ab", str)),
        agg_c=_g1(path, "agg_c", field(path, obj, "agg_c", list)),
        rounds=tuple(_round_from_json(path, j, r) for j, r in enumerate(rounds)),
        final_a=_g1(path, "final_a", field(path, obj, "final_a", list)),
        final_b=_g2(path, "final_b", field(path, obj, "final_b", list)),
        final_c=_g1(path, "final_c", field(path, obj, "final_c", list)),
        final_v=_pair(path, obj, "final_v", _g2), final_w=_pair(path, obj, "final_w", _g1),
        open_v=_pair(path, obj, "open_v", _g2), open_w=_pair(path, obj, "open_w", _g1))


def read_aggregate(path: str) -> AggregateProof:
    """Read and decode aggregate.json."""
    return aggregate_from_json(read_json(path), path)


def compact_size(agg: AggregateProof) -> int:
    """Bytes of the aggregate as raw uncompressed values: GT 384, G1 64, G2 128 (and 8 for n)."""
    k = len(agg.rounds)
    n_gt, n_g1, n_g2 = 5 + 10 * k, 1 + 2 * k + 2 + 2 + 2, 1 + 2 + 2
    return 8 + 384 * n_gt + 64 * n_g1 + 128 * n_g2
