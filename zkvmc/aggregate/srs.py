"""The aggregation SRS: made (insecurely, for tests) from two secrets, checked, and specialised.

SnarkPack (eprint 2021/529 section 5.1) needs the powers of two independent secrets a and b:
[a^i]_1, [b^i]_1 for i < 2N and [a^i]_2, [b^i]_2 for i < N, N = the most proofs (a power of two).
Two public powers-of-tau ceremonies give exactly this (docs/aggregation.md says how);
`insecure_setup` makes it from secrets it knows, so whoever runs it could forge aggregates: tests
and development only. Takes a size, an rng and a backend; gives an SRS, the commitment key
ck = (v, w) for m proofs (v = [a^i, b^i]_2, w = [a^(m+i), b^(m+i)]_1, i < m) and the verifier's
six points.
"""

from __future__ import annotations

import secrets
from typing import Any

from zkvmc.aggregate.types import SRS, CommitmentKey, VerifierSRS
from zkvmc.backend import Backend
from zkvmc.curve.adapter import FIELD_MODULUS, G1_GEN, G2_GEN
from zkvmc.errors import InvalidValue  # a ValueError too
from zkvmc.field import R


def is_size(n: int) -> bool:
    """Whether n can be an SRS size or padded proof count: a power of two, at least 2."""
    return n >= 2 and n & (n - 1) == 0


def padded_size(n: int) -> int:
    """N: n proofs padded to a power of two, at least 2 (GIPA halves until one is left)."""
    return max(2, 1 << (n - 1).bit_length())


def _powers(s: int, count: int) -> list[int]:
    out, x = [], 1
    for _ in range(count):
        out.append(x)
        x = x * s % R
    return out


def insecure_setup(size: int, rng: Any, backend: Backend, jobs: int = 1) -> SRS:
    """An SRS for up to `size` proofs from secrets a, b drawn from rng (randrange) and then dropped."""
    if not is_size(size):
        raise InvalidValue(f"the SRS size must be a power of two >= 2, not {size}")
    a, b = rng.randrange(2, R), rng.randrange(2, R)
    pa, pb = _powers(a, 2 * size), _powers(b, 2 * size)
    return SRS(g_alpha=tuple(backend.g1_fixed_base(G1_GEN, pa, jobs)),
               g_beta=tuple(backend.g1_fixed_base(G1_GEN, pb, jobs)),
               h_alpha=tuple(backend.g2_fixed_base(G2_GEN, pa[:size], jobs)),
               h_beta=tuple(backend.g2_fixed_base(G2_GEN, pb[:size], jobs)))


def commitment_key(srs: SRS, m: int) -> CommitmentKey:
    """ck for m proofs (m a power of two <= N): v from the G2 powers 0..m-1, w from the G1 powers m..2m-1."""
    if not is_size(m) or m > srs.max_proofs:
        raise InvalidValue(f"cannot specialise an SRS for {srs.max_proofs} proofs to {m}")
    return CommitmentKey(v1=srs.h_alpha[:m], v2=srs.h_beta[:m], w1=srs.g_alpha[m:2 * m], w2=srs.g_beta[m:2 * m])


def verifier_srs(srs: SRS) -> VerifierSRS:
    """The six points verify_aggregate uses."""
    return VerifierSRS(g=srs.g_alpha[0], h=srs.h_alpha[0], g_alpha=srs.g_alpha[1], g_beta=srs.g_beta[1],
                       h_alpha=srs.h_alpha[1], h_beta=srs.h_beta[1])


def _neg1(p: Any) -> Any:
    return None if p is None else (p[0], -p[1] % FIELD_MODULUS)


def _powers_ok(g: tuple[Any, ...], h: tuple[Any, ...], be: Backend) -> bool:
    """Whether g = [s^i]_1 and h = [s^i]_2 for one s: g_0, h_0 the generators, and with random rho
    e(sum rho_i g_(i+1), h_0) = e(sum rho_i g_i, h_1) and e(g_1, sum rho_i h_i) = e(g_0, sum rho_i h_(i+1))
    (a wrong power passes with probability 1/r)."""
    if g[0] != G1_GEN or h[0] != G2_GEN or g[1] in (None, G1_GEN):  # s = 0 or 1: no secret at all
        return False
    rg = [1 + secrets.randbelow(R - 1) for _ in range(len(g) - 1)]
    rh = [1 + secrets.randbelow(R - 1) for _ in range(len(h) - 1)]
    g_hi, g_lo = be.g1_msm(list(g[1:]), rg), be.g1_msm(list(g[:-1]), rg)
    h_lo, h_hi = be.g2_msm(list(h[:-1]), rh), be.g2_msm(list(h[1:]), rh)
    return (be.pairing_product_is_one([(g_hi, h[0]), (_neg1(g_lo), h[1])])
            and be.pairing_product_is_one([(g[1], h_lo), (_neg1(g[0]), h_hi)]))


def structure_ok(srs: SRS, be: Backend) -> bool:
    """Whether both halves of the SRS are consistent powers of one secret each, and the secrets differ."""
    if len(srs.g_alpha) != 2 * srs.max_proofs or len(srs.g_beta) != 2 * srs.max_proofs:
        return False
    if len(srs.h_beta) != srs.max_proofs or srs.g_alpha[1] == srs.g_beta[1]:
        return False
    return _powers_ok(srs.g_alpha, srs.h_alpha, be) and _powers_ok(srs.g_beta, srs.h_beta, be)


def verifier_srs_ok(v: VerifierSRS, be: Backend) -> bool:
    """The verifier's cheap version: generators, e([s]_1, h) = e(g, [s]_2) for s = a, b, and a != b."""
    if v.g != G1_GEN or v.h != G2_GEN or v.g_alpha == v.g_beta or {v.g_alpha, v.g_beta} & {None, G1_GEN}:
        return False
    return all(be.pairing_product_is_one([(gs, v.h), (_neg1(v.g), hs)])
               for gs, hs in ((v.g_alpha, v.h_alpha), (v.g_beta, v.h_beta)))
