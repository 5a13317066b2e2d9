"""The accounts' sparse Poseidon Merkle tree (zkvmc.rollup.tree): defaults, sparse vs naive roots, proofs."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvmc.field import R
from zkvmc.hash.poseidon import poseidon2
from zkvmc.rollup.tree import (
    MAX_DEPTH,
    MerkleProof,
    default_hashes,
    naive_root,
    root_from_path,
    sibling_keys,
    sparse_nodes,
    sparse_root,
    verify_proof,
)

POSEIDON_0_0 = 14744269619966411208579211824598458697587494354926760081771325075741142829156
"""circomlibjs Poseidon([0, 0]) (tests/test_poseidon.py), the default of a height-1 subtree."""


def full_levels(leaves: dict[int, int], depth: int) -> list[list[int]]:
    """Every level of the full tree, leaves first (a second, independent reference)."""
    levels = [[leaves.get(i, 0) for i in range(1 << depth)]]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([poseidon2(below[j], below[j + 1]) for j in range(0, len(below), 2)])
    return levels


def full_proof(leaves: dict[int, int], depth: int, index: int) -> MerkleProof:
    """The proof of one leaf read off the full tree."""
    levels = full_levels(leaves, depth)
    siblings = tuple(levels[k][(index >> k) ^ 1] for k in range(depth))
    return MerkleProof(index, levels[0][index], siblings, levels[depth][0])


leaf_values = st.one_of(st.integers(1, 1000), st.integers(0, R - 1))


@st.composite
def trees(draw: st.DrawFn, min_depth: int = 4, max_depth: int = 8) -> tuple[int, dict[int, int]]:
    """A depth and a sparse leaf map (some leaves explicitly 0)."""
    depth = draw(st.integers(min_depth, max_depth))
    leaves = draw(st.dictionaries(st.integers(0, (1 << depth) - 1), leaf_values, max_size=10))
    return depth, leaves


# ------------------------------------------------------------------ default hashes


def test_default_hashes_start_from_the_empty_leaf() -> None:
    z = default_hashes(4)
    assert len(z) == 5
    assert z[0] == 0
    assert z[1] == POSEIDON_0_0
    assert all(z[k + 1] == poseidon2(z[k], z[k]) for k in range(4))


def test_default_hashes_are_cached_and_prefixes_of_each_other() -> None:
    assert default_hashes(16) is default_hashes(16)
    assert default_hashes(MAX_DEPTH)[:9] == default_hashes(8)


@pytest.mark.parametrize("depth", [0, MAX_DEPTH + 1, -1, True, 4.0])
def test_depth_out_of_range_is_refused(depth: object) -> None:
    with pytest.raises(ValueError, match="depth"):
        default_hashes(depth)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="depth"):
        sparse_root({}, depth)  # type: ignore[arg-type]


@pytest.mark.parametrize("depth", [1, 3, 6])
def test_empty_tree_root_is_the_default(depth: int) -> None:
    assert naive_root({}, depth) == sparse_root({}, depth) == default_hashes(depth)[depth]
    assert sparse_nodes({}, depth) == {}


# ------------------------------------------------------------------ sparse vs naive


@settings(max_examples=25, deadline=None)
@given(trees())
def test_sparse_root_equals_naive_root(tree: tuple[int, dict[int, int]]) -> None:
    depth, leaves = tree
    assert sparse_root(leaves, depth) == naive_root(leaves, depth)


@settings(max_examples=10, deadline=None)
@given(trees(max_depth=6))
def test_sparse_nodes_are_exactly_the_non_default_nodes(tree: tuple[int, dict[int, int]]) -> None:
    depth, leaves = tree
    z = default_hashes(depth)
    levels = full_levels(leaves, depth)
    expected = {(k, i): h for k, level in enumerate(levels) for i, h in enumerate(level) if h != z[k]}
    assert sparse_nodes(leaves, depth) == expected


def test_single_leaf_root_by_hand() -> None:
    z = default_hashes(2)
    # leaf 7 at index 2 = 0b10: left child at level 0, right child at level 1
    expected = poseidon2(z[1], poseidon2(7, 0))
    assert naive_root({2: 7}, 2) == sparse_root({2: 7}, 2) == expected


def test_leaf_index_and_value_are_checked() -> None:
    with pytest.raises(ValueError, match="index"):
        naive_root({16: 1}, 4)
    with pytest.raises(ValueError, match="index"):
        sparse_root({-1: 1}, 4)
    with pytest.raises(ValueError, match="field element"):
        sparse_root({0: R}, 4)


# ------------------------------------------------------------------ proofs


def test_sibling_keys_flip_the_index_bit_per_level() -> None:
    assert sibling_keys(0b1011, 4) == [(0, 0b1010), (1, 0b100), (2, 0b11), (3, 0)]


@settings(max_examples=15, deadline=None)
@given(trees(max_depth=6), st.data())
def test_proofs_from_the_full_tree_verify(tree: tuple[int, dict[int, int]], data: st.DataObject) -> None:
    depth, leaves = tree
    index = data.draw(st.sampled_from(sorted(leaves)) if leaves else st.integers(0, (1 << depth) - 1))
    proof = full_proof(leaves, depth, index)
    assert proof.depth == depth
    assert verify_proof(proof)
    assert root_from_path(proof.leaf, index, proof.siblings) == naive_root(leaves, depth)


def test_tampered_proofs_fail() -> None:
    depth = 5
    leaves = {3: 11, 4: 12, 17: 13, 30: 14}
    proof = full_proof(leaves, depth, 17)
    assert verify_proof(proof)
    for level in range(depth):
        siblings = list(proof.siblings)
        siblings[level] = (siblings[level] + 1) % R
        assert not verify_proof(replace(proof, siblings=tuple(siblings))), level
    assert not verify_proof(replace(proof, leaf=proof.leaf + 1))
    assert not verify_proof(replace(proof, leaf=0))
    assert not verify_proof(replace(proof, root=(proof.root + 1) % R))
    for other in (16, 19, 1, 0, 31):
        assert not verify_proof(replace(proof, index=other)), other
    reversed_siblings = replace(proof, siblings=proof.siblings[::-1])
    assert not verify_proof(reversed_siblings)


def test_malformed_proofs_are_errors() -> None:
    proof = full_proof({1: 5}, 3, 1)
    with pytest.raises(ValueError, match="index"):
        verify_proof(replace(proof, index=1 + 8))  # would alias index 1 if the high bit were ignored
    with pytest.raises(ValueError, match="index"):
        verify_proof(replace(proof, index=-1))
    with pytest.raises(ValueError, match="field element"):
        verify_proof(replace(proof, leaf=R + 5))
    with pytest.raises(ValueError, match="sibling at level 2"):
        verify_proof(replace(proof, siblings=proof.siblings[:2] + (R,)))
    with pytest.raises(ValueError, match="depth"):
        root_from_path(5, 0, ())
