"""Solidity Groth16 batch verification: a verification key in, `Groth16BatchVerifier` source out.

Takes a zkvmc.groth16.VerificationKey and gives a contract deriving from the key's
`Groth16Verifier` (zkvmc.evm.verifier: same constants, same `verifyProof`) that adds
`verifyBatch(a[], b[], c[], input[])`: k proofs of the key checked with ONE call to the ecPairing
precompile (EIP-197) over k + 3 pairs, the random linear combination of zkvmc.groth16.batch.
A contract cannot keep secrets, so the scalars are derived by hashing (Fiat-Shamir):

    seed = keccak256(abi.encode(a, b, c, input)),  r_i = uint256(keccak256(abi.encode(seed, i))) mod r

and the pairs are e(-r_i A_i, B_i) for each proof, e((sum r_i) alpha, beta), e(sum_j (sum_i r_i
x_ij) IC_j, gamma), e(sum r_i C_i, delta). Changing any proof or signal changes every r_i, so a
prover cannot choose errors that cancel (soundness error about q_hash / r for q_hash hash
queries). `transcript_scalars` recomputes the r_i in Python. Gas: 2k ecMul (A, C) + (n_public +
2) ecMul (alpha, IC) + one pairing of k + 3 pairs, against k (n_public ecMul + 4 pairs). Like
verifyProof it returns false, never reverts, on malformed input. docs/l1.md, "Committing many
batches in one transaction".
"""

from __future__ import annotations

from string import Template
from typing import Sequence

from zkvmc.field import R
from zkvmc.groth16.keys import Proof, VerificationKey

