"""Point codecs (decimal strings, snarkjs's JSON layout) and validation of untrusted points.

Takes JSON values and gives affine points (None = infinity), or the reverse. snarkjs layout:
G1 [x, y, "1"] (infinity ["0", "1", "0"]); G2 [[x0, x1], [y0, y1], ["1", "0"]] with F_q2
elements as [c0, c1]. zkvmc's own key files use the compact [x, y] / [[x0, x1], [y0, y1]]
layout with all-zero coordinates for infinity ((0, 0) is on neither curve). Decoding checks that
every coordinate is a canonical decimal (< q), the point is on its curve and, for G2, in the
order-r subgroup; failures raise CodecError naming the offending sub-field, e.g. "[1]".
"""

from __future__ import annotations

from typing import Any, Callable

from zkvmc.curve.adapter import FIELD_MODULUS
from zkvmc.curve.oncurve import g1_on_curve, g2_on_curve
from zkvmc.curve.types import G1Affine, G2Affine
from zkvmc.errors import CodecError, InvalidValue
from zkvmc.field import parse_decimal


def coord_from_str(v: Any, where: str) -> int:
    """A canonical base-field coordinate from a decimal string."""
    try:
        return parse_decimal(v, FIELD_MODULUS)
    except InvalidValue as e:
        raise CodecError(where, str(e)) from None


def _pair(v: Any, where: str) -> tuple[int, int]:
    if not isinstance(v, list) or len(v) != 2:
        raise CodecError(where, "expected [c0, c1]")
    return (coord_from_str(v[0], f"{where}[0]"), coord_from_str(v[1], f"{where}[1]"))


def check_g1(p: G1Affine, where: str = "") -> G1Affine:
    """p itself when it is on G1 (None allowed), else CodecError."""
    if not g1_on_curve(p):
        raise CodecError(where, "point is not on the curve")
    return p


def check_g2(p: G2Affine, where: str = "", in_subgroup: Callable[[G2Affine], bool] | None = None) -> G2Affine:
    """p itself when it is on the twist and in the order-r subgroup (None allowed); in_subgroup
    replaces the Python [r]P test (e.g. a native backend's, ~100x faster)."""
    if p is None:
        return None
    if not g2_on_curve(p):
        raise CodecError(where, "point is not on the curve")
    if in_subgroup is None:
        from zkvmc.curve.g2 import in_subgroup  # here: it brings gmpy2, which verify does not need
    if not in_subgroup(p):
        raise CodecError(where, "point is not in the prime-order subgroup G2")
    return p


def g1_to_json(p: G1Affine) -> list[str]:
    """Compact [x, y]; infinity is ["0", "0"]."""
    return ["0", "0"] if p is None else [str(int(p[0])), str(int(p[1]))]


def g2_to_json(p: G2Affine) -> list[list[str]]:
    """Compact [[x0, x1], [y0, y1]]; infinity is all zeros."""
    if p is None:
        return [["0", "0"], ["0", "0"]]
    return [[str(int(c)) for c in p[0]], [str(int(c)) for c in p[1]]]


def g1_from_json(v: Any, where: str = "") -> G1Affine:
    """Decode and validate a compact G1 point."""
    if not isinstance(v, list) or len(v) != 2:
        raise CodecError(where, "expected [x, y]")
    x, y = coord_from_str(v[0], f"{where}[0]"), coord_from_str(v[1], f"{where}[1]")
    return None if x == y == 0 else check_g1((x, y), where)


def g2_from_json(v: Any, where: str = "", subgroup: bool = True) -> G2Affine:
    """Decode and validate a compact G2 point (subgroup check optional for trusted bulk data)."""
    if not isinstance(v, list) or len(v) != 2:
        raise CodecError(where, "expected [[x0, x1], [y0, y1]]")
    x, y = _pair(v[0], f"{where}[0]"), _pair(v[1], f"{where}[1]")
    if x == (0, 0) and y == (0, 0):
        return None
    if not subgroup:
        if not g2_on_curve((x, y)):
            raise CodecError(where, "point is not on the curve")
        return (x, y)
    return check_g2((x, y), where)


def g1_to_snarkjs(p: G1Affine) -> list[str]:
    """[x, y, "1"], or ["0", "1", "0"] for infinity."""
    return ["0", "1", "0"] if p is None else [str(int(p[0])), str(int(p[1])), "1"]


def g2_to_snarkjs(p: G2Affine) -> list[list[str]]:
    """[[x0, x1], [y0, y1], ["1", "0"]], or the projective infinity [[0,0],[1,0],[0,0]]."""
    if p is None:
        return [["0", "0"], ["1", "0"], ["0", "0"]]
    return g2_to_json(p) + [["1", "0"]]


def g1_from_snarkjs(v: Any, where: str = "") -> G1Affine:
    """Decode and validate a snarkjs G1 point [x, y, z] with z = 1 (or z = 0: infinity)."""
    if not isinstance(v, list) or len(v) != 3:
        raise CodecError(where, "expected [x, y, z]")
    x, y, z = (coord_from_str(v[i], f"{where}[{i}]") for i in range(3))
    if z == 0:
        return None
    if z != 1:
        raise CodecError(f"{where}[2]", "expected 1 (affine) or 0 (infinity)")
    return check_g1((x, y), where)


def g2_from_snarkjs(v: Any, where: str = "", in_subgroup: Callable[[G2Affine], bool] | None = None) -> G2Affine:
    """Decode and validate a snarkjs G2 point [[x0,x1],[y0,y1],[z0,z1]], z = 1 or 0 (in_subgroup:
    as check_g2's)."""
    if not isinstance(v, list) or len(v) != 3:
        raise CodecError(where, "expected [[x0, x1], [y0, y1], [z0, z1]]")
    x, y, z = (_pair(v[i], f"{where}[{i}]") for i in range(3))
    if z == (0, 0):
        return None
    if z != (1, 0):
        raise CodecError(f"{where}[2]", 'expected ["1", "0"] (affine) or ["0", "0"] (infinity)')
    return check_g2((x, y), where, in_subgroup)
