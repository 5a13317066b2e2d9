"""A `Zkey` (snarkjs's layout) <-> zkvmc's ProvingKey and VerificationKey.

Takes a Zkey and gives the keys zkvmc.groth16.prove/verify use, or the reverse for export.
Everything maps one to one (A -> a_query, B1 -> b_g1_query, B2 -> b_g2_query, C -> l_query,
IC -> gamma_abc_g1; the wire order and the public-input rows are the same as
zkvmc.groth16.qap's) except H. snarkjs's prover evaluates A B - C on the odd coset
x_j = w_2n w_n^j and takes Q_j = [L^(2n)_(2j+1)(tau) / delta]_1; zkvmc's prover takes the
quotient's coefficients and P_k = [tau^k Z(tau) / delta]_1, k < n - 1. As Z = -2 on the odd
coset, P_k = c_k sum_j w_n^(jk) Q_j with c_k = -2 w_2n^k (the identity zkey_verify_frominit.js
checks H with), so P = c * FFT(Q) and Q = iFFT(P / c): one group FFT (zkvmc.ceremony.rawops). zkvmc keys have no [tau^(n-1) Z(tau) / delta]_1; export sets
it to the point at infinity, which changes nothing for quotients of degree <= n - 2 (every
valid witness's) and gives a prover nothing it could not compute itself.
"""

from __future__ import annotations

from typing import Any

from zkvmc.artifacts.zkey import Zkey
from zkvmc.ceremony import rawops
from zkvmc.ceremony.phase2 import coeffs_section
from zkvmc.ceremony.points import G1_SIZE, point_from_lem, point_to_lem, points_from_lem, points_to_lem
from zkvmc.ceremony.verify import coeff_entries
from zkvmc.field import R, inv
from zkvmc.field.ntt import root_of_unity
from zkvmc.groth16.keys import ProvingKey, VerificationKey
from zkvmc.errors import KeyMismatch
from zkvmc.r1cs.system import R1CS


def h_factors(n: int) -> list[int]:
    """c_k = -2 w_2n^k for k < n."""
    w2, out = root_of_unity(2 * n), [R - 2] * n
    for k in range(1, n):
        out[k] = out[k - 1] * w2 % R
    return out


def h_to_power_basis(h: bytes, n: int, backend: str | None = None) -> bytes:
    """snarkjs's H (n points) -> zkvmc's h_query (n - 1 points)."""
    p = rawops.scale_each(rawops.fft(h, root_of_unity(n), False, backend), h_factors(n), False, backend)
    return p[:(n - 1) * G1_SIZE]


def h_from_power_basis(hq: bytes, n: int, backend: str | None = None) -> bytes:
    """zkvmc's h_query (n - 1 points) -> snarkjs's H (n points), with P_(n-1) = infinity."""
    scale = [inv(n * c % R) for c in h_factors(n)]
    p = rawops.scale_each(hq + bytes(G1_SIZE), scale, False, backend)
    return rawops.fft(p, inv(root_of_unity(n)), False, backend)


def zkey_to_keys(z: Zkey, circuit_digest: str) -> tuple[ProvingKey, VerificationKey]:
    """zkvmc's keys for a Zkey (no check of its contributions: `zkvmc ceremony verify` does that)."""
    g1 = point_from_lem
    pk = ProvingKey(alpha_g1=g1(z.alpha_g1), beta_g1=g1(z.beta_g1), beta_g2=g1(z.beta_g2, 0, True),
                    delta_g1=g1(z.delta_g1), delta_g2=g1(z.delta_g2, 0, True), a_query=tuple(points_from_lem(z.a)),
                    b_g1_query=tuple(points_from_lem(z.b1)), b_g2_query=tuple(points_from_lem(z.b2, True)),
                    h_query=tuple(points_from_lem(h_to_power_basis(z.h, z.domain_size))),
                    l_query=tuple(points_from_lem(z.c)), n_public=z.n_public, domain_size=z.domain_size,
                    circuit_digest=circuit_digest)
    vk = VerificationKey(pk.alpha_g1, pk.beta_g2, g1(z.gamma_g2, 0, True), pk.delta_g2,
                         tuple(points_from_lem(z.ic)), circuit_digest)
    return pk, vk


def _same(what: str, a: Any, b: Any) -> None:
    if a != b:
        raise KeyMismatch(f"the proving and verification keys do not belong together ({what} differs)")


def keys_to_zkey(pk: ProvingKey, vk: VerificationKey, r1cs: R1CS) -> Zkey:
    """A snarkjs `.zkey` for zkvmc's keys (no ceremony history: csHash all zero)."""
    check_circuit(pk.n_wires, pk.n_public, pk.domain_size, r1cs)
    _same("alpha", pk.alpha_g1, vk.alpha_g1)
    _same("beta", pk.beta_g2, vk.beta_g2)
    _same("delta", pk.delta_g2, vk.delta_g2)
    _same("number of public signals", pk.n_public, vk.n_public)
    lem1, lem2 = (lambda p: point_to_lem(p)), (lambda p: point_to_lem(p, True))
    return Zkey(n_vars=pk.n_wires, n_public=pk.n_public, domain_size=pk.domain_size,
                alpha_g1=lem1(pk.alpha_g1), beta_g1=lem1(pk.beta_g1), beta_g2=lem2(pk.beta_g2),
                gamma_g2=lem2(vk.gamma_g2), delta_g1=lem1(pk.delta_g1), delta_g2=lem2(pk.delta_g2),
                ic=points_to_lem(vk.gamma_abc_g1), coeffs=coeffs_section(r1cs), a=points_to_lem(pk.a_query),
                b1=points_to_lem(pk.b_g1_query), b2=points_to_lem(pk.b_g2_query, True),
                c=points_to_lem(pk.l_query), h=h_from_power_basis(points_to_lem(pk.h_query), pk.domain_size),
                cs_hash=bytes(64))


def check_circuit(n_vars: int, n_public: int, n: int, r1cs: R1CS) -> None:
    """A key's shape must be the circuit's (KeyMismatch, exit 2)."""
    from zkvmc.groth16.qap import domain_size

    if (n_vars, n_public, n) != (r1cs.n_wires, r1cs.n_public, domain_size(r1cs)):
        raise KeyMismatch(f"the key was made for another circuit ({n_vars} wires, {n_public} public, domain {n}; "
                          f"this circuit has {r1cs.n_wires}, {r1cs.n_public}, {domain_size(r1cs)})")


def check_zkey_circuit(z: Zkey, r1cs: R1CS) -> None:
    """A `.zkey`'s shape and A/B coefficients must be this circuit's (KeyMismatch, exit 2)."""
    check_circuit(z.n_vars, z.n_public, z.domain_size, r1cs)
    if coeff_entries(z.coeffs) != coeff_entries(coeffs_section(r1cs)):
        raise KeyMismatch("the key's A/B coefficients are not this circuit's constraints (made for another circuit)")
