"""The iden3 binary container shared by `.r1cs` and `.wtns` (docs/formats.md, "iden3 binary formats").

Takes bytes, gives (version, sections) with every length checked; and builds a file from
sections. Layout as in @iden3/binfileutils (readBinFile/createBinFile): 4-byte magic, u32
version, u32 section count, then per section u32 type, u64 byte size and the body; all
integers little-endian. Field elements are n8-byte little-endian integers in standard form.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from zkvmc.artifacts.io import read_file_bytes
from zkvmc.errors import ArtifactError

ZK_SECTION = 0x7A6B
"""Type of zkvmc's own section (iden3 readers skip section types they do not know)."""
N8 = 32
"""Bytes per BN254 scalar field element."""


@dataclass(frozen=True)
class BinFile:
    """A parsed container: its version and the bodies of its sections, by type."""

    version: int
    """The file's version number."""
    sections: dict[int, list[bytes]]
    """Section type -> bodies in file order (a type may repeat; readers decide if it may)."""


class Cursor:
    """Reads little-endian fields from one section, naming the file and section when it runs out."""

    def __init__(self, path: str, where: str, data: bytes) -> None:
        self.path, self.where, self.data, self.pos = path, where, data, 0

    def take(self, n: int, what: str) -> bytes:
        """The next n bytes of the section."""
        if self.pos + n > len(self.data):
            raise ArtifactError(self.path, f"{self.where}.{what}",
                                f"section truncated (needs {self.pos + n} bytes, has {len(self.data)})")
        b = self.data[self.pos : self.pos + n]
        self.pos += n
        return b

    def u32(self, what: str) -> int:
        """An unsigned 32-bit integer."""
        return int(struct.unpack("<I", self.take(4, what))[0])

    def u64(self, what: str) -> int:
        """An unsigned 64-bit integer."""
        return int(struct.unpack("<Q", self.take(8, what))[0])

    def big(self, n8: int, what: str) -> int:
        """An n8-byte little-endian integer."""
        return int.from_bytes(self.take(n8, what), "little")

    def done(self) -> None:
        """Require the section to be fully consumed (as binfileutils.endReadSection does)."""
        if self.pos != len(self.data):
            raise ArtifactError(self.path, self.where,
                                f"section size {len(self.data)} but its content ends at byte {self.pos}")


def read_bytes(path: str) -> bytes:
    """A file's bytes; a missing or unreadable file is an ArtifactError naming it."""
    return read_file_bytes(path, "binary file")


def parse_container(data: bytes, path: str, magic: str, version: int) -> BinFile:
    """Split a file into sections, checking magic, version and every section's extent."""
    if data[:4] != magic.encode():
        raise ArtifactError(path, "magic", f"not an iden3 {magic!r} file (starts with {data[:4]!r})")
    head = Cursor(path, "header", data)
    head.take(4, "magic")
    found = head.u32("version")
    if found != version:
        raise ArtifactError(path, "version", f"unsupported version {found} (this zkvmc reads {version})")
    n_sections = head.u32("n_sections")
    sections: dict[int, list[bytes]] = {}
    for i in range(n_sections):
        kind = head.u32(f"section[{i}].type")
        size = head.u64(f"section[{i}].size")
        body = head.take(size, f"section[{i}] (type {kind})")
        sections.setdefault(kind, []).append(body)
    if head.pos != len(data):
        raise ArtifactError(path, "sections", f"{len(data) - head.pos} bytes after the last of {n_sections} sections")
    return BinFile(version, sections)


def unique_section(path: str, bf: BinFile, kind: int, name: str) -> bytes:
    """The one body of a required section."""
    bodies = bf.sections.get(kind, [])
    if len(bodies) != 1:
        what = "missing" if not bodies else f"appears {len(bodies)} times"
        raise ArtifactError(path, f"section {kind} ({name})", what)
    return bodies[0]


def optional_section(path: str, bf: BinFile, kind: int, name: str) -> bytes | None:
    """The body of a section that may be absent (but not repeated)."""
    return unique_section(path, bf, kind, name) if kind in bf.sections else None


def u32(v: int) -> bytes:
    """A little-endian u32."""
    return struct.pack("<I", v)


def u64(v: int) -> bytes:
    """A little-endian u64."""
    return struct.pack("<Q", v)


def fe(v: int) -> bytes:
    """A field element: 32 bytes little-endian, standard (not Montgomery) form."""
    return v.to_bytes(N8, "little")


def build_container(magic: str, version: int, sections: list[tuple[int, bytes]]) -> bytes:
    """The file's bytes: header, then each (type, body) in the given order."""
    parts = [magic.encode(), u32(version), u32(len(sections))]
    for kind, body in sections:
        parts += [u32(kind), u64(len(body)), body]
    return b"".join(parts)


def read_field_header(path: str, cur: Cursor, where: str) -> None:
    """The field description both iden3 formats start their header with: n8 = 32 and the
    BN254 scalar prime r (little-endian)."""
    from zkvmc.field import R

    n8 = cur.u32("n8")
    if n8 != N8:
        raise ArtifactError(path, f"{where}.n8", f"field element size {n8}, expected {N8} (BN254)")
    if cur.big(N8, "prime") != R:
        raise ArtifactError(path, f"{where}.prime", "not the BN254 scalar field modulus r")
