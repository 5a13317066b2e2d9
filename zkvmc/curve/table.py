"""A table of affine points kept as the proving key stores them: raw little-endian coordinates.

Takes the bytes of a proving key's query blob (proving_key.json version 2, docs/groth16.md: per
point x, y, or x0, x1, y0, y1 in G2, each 32 bytes little-endian, infinity all zero) and gives a
read-only sequence of affine points (zkvmc.curve.types) that decodes to ints only when someone
iterates it. The native backend builds its own arrays straight from `raw` (zkvmc.backend.mcl)
and may keep them in `native`, so a key read from a file never holds its n points as Python ints
(issue 15: reading the key was a quarter of `zkvmc prove`). Validation is the reader's job
(zkvmc.artifacts.groth16_files): a table is only made from checked bytes or from points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, overload

from zkvmc.curve.types import G1Affine, G2Affine

COORD = 32
"""Bytes per coordinate."""
_REBUILD, _COUNT = "raw-rebuild", "raw-count"
"""PointTable.native keys of drop_raw's rebuild function and of the number of points."""


def width(g2: bool) -> int:
    """Coordinates per point: 2 in G1, 4 in G2."""
    return 4 if g2 else 2


def raw_of(points: Sequence[G1Affine] | Sequence[G2Affine], g2: bool) -> bytes:
    """Points as little-endian 32-byte coordinates (infinity: all zero)."""
    if isinstance(points, PointTable) and points.g2 == g2:
        return points.raw
    zero, out = bytes(width(g2) * COORD), bytearray()
    for p in points:
        if p is None:
            out += zero
            continue
        for c in ((*p[0], *p[1]) if g2 else p):  # type: ignore[misc]
            out += int(c).to_bytes(COORD, "little")
    return bytes(out)


def _decode(raw: bytes, g2: bool) -> tuple[Any, ...]:
    """The affine points of raw (all-zero = None); no checks (see the module docstring)."""
    fb = int.from_bytes
    cs = [fb(raw[i:i + COORD], "little") for i in range(0, len(raw), COORD)]
    if not g2:
        return tuple(None if x == 0 == y else (x, y) for x, y in zip(cs[0::2], cs[1::2]))
    return tuple(None if not (a or b or c or d) else ((a, b), (c, d))
                 for a, b, c, d in zip(cs[0::4], cs[1::4], cs[2::4], cs[3::4]))


@dataclass(frozen=True, eq=False)
class PointTable(Sequence):  # type: ignore[type-arg]
    """n affine points of one group, as raw coordinates; behaves as a tuple of the points."""

    _raw: bytes | None
    """Little-endian 32-byte coordinates (see `raw`); None once dropped (drop_raw)."""
    g2: bool
    """Whether the points are in G2 (else G1)."""
    native: dict[str, Any] = field(default_factory=dict, repr=False)
    """A backend's own copy of the points by backend name (e.g. mcl's struct array), built once."""

    @classmethod
    def of(cls, points: Sequence[G1Affine] | Sequence[G2Affine], g2: bool) -> PointTable:
        """The table of these points."""
        return cls(raw_of(points, g2), g2)

    @property
    def raw(self) -> bytes:
        """Little-endian 32-byte coordinates, width(g2) per point, infinity all zero (rebuilt
        from the backend's copy, and kept again, if they were dropped)."""
        if self._raw is None:
            object.__setattr__(self, "_raw", self.native[_REBUILD]())
        return self._raw  # type: ignore[return-value]

    def drop_raw(self, rebuild: Callable[[], bytes]) -> None:
        """Free the bytes once a backend holds the points in its own form (issue 15: at 2^18 a
        key's bytes are ~100 MB beside mcl's arrays); rebuild() gives the same bytes back."""
        self.native[_COUNT] = len(self)
        self.native[_REBUILD] = rebuild
        object.__setattr__(self, "_raw", None)

    @property
    def point_bytes(self) -> int:
        """Bytes per point."""
        return width(self.g2) * COORD

    @cached_property
    def points(self) -> tuple[Any, ...]:
        """The points as affine int tuples, decoded once on first use."""
        return _decode(self.raw, self.g2)

    def __len__(self) -> int:
        return len(self._raw) // self.point_bytes if self._raw is not None else int(self.native[_COUNT])

    @overload
    def __getitem__(self, i: int) -> Any: ...

    @overload
    def __getitem__(self, i: slice) -> PointTable: ...

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            part = PointTable(self.raw[start * self.point_bytes:max(start, stop) * self.point_bytes], self.g2) \
                if step == 1 else PointTable.of(self.points[i], self.g2)
            if "points" in self.__dict__:  # decoded already: the part shares the ints
                part.__dict__["points"] = self.points[i]
            return part
        return self.points[i]

    def __iter__(self) -> Any:
        return iter(self.points)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PointTable):
            return self.g2 == other.g2 and self.raw == other.raw
        if isinstance(other, (tuple, list)):
            return self.points == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.raw, self.g2))

    def __reduce__(self) -> tuple[Any, ...]:
        # A backend's native copy (a ctypes array) stays behind: the receiver rebuilds it.
        return PointTable, (self.raw, self.g2)


class ScalarList(list):  # type: ignore[type-arg]
    """A list of scalars (ints mod r) that a backend may keep its own copy of, built once for
    the several MSMs over the same witness (mcl's Fr array: ~0.5 us a scalar each time)."""

    def __init__(self, values: Any = ()) -> None:
        super().__init__(values)
        self.native: dict[str, Any] = {}
        """A backend's own copy by backend name; slices and copies are plain lists without it."""
