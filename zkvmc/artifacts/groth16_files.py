"""Groth16 files: verification_key.json, proof.json, public.json (snarkjs's layout) and the
zkvmc proving key proving_key.json (format "zkvmc-groth16-pk", version 1). docs/groth16.md.

Takes keys/proofs (zkvmc.groth16) and gives JSON, or reads JSON back, validating every field
and naming file and field of anything wrong (e.g. `proof.json: pi_a[1]: not below the field
modulus`). The snarkjs files match `snarkjs groth16 verify`'s inputs exactly (decimal strings,
projective "1" / ["1", "0"] third coordinates, F_q2 as [c0, c1]); the verification key adds a
"zkvmc" object snarkjs ignores. Writes are atomic (zkvmc.artifacts.io.write_json).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from zkvmc.artifacts.io import (check_header, complete_interrupted_write, digest, field, hex_blob, json_bytes, read_json,
                               write_json, write_together)
from zkvmc.curve import adapter
from zkvmc.curve.oncurve import g2_on_curve_ints
from zkvmc.curve.table import COORD, PointTable, raw_of
from zkvmc.curve.codec import g1_from_json, g1_from_snarkjs, g1_to_json, g1_to_snarkjs, g2_from_json, g2_from_snarkjs, g2_to_json, g2_to_snarkjs
from zkvmc.errors import CodecError
from zkvmc.curve.types import G1Affine, G2Affine
from zkvmc.errors import ArtifactError, InvalidValue, ZkvmcError
from zkvmc.field import R, parse_decimal
from zkvmc.digest import object_digest_started
from zkvmc.artifacts.pk_matrices import compact_matrices_from_json, matrices_to_json
from zkvmc.r1cs.compact import CompactR1CS
from zkvmc.groth16.keys import Proof, ProvingKey, VerificationKey
from zkvmc.r1cs.system import R1CS

PK_FORMAT = "zkvmc-groth16-pk"
PK_VERSION = 2
"""2: the queries are hex blobs of little-endian coordinates (1 had decimal strings: 3x slower to load)."""
VK_FORMAT_VERSION = 1
"""Version of the "zkvmc" object inside verification_key.json."""

_PK_POINTS_G1 = ("alpha_g1", "beta_g1", "delta_g1")
_PK_POINTS_G2 = ("beta_g2", "delta_g2")
_PK_QUERIES = (("a_query", False), ("b_g1_query", False), ("b_g2_query", True), ("h_query", False),
               ("l_query", False))


def _decode(path: str, name: str, v: Any, fn: Callable[[Any, str], Any]) -> Any:
    """fn(v) with a CodecError turned into an ArtifactError for path and field `name...`."""
    try:
        return fn(v, "")
    except CodecError as e:
        raise ArtifactError(path, name + e.where, e.message) from None


# ---- verification key -------------------------------------------------------------------------


def alphabeta_12(vk: VerificationKey) -> list[list[list[str]]]:
    """e(alpha, beta) exactly as snarkjs writes it (informational: verifiers recompute it)."""
    tower = adapter.pairing_as_snarkjs(vk.alpha_g1, vk.beta_g2)
    return [[[str(c) for c in pair] for pair in half] for half in tower]


def vk_to_json(vk: VerificationKey, insecure: bool = False) -> dict[str, Any]:
    """snarkjs's verification_key.json object; insecure marks a key from `setup --insecure-seed`
    (in the "zkvmc" object, which snarkjs ignores)."""
    extra: dict[str, Any] = {"format_version": VK_FORMAT_VERSION, "circuit_digest": vk.circuit_digest}
    if insecure:
        extra["insecure"] = True
    return {
        "protocol": "groth16", "curve": "bn128", "nPublic": vk.n_public,
        "vk_alpha_1": g1_to_snarkjs(vk.alpha_g1), "vk_beta_2": g2_to_snarkjs(vk.beta_g2),
        "vk_gamma_2": g2_to_snarkjs(vk.gamma_g2), "vk_delta_2": g2_to_snarkjs(vk.delta_g2),
        "vk_alphabeta_12": alphabeta_12(vk),
        "IC": [g1_to_snarkjs(p) for p in vk.gamma_abc_g1],
        "zkvmc": extra,
    }


def write_vk(path: str, vk: VerificationKey) -> None:
    """Write verification_key.json atomically."""
    write_json(path, vk_to_json(vk))


def _protocol(path: str, obj: Any, what: str) -> None:
    if not isinstance(obj, dict):
        raise ArtifactError(path, "", f"expected a JSON object ({what})")
    if obj.get("protocol") != "groth16":
        raise ArtifactError(path, "protocol", f"expected 'groth16', found {obj.get('protocol')!r}")
    if obj.get("curve", "bn128") != "bn128":
        raise ArtifactError(path, "curve", f"expected 'bn128', found {obj.get('curve')!r}")


InSubgroup = Callable[[G2Affine], bool]
"""A G2 subgroup test for the readers (a backend's; None: zkvmc.curve's [r]P in Python)."""


def _g2_decoder(in_subgroup: InSubgroup | None) -> Callable[[Any, str], G2Affine]:
    return lambda v, where: g2_from_snarkjs(v, where, in_subgroup)


def vk_from_json(obj: Any, path: str, in_subgroup: InSubgroup | None = None) -> VerificationKey:
    """Validate a parsed verification_key.json (snarkjs's, or zkvmc's with its extra object)."""
    _protocol(path, obj, "a Groth16 verification key")
    g2_decode = _g2_decoder(in_subgroup)
    n_public = field(path, obj, "nPublic", int)
    ic = field(path, obj, "IC", list)
    if n_public < 0 or len(ic) != n_public + 1:
        raise ArtifactError(path, "IC", f"expected nPublic + 1 = {n_public + 1} points, found {len(ic)}")
    extra = obj.get("zkvmc", {})
    dig = extra.get("circuit_digest", "") if isinstance(extra, dict) else ""
    return VerificationKey(
        alpha_g1=_decode(path, "vk_alpha_1", field(path, obj, "vk_alpha_1", list), g1_from_snarkjs),
        beta_g2=_decode(path, "vk_beta_2", field(path, obj, "vk_beta_2", list), g2_decode),
        gamma_g2=_decode(path, "vk_gamma_2", field(path, obj, "vk_gamma_2", list), g2_decode),
        delta_g2=_decode(path, "vk_delta_2", field(path, obj, "vk_delta_2", list), g2_decode),
        gamma_abc_g1=tuple(_decode(path, f"IC[{i}]", p, g1_from_snarkjs) for i, p in enumerate(ic)),
        circuit_digest=dig if isinstance(dig, str) else "")


def read_vk(path: str, in_subgroup: InSubgroup | None = None) -> VerificationKey:
    """Read and validate verification_key.json (in_subgroup: the G2 subgroup test, InSubgroup)."""
    complete_interrupted_write(path)
    return vk_from_json(read_json(path), path, in_subgroup)


# ---- proof and public signals ---------------------------------------------------------------


def proof_to_json(p: Proof, insecure: bool = False) -> dict[str, Any]:
    """snarkjs's proof.json object; insecure ("insecure": true, which snarkjs ignores) marks a
    proof whose blinding came from `prove --insecure-seed`: reproducible, so not zero-knowledge."""
    obj: dict[str, Any] = {"pi_a": g1_to_snarkjs(p.a), "pi_b": g2_to_snarkjs(p.b), "pi_c": g1_to_snarkjs(p.c),
                           "protocol": "groth16", "curve": "bn128"}
    if insecure:
        obj["insecure"] = True
    return obj


def write_proof(path: str, p: Proof) -> None:
    """Write proof.json atomically."""
    write_json(path, proof_to_json(p))


def proof_from_json(obj: Any, path: str, in_subgroup: InSubgroup | None = None) -> Proof:
    """Validate a parsed proof.json (canonical coordinates, on curve, B in G2)."""
    _protocol(path, obj, "a Groth16 proof")
    return Proof(_decode(path, "pi_a", field(path, obj, "pi_a", list), g1_from_snarkjs),
                 _decode(path, "pi_b", field(path, obj, "pi_b", list), _g2_decoder(in_subgroup)),
                 _decode(path, "pi_c", field(path, obj, "pi_c", list), g1_from_snarkjs))


def read_proof(path: str, in_subgroup: InSubgroup | None = None) -> Proof:
    """Read and validate proof.json (in_subgroup: as read_vk's)."""
    complete_interrupted_write(path)
    return proof_from_json(read_json(path), path, in_subgroup)


def write_public(path: str, signals: list[int]) -> None:
    """Write public.json: the public signals (outputs, then public inputs) as decimal strings."""
    write_json(path, [str(x) for x in signals])


def public_from_json(obj: Any, path: str) -> list[int]:
    """Validate a parsed public.json: a list of decimal strings, each below r."""
    if not isinstance(obj, list):
        raise ArtifactError(path, "", "expected a JSON list of decimal strings")
    out = []
    for i, v in enumerate(obj):
        try:
            out.append(parse_decimal(v, R, bound_name="the scalar field modulus r"))
        except InvalidValue as e:
            raise ArtifactError(path, f"[{i}]", str(e)) from None
    return out


def read_public(path: str) -> list[int]:
    """Read and validate public.json."""
    complete_interrupted_write(path)
    return public_from_json(read_json(path), path)


# ---- proving key ----------------------------------------------------------------------------


def _pk_body(pk: ProvingKey) -> dict[str, Any]:
    body: dict[str, Any] = {"n_public": pk.n_public, "domain_size": pk.domain_size, "n_wires": pk.n_wires}
    body.update({k: g1_to_json(getattr(pk, k)) for k in _PK_POINTS_G1})
    body.update({k: g2_to_json(getattr(pk, k)) for k in _PK_POINTS_G2})
    for k, is_g2 in _PK_QUERIES:
        body[k] = _blob(getattr(pk, k), is_g2)
    return body


def pk_to_json(pk: ProvingKey, insecure: bool = False, r1cs: R1CS | None = None) -> dict[str, Any]:
    """proving_key.json's object, with a digest of its content against corruption; insecure
    ("insecure": true, covered by the digest) marks a key from `setup --insecure-seed`; r1cs,
    when given, is carried as the "matrices" object (zkvmc.artifacts.pk_matrices) so that the
    prover needs no circuit file."""
    body = _pk_body(pk)
    if insecure:
        body["insecure"] = True
    if r1cs is not None:
        body["matrices"] = matrices_to_json(r1cs)
    head = {"format": PK_FORMAT, "version": PK_VERSION, "curve": "bn128",
            "circuit_digest": pk.circuit_digest, "digest": digest(body)}
    return {**head, **body}


def write_pk(path: str, pk: ProvingKey) -> None:
    """Write proving_key.json atomically."""
    write_json(path, pk_to_json(pk), indent=None)


def write_keys(pk_path: str, pk: ProvingKey, vk_path: str, vk: VerificationKey, insecure: bool = False,
               r1cs: R1CS | None = None) -> None:
    """Write proving_key.json (with r1cs's matrices when given) and verification_key.json as one
    pair (old pair or new pair, even if killed midway: zkvmc.artifacts.io.write_together)."""
    write_together([(pk_path, json_bytes(pk_to_json(pk, insecure, r1cs), indent=None)),
                    (vk_path, json_bytes(vk_to_json(vk, insecure)))])


def write_proof_and_public(proof_path: str, p: Proof, public_path: str, signals: list[int],
                           insecure: bool = False) -> None:
    """Write proof.json and public.json as one pair (write_together)."""
    write_together([(proof_path, json_bytes(proof_to_json(p, insecure))),
                    (public_path, json_bytes([str(x) for x in signals]))])



_COORD = COORD
"""Bytes per coordinate in the proving key's query blobs."""


def _blob(points: Sequence[G1Affine] | Sequence[G2Affine], is_g2: bool) -> str:
    """Points as one hex string of little-endian 32-byte coordinates (infinity: all zero)."""
    return raw_of(points, is_g2).hex()


def _raw(path: str, name: str, v: Any, n: int, width: int) -> bytes:
    """The blob's bytes, n points of `width` coordinates."""
    raw = hex_blob(path, name, v, "little-endian coordinates")
    if len(raw) != n * width * _COORD:
        raise ArtifactError(path, name, f"expected {n} points ({n * width * _COORD} bytes), found {len(raw)} bytes")
    return raw


def _coords(path: str, name: str, raw: bytes, width: int) -> list[int]:
    """The blob's coordinates, each checked to be below q."""
    cs = [int.from_bytes(raw[i:i + _COORD], "little") for i in range(0, len(raw), _COORD)]
    if cs and max(cs) >= adapter.FIELD_MODULUS:
        i = next(i for i, c in enumerate(cs) if c >= adapter.FIELD_MODULUS)
        raise ArtifactError(path, f"{name}[{i // width}][{i % width}]", "not below the field modulus")
    return cs


def _g1_points(path: str, name: str, raw: bytes) -> tuple[G1Affine, ...]:
    """The checked points of a G1 blob as ints (the naive twin of the native backend's load_table)."""
    cs, q = _coords(path, name, raw, 2), adapter.FIELD_MODULUS
    out: list[G1Affine] = []
    for i in range(len(cs) // 2):
        x, y = cs[2 * i], cs[2 * i + 1]
        if x == 0 == y:
            out.append(None)
        elif (y * y - x * x * x - adapter.B1) % q:
            raise ArtifactError(path, f"{name}[{i}]", "point is not on the curve")
        else:
            out.append((x, y))
    return tuple(out)


def _g2_points(path: str, name: str, raw: bytes) -> tuple[G2Affine, ...]:
    """G2 points get the on-curve check only: the digest guards them against edits, and a bad one
    could only make this prover's own proofs fail verification."""
    cs = _coords(path, name, raw, 4)
    out: list[G2Affine] = []
    for i in range(len(cs) // 4):
        x0, x1, y0, y1 = cs[4 * i: 4 * i + 4]
        p = None if x0 == x1 == y0 == y1 == 0 else ((x0, x1), (y0, y1))
        if p is not None and not g2_on_curve_ints(x0, x1, y0, y1):
            raise ArtifactError(path, f"{name}[{i}]", "point is not on the curve")
        out.append(p)
    return tuple(out)


def _g1_blob(path: str, name: str, v: Any, n: int) -> tuple[G1Affine, ...]:
    """A hex blob of n G1 points, checked, as ints (zkvmc.aggregate's SRS reads its blobs so)."""
    return _g1_points(path, name, _raw(path, name, v, n, 2))


def _g2_blob(path: str, name: str, v: Any, n: int) -> tuple[G2Affine, ...]:
    """A hex blob of n G2 points, on-curve checked, as ints."""
    return _g2_points(path, name, _raw(path, name, v, n, 4))


def naive_table(path: str, name: str, raw: bytes, is_g2: bool) -> PointTable:
    """A checked query table through Python ints (its points decoded and kept): the reader
    without a native backend, and the twin tests compare checked_table with."""
    t = PointTable(raw, is_g2)
    t.__dict__["points"] = (_g2_points if is_g2 else _g1_points)(path, name, raw)  # fills the cached_property
    return t


def checked_table(path: str, name: str, raw: bytes, is_g2: bool) -> PointTable:
    """A query table whose coordinates are < q and points on the curve, else an ArtifactError
    naming `name[i]` (or `name[i][j]`). With the native backend the check runs while its
    arrays are built from the bytes (no Python point tuples); a failure is re-read by
    naive_table, so both name the same field."""
    from zkvmc.backend import get_backend

    load = getattr(get_backend(None), "load_table", None)
    t = PointTable(raw, is_g2)
    if load is not None and load(t):
        return t
    return naive_table(path, name, raw, is_g2)


OnTable = Callable[[str, PointTable], None]
"""A reader's hook, called with each query's name and table once it is checked (the prover's
zkvmc.groth16.early starts MSMs on them while the rest of the key is read)."""

_LOAD_ORDER = ("b_g2_query", "a_query", "b_g1_query", "l_query", "h_query")
"""The order the queries are checked in: the longest MSM's first, for an on_table hook."""


def _queries(path: str, obj: dict, n_wires: int, n_public: int, n: int,
             on_table: OnTable | None = None) -> dict[str, PointTable]:
    sizes = {"a_query": n_wires, "b_g1_query": n_wires, "b_g2_query": n_wires, "h_query": n - 1,
             "l_query": n_wires - n_public - 1}
    out: dict[str, PointTable] = {}
    for name in _LOAD_ORDER:
        g2 = name == "b_g2_query"
        out[name] = checked_table(path, name, _raw(path, name, obj.get(name), sizes[name], 4 if g2 else 2), g2)
        if on_table is not None:
            on_table(name, out[name])
    return out


def pk_from_json(obj: Any, path: str, on_table: OnTable | None = None) -> ProvingKey:
    """Validate a parsed proving_key.json (on_table: called with each checked query, OnTable)."""
    check_header(path, obj, PK_FORMAT, PK_VERSION)
    body = {k: v for k, v in obj.items() if k not in ("format", "version", "curve", "circuit_digest", "digest")}
    digest_of_body = object_digest_started(body)  # hashed in a thread while the fields are checked
    del body
    try:
        pk = _pk_fields(obj, path, on_table)
    except ZkvmcError:
        _check_digest(path, obj, digest_of_body())  # an edited file is reported as edited first
        raise
    _check_digest(path, obj, digest_of_body())
    return pk


def _check_digest(path: str, obj: dict, found: str) -> None:
    if found != obj.get("digest"):
        raise ArtifactError(path, "digest", "does not match the file's content (edited or corrupted)")


def _pk_fields(obj: dict, path: str, on_table: OnTable | None) -> ProvingKey:
    """The key's fields, each checked (pk_from_json checks the digest around this)."""
    n_wires, n_public, n = (field(path, obj, k, int) for k in ("n_wires", "n_public", "domain_size"))
    if not (n_wires >= n_public + 1 >= 1 and n >= 2 and n & (n - 1) == 0):
        raise ArtifactError(path, "n_wires", "inconsistent n_wires / n_public / domain_size")
    pts = {k: _decode(path, k, field(path, obj, k, list), g1_from_json) for k in _PK_POINTS_G1}
    pts.update({k: _decode(path, k, field(path, obj, k, list), g2_from_json) for k in _PK_POINTS_G2})
    return ProvingKey(**pts, **_queries(path, obj, n_wires, n_public, n, on_table), n_public=n_public,
                      domain_size=n, circuit_digest=field(path, obj, "circuit_digest", str))


def read_pk(path: str) -> ProvingKey:
    """Read and validate proving_key.json."""
    complete_interrupted_write(path)
    return pk_from_json(read_json(path), path)


def read_pk_and_matrices(path: str, on_table: OnTable | None = None) -> tuple[ProvingKey, CompactR1CS | None]:
    """proving_key.json and the R1CS its "matrices" object carries, as its arrays (None for a key
    without one): everything the prover needs, read once (on_table: as pk_from_json's)."""
    complete_interrupted_write(path)
    obj = read_json(path)
    pk = pk_from_json(obj, path, on_table)
    if "matrices" not in obj:
        return pk, None
    return pk, compact_matrices_from_json(obj["matrices"], path, pk.n_wires, pk.n_public)