BATCH_VERIFIER = Template("""
/// @title Groth16 batch verifier: k proofs of one key, one ecPairing call over k + 3 pairs
/// @notice verifyProof of Groth16Verifier, and verifyBatch: a random linear combination of the k
///         verification equations (small-exponents batch test), its scalars derived by hashing
///         every proof and public signal (zkvmc.evm.batch_verifier).
/// @dev Returns false, never reverts, on malformed input (as verifyProof).
contract Groth16BatchVerifier is Groth16Verifier {
    /// @notice Verify k proofs of this key at once: true iff all are valid (error ~2^-250).
    /// @param a Proof points A_i = [x, y].
    /// @param b Proof points B_i = [[x_c1, x_c0], [y_c1, y_c0]] (imaginary parts first).
    /// @param c Proof points C_i = [x, y].
    /// @param input Each proof's public signals, each below r.
    /// @return True iff every proof is valid for its signals; false if any is not, or k = 0,
    ///         or the arrays differ in length.
    function verifyBatch(
        uint256[2][] calldata a,
        uint256[2][2][] calldata b,
        uint256[2][] calldata c,
        uint256[$n_public][] calldata input
    ) external view returns (bool) {
        uint256 k = a.length;
        if (k == 0 || b.length != k || c.length != k || input.length != k) return false;
        if (!_batchInRange(a, b, c, input)) return false;
        uint256[] memory rs = _batchScalars(keccak256(abi.encode(a, b, c, input)), k);
        (bool ok, uint256[] memory pairs) = _batchProofPairs(a, b, rs);
        if (!ok) return false;
        uint256[2] memory cSum; // infinity, then sum r_i C_i
        for (uint256 i = 0; i < k; i++) {
            if (!_accumulate(cSum, c[i][0], c[i][1], rs[i])) return false;
        }
        uint256 rSum;
        uint256[2] memory vkX;
        (ok, rSum, vkX) = _batchPublic(input, rs);
        return ok && _batchPairing(pairs, rSum, vkX, cSum);
    }

    /// @dev r_i = keccak256(abi.encode(seed, i)) mod r for i < k.
    function _batchScalars(bytes32 seed, uint256 k) private pure returns (uint256[] memory rs) {
        rs = new uint256[](k);
        for (uint256 i = 0; i < k; i++) {
            rs[i] = uint256(keccak256(abi.encode(seed, i))) % R;
        }
    }

    /// @dev Coordinates below q (the precompiles check it too) and signals below r (s and s + r
    ///      would otherwise pass as the same signal).
    function _batchInRange(
        uint256[2][] calldata a,
        uint256[2][2][] calldata b,
        uint256[2][] calldata c,
        uint256[$n_public][] calldata input
    ) private pure returns (bool) {
        for (uint256 i = 0; i < a.length; i++) {
            if (a[i][0] >= Q || a[i][1] >= Q || c[i][0] >= Q || c[i][1] >= Q) return false;
            if (b[i][0][0] >= Q || b[i][0][1] >= Q || b[i][1][0] >= Q || b[i][1][1] >= Q) return false;
            for (uint256 j = 0; j < $n_public; j++) {
                if (input[i][j] >= R) return false;
            }
        }
        return true;
    }

    /// @dev The k + 3 pairs' words, the first k pairs filled: (s A_i, B_i) with s = r - r_i,
    ///      i.e. -r_i A_i (ecMul checks that A_i is on the curve).
    function _batchProofPairs(uint256[2][] calldata a, uint256[2][2][] calldata b, uint256[] memory rs)
        private view returns (bool ok, uint256[] memory pairs)
    {
        pairs = new uint256[](6 * (a.length + 3));
        for (uint256 i = 0; i < a.length; i++) {
            uint256[3] memory mulIn = [a[i][0], a[i][1], R - rs[i]];
            assembly {
                ok := staticcall(gas(), 0x07, mulIn, 0x60, add(add(pairs, 0x20), mul(i, 0xc0)), 0x40)
            }
            if (!ok) return (false, pairs);
            pairs[6 * i + 2] = b[i][0][0];
            pairs[6 * i + 3] = b[i][0][1];
            pairs[6 * i + 4] = b[i][1][0];
            pairs[6 * i + 5] = b[i][1][1];
        }
    }

    /// @dev sum r_i and sum_i r_i vk_x_i = (sum r_i) IC0 + sum_j (sum_i r_i x_ij) IC_{j+1}: the
    ///      signals are folded with mulmod first, so this is n_public + 1 ecMul whatever k is.
    function _batchPublic(uint256[$n_public][] calldata input, uint256[] memory rs)
        private view returns (bool, uint256 rSum, uint256[2] memory acc)
    {
        uint256[$n_public] memory f;
        for (uint256 i = 0; i < rs.length; i++) {
            uint256 r = rs[i];
            rSum = addmod(rSum, r, R);
            for (uint256 j = 0; j < $n_public; j++) {
                f[j] = addmod(f[j], mulmod(r, input[i][j], R), R);
            }
        }
        if (!_accumulate(acc, IC0_X, IC0_Y, rSum)) return (false, rSum, acc);
$accumulate
        return (true, rSum, acc);
    }

    /// @dev The last three pairs, ((sum r_i) alpha, beta), (vk_x, gamma), (sum r_i C_i, delta),
    ///      then one ecPairing (0x08) call over all k + 3.
    function _batchPairing(
        uint256[] memory pairs,
        uint256 rSum,
        uint256[2] memory vkX,
        uint256[2] memory cSum
    ) private view returns (bool) {
        uint256[2] memory alpha;
        if (!_accumulate(alpha, ALPHA_X, ALPHA_Y, rSum)) return false;
        uint256[18] memory tail = [
            alpha[0], alpha[1], BETA_X1, BETA_X2, BETA_Y1, BETA_Y2,
            vkX[0], vkX[1], GAMMA_X1, GAMMA_X2, GAMMA_Y1, GAMMA_Y2,
            cSum[0], cSum[1], DELTA_X1, DELTA_X2, DELTA_Y1, DELTA_Y2
        ];
        uint256 k = pairs.length / 6 - 3;
        for (uint256 j = 0; j < 18; j++) {
            pairs[6 * k + j] = tail[j];
        }
        uint256[1] memory result;
        bool ok;
        uint256 size = pairs.length * 0x20;
        assembly {
            ok := staticcall(gas(), 0x08, add(pairs, 0x20), size, result, 0x20)
        }
        return ok && result[0] == 1;
    }
}
""")

ACCUMULATE = "        if (!_accumulate(acc, IC{i}_X, IC{i}_Y, f[{j}])) return (false, rSum, acc);"


def batch_verifier_contract(vk: VerificationKey) -> str:
    """The `Groth16BatchVerifier` contract (it needs the key's Groth16Verifier in the same file)."""
    accumulate = "\n".join(ACCUMULATE.format(i=j + 1, j=j) for j in range(vk.n_public))
    return BATCH_VERIFIER.substitute(n_public=vk.n_public, accumulate=accumulate)


def transcript_scalars(publics: Sequence[Sequence[int]], proofs: Sequence[Proof]) -> list[int]:
    """The r_i verifyBatch derives for these proofs and signals (needs eth_abi and eth_hash, the
    `l1` extra): keccak256 of the ABI encoding of (a, b, c, input), then of (seed, i), mod r."""
    from eth_abi import encode
    from eth_hash.auto import keccak

    from zkvmc.evm.encoding import verifier_args

    args = [verifier_args(p, list(x)) for p, x in zip(proofs, publics)]
    n = len(publics[0]) if publics else 0
    seed = keccak(encode(["uint256[2][]", "uint256[2][2][]", "uint256[2][]", f"uint256[{n}][]"],
                         [[list(x.a) for x in args], [[list(x.b[0]), list(x.b[1])] for x in args],
                          [list(x.c) for x in args], [list(x.inputs) for x in args]]))
    return [int.from_bytes(keccak(encode(["bytes32", "uint256"], [seed, i])), "big") % R for i in range(len(args))]
