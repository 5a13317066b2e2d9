"""Curve points as snarkjs stores them: LEM in `.ptau`/`.zkey`, uncompressed in its hashes.

Takes and gives bytes. LEM ("little-endian Montgomery", ffjavascript toRprLEM): each base-field
coordinate as x * 2^256 mod q, 32 bytes little-endian; G1 = x || y (64 bytes), G2 = x.c0 ||
x.c1 || y.c0 || y.c1 (128 bytes); the point at infinity is all zero. Uncompressed
(toRprUncompressed, what blake2b hashes): standard form, big-endian, the whole F_q2 element
byte-reversed so c1 comes first; infinity all zero. The sections' points stay as LEM bytes
through the ceremony (zkvmc.ceremony.rawops works on them directly); they are decoded to
affine int tuples (None = infinity) only where zkvmc's own key types need them.
"""

from __future__ import annotations

from typing import Any

from zkvmc.curve import g2
from zkvmc.curve.adapter import FIELD_MODULUS as Q
from zkvmc.errors import ArtifactError

N8 = 32
"""Bytes per coordinate."""
G1_SIZE = 2 * N8
G2_SIZE = 4 * N8
MONT = (1 << 256) % Q
MONT_INV = pow(1 << 256, -1, Q)


def size(is_g2: bool) -> int:
    """Bytes per point in LEM."""
    return G2_SIZE if is_g2 else G1_SIZE


def count(lem: bytes, is_g2: bool) -> int:
    """Number of points in a LEM buffer."""
    return len(lem) // size(is_g2)


def _coords(b: bytes, off: int, n: int) -> list[int]:
    return [int.from_bytes(b[off + i * N8: off + (i + 1) * N8], "little") * MONT_INV % Q for i in range(n)]


def _raw_coords(b: bytes, off: int, n: int) -> list[int]:
    return [int.from_bytes(b[off + i * N8: off + (i + 1) * N8], "little") for i in range(n)]


def point_from_lem(b: bytes, off: int = 0, is_g2: bool = False) -> Any:
    """The affine point at byte offset off (None = infinity)."""
    n = 4 if is_g2 else 2
    if not any(b[off: off + n * N8]):
        return None
    c = _coords(b, off, n)
    return ((c[0], c[1]), (c[2], c[3])) if is_g2 else (c[0], c[1])


def point_to_lem(p: Any, is_g2: bool = False) -> bytes:
    """One point in LEM."""
    if p is None:
        return bytes(size(is_g2))
    cs = (*p[0], *p[1]) if is_g2 else p
    return b"".join((int(c) * MONT % Q).to_bytes(N8, "little") for c in cs)


def points_from_lem(b: bytes, is_g2: bool = False) -> list[Any]:
    """Every point of a LEM buffer."""
    s = size(is_g2)
    return [point_from_lem(b, i, is_g2) for i in range(0, len(b), s)]


def points_to_lem(ps: list[Any] | tuple[Any, ...], is_g2: bool = False) -> bytes:
    """Points as one LEM buffer."""
    return b"".join(point_to_lem(p, is_g2) for p in ps)


def uncompressed(lem: bytes, is_g2: bool = False) -> bytes:
    """snarkjs's uncompressed encoding of every point of a LEM buffer (for blake2b)."""
    s, n = size(is_g2), (4 if is_g2 else 2)
    out = bytearray()
    for off in range(0, len(lem), s):
        if not any(lem[off: off + s]):
            out += bytes(s)
            continue
        c = _coords(lem, off, n)
        order = (c[1], c[0], c[3], c[2]) if is_g2 else c  # F_q2 reversed whole: c1 first
        for x in order:
            out += x.to_bytes(N8, "big")
    return bytes(out)


def check_lem(path: str, where: str, lem: bytes, is_g2: bool = False, subgroup: bool = False) -> None:
    """Every coordinate's Montgomery form below q and every point on its curve (and, for G2 with
    subgroup, in the order-r subgroup): ArtifactError naming the first bad point."""
    s, n = size(is_g2), (4 if is_g2 else 2)
    for i, off in enumerate(range(0, len(lem), s)):
        raw = _raw_coords(lem, off, n)
        if max(raw) >= Q:
            raise ArtifactError(path, f"{where}[{i}]", "coordinate not below the field modulus")
        if not any(raw):
            continue
        if is_g2:
            c = [x * MONT_INV % Q for x in raw]
            p = ((c[0], c[1]), (c[2], c[3]))
            ok = g2.is_on_curve(p) and (not subgroup or g2.in_subgroup(p))
        else:
            x, y = raw[0] * MONT_INV % Q, raw[1] * MONT_INV % Q
            ok = (y * y - x * x * x - 3) % Q == 0
        if not ok:
            raise ArtifactError(path, f"{where}[{i}]", "point is not on the curve" + (
                " or not in the order-r subgroup" if subgroup else ""))
