"""The accounts' sparse binary Poseidon Merkle tree: pure maths, no I/O.

A tree of depth d has leaves at indices 0 .. 2^d - 1. Levels count from the leaves (level 0) to
the root (level d); the node at (level k + 1, i) is node(left = (k, 2i), right = (k, 2i + 1)) with
node(l, r) = poseidon2(l, r), circomlib's Poseidon([l, r]). Bit k of a leaf's index (LSB first)
says whether its ancestor at level k is a right child (1) or a left child (0).

An empty leaf is 0, and a subtree without any non-empty leaf hashes to its default
z[k] (z[0] = 0, z[k + 1] = poseidon2(z[k], z[k])), so a store keeps only the nodes that differ
from their level's default. `sparse_nodes` computes those nodes from the non-empty leaves;
`naive_root` is the full 2^d recomputation the tests hold it to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from zkvmc.errors import InvalidValue
from zkvmc.field import R
from zkvmc.hash.poseidon import poseidon2

MIN_DEPTH = 1
"""Smallest supported tree depth."""

MAX_DEPTH = 32
"""Largest supported tree depth (indices fit in 32 bits)."""

NodeKey = tuple[int, int]
"""(level, index within the level) of a tree node; level 0 holds the leaves."""


def check_depth(depth: int) -> int:
    """depth itself if MIN_DEPTH <= depth <= MAX_DEPTH, else ValueError."""
    if isinstance(depth, bool) or not isinstance(depth, int) or not MIN_DEPTH <= depth <= MAX_DEPTH:
        raise InvalidValue(f"tree depth must be an integer from {MIN_DEPTH} to {MAX_DEPTH}, got {depth!r}")
    return depth


def check_index(index: int, depth: int) -> int:
    """index itself if 0 <= index < 2^depth, else ValueError."""
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < 1 << depth:
        raise InvalidValue(f"account index must be an integer from 0 to 2^{depth} - 1, got {index!r}")
    return index


def check_element(value: int, what: str) -> int:
    """value itself if it is a field element in [0, r), else ValueError naming `what`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < R:
        raise InvalidValue(f"{what} must be a field element in [0, r), got {value!r}")
    return value


def node_hash(left: int, right: int) -> int:
    """The parent of two nodes: Poseidon([left, right])."""
    return poseidon2(left, right)


def sibling_keys(index: int, depth: int) -> list[NodeKey]:
    """(level, index) of the sibling of the leaf's path node at each level, bottom-up."""
    return [(level, (index >> level) ^ 1) for level in range(depth)]


@lru_cache(maxsize=None)
def default_hashes(depth: int) -> tuple[int, ...]:
    """z[0 .. depth]: z[k] is the hash of an empty subtree of height k (z[0] = 0, the empty leaf)."""
    check_depth(depth)
    if depth == MIN_DEPTH:
        return (0, node_hash(0, 0))
    below = default_hashes(depth - 1)
    return below + (node_hash(below[-1], below[-1]),)


@dataclass(frozen=True)
class MerkleProof:
    """That `leaf` sits at `index` in the tree whose root is `root`."""

    index: int
    """The leaf's index; bit k says whether the path node at level k is a right child."""
    leaf: int
    """The leaf value (0 for an empty account)."""
    siblings: tuple[int, ...]
    """The sibling of the path node at each level, bottom-up (len = tree depth)."""
    root: int
    """The root the proof claims."""

    @property
    def depth(self) -> int:
        """The tree depth, the number of siblings."""
        return len(self.siblings)


def root_from_path(leaf: int, index: int, siblings: Sequence[int]) -> int:
    """The root reached by hashing leaf up with its bottom-up siblings, turning at index's bits.

    ValueError if index does not fit in len(siblings) bits or a value is not in [0, r).
    """
    check_depth(len(siblings))
    check_index(index, len(siblings))
    node = check_element(leaf, "leaf")
    for level, sibling in enumerate(siblings):
        check_element(sibling, f"sibling at level {level}")
        node = node_hash(sibling, node) if index >> level & 1 else node_hash(node, sibling)
    return node


def verify_proof(proof: MerkleProof) -> bool:
    """Whether the proof's leaf, index and siblings hash up to its root.

    A malformed proof (index out of range, a value not in [0, r), no siblings) is a ValueError.
    """
    return root_from_path(proof.leaf, proof.index, proof.siblings) == proof.root


def sparse_nodes(leaves: Mapping[int, int], depth: int) -> dict[NodeKey, int]:
    """Every node that differs from its level's default, for the given leaves (index -> value).

    Costs one hash per non-default internal node: at most len(leaves) * depth.
    """
    check_depth(depth)
    z = default_hashes(depth)
    level_nodes = {check_index(i, depth): check_element(v, f"leaf {i}") for i, v in leaves.items()}
    out: dict[NodeKey, int] = {}
    for level in range(depth + 1):
        level_nodes = {i: v for i, v in level_nodes.items() if v != z[level]}
        out.update(((level, i), v) for i, v in level_nodes.items())
        if level < depth:
            level_nodes = _parents(level_nodes, z[level])
    return out


def _parents(nodes: Mapping[int, int], default: int) -> dict[int, int]:
    """The parents of the given non-default nodes of one level (absent siblings are `default`)."""
    parents: dict[int, int] = {}
    for i in nodes:
        p = i >> 1
        if p not in parents:
            parents[p] = node_hash(nodes.get(2 * p, default), nodes.get(2 * p + 1, default))
    return parents


def sparse_root(leaves: Mapping[int, int], depth: int) -> int:
    """The root of the tree with the given leaves (index -> value), the others empty."""
    return sparse_nodes(leaves, depth).get((depth, 0), default_hashes(depth)[depth])


def naive_root(leaves: Mapping[int, int], depth: int) -> int:
    """The root by hashing all 2^depth leaves level by level: the reference for tests (slow)."""
    check_depth(depth)
    level = [0] * (1 << depth)
    for i, v in leaves.items():
        level[check_index(i, depth)] = check_element(v, f"leaf {i}")
    while len(level) > 1:
        level = [node_hash(level[j], level[j + 1]) for j in range(0, len(level), 2)]
    return level[0]
