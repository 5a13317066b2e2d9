"""SnarkPack prover: n Groth16 proofs of one key -> one AggregateProof of O(log n) size.

Follows eprint 2021/529 (sections 4-5, figures 4-6): commit to the A, B vectors with the
two-tier pair commitment under ck = (v, w) and to C under v; derive r; prove
Z_AB = prod e(A_i, B_i)^(r^i) (TIPP, on (A, B^r) under (v, w^(r^-1)), the same commitment) and
Z_C = sum r^i C_i (MIPP) in one GIPA loop of log2 N halvings; then open the folded keys with
KZG at a challenge z. The prover is deterministic (every challenge is Fiat-Shamir). Takes a
VerificationKey, public inputs, proofs, an SRS and a backend; gives an AggregateProof.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from zkvmc.aggregate import poly
from zkvmc.aggregate.checks import check_statement
from zkvmc.aggregate.protocol import absorb_products, bind_statement, challenge_r, challenge_round, challenge_z, pad
from zkvmc.aggregate.srs import commitment_key, padded_size, verifier_srs
from zkvmc.aggregate.types import SRS, AggregateProof, GipaRound, GTPair
from zkvmc.backend import Backend, get_backend
from zkvmc.field import R
from zkvmc.groth16.keys import Proof, VerificationKey
from zkvmc.errors import MalformedInput


@dataclass
class _Vectors:
    """The working vectors GIPA halves each round (mutable on purpose: rebound every round)."""

    a: list[Any]
    b: list[Any]
    c: list[Any]
    r: list[int]
    v1: list[Any]
    v2: list[Any]
    w1: list[Any]
    w2: list[Any]


def pair_commit(be: Backend, v: tuple[Sequence[Any], Sequence[Any]], w: tuple[Sequence[Any], Sequence[Any]],
                a: Sequence[Any], b: Sequence[Any]) -> GTPair:
    """CM((v, w), (A, B)) = (prod e(A_i, v1_i) e(w1_i, B_i), the same under v2, w2)."""
    return tuple(be.gt_pairing(list(zip(a, vs)) + list(zip(ws, b))) for vs, ws in zip(v, w))


def single_commit(be: Backend, v: tuple[Sequence[Any], Sequence[Any]], c: Sequence[Any]) -> GTPair:
    """CM(v, C) = (prod e(C_i, v1_i), prod e(C_i, v2_i))."""
    return tuple(be.gt_pairing(list(zip(c, vs))) for vs in v)


def _scale_g1(be: Backend, pts: Sequence[Any], ks: Sequence[int]) -> list[Any]:
    return [be.g1_msm([p], [k]) for p, k in zip(pts, ks)]


def _scale_g2(be: Backend, pts: Sequence[Any], ks: Sequence[int]) -> list[Any]:
    return [be.g2_msm([p], [k]) for p, k in zip(pts, ks)]


def _fold_g1(be: Backend, xs: list[Any], k: int) -> list[Any]:
    """x_L + k x_R, element-wise."""
    h = len(xs) // 2
    return [be.g1_msm([lo, hi], [1, k]) for lo, hi in zip(xs[:h], xs[h:])]


def _fold_g2(be: Backend, xs: list[Any], k: int) -> list[Any]:
    h = len(xs) // 2
    return [be.g2_msm([lo, hi], [1, k]) for lo, hi in zip(xs[:h], xs[h:])]


def _messages(be: Backend, s: _Vectors) -> GipaRound:
    """Round messages: the cross commitments and cross products of the two halves."""
    h = len(s.a) // 2
    lo, hi = slice(0, h), slice(h, None)
    return GipaRound(
        tab_l=pair_commit(be, (s.v1[lo], s.v2[lo]), (s.w1[hi], s.w2[hi]), s.a[hi], s.b[lo]),
        tab_r=pair_commit(be, (s.v1[hi], s.v2[hi]), (s.w1[lo], s.w2[lo]), s.a[lo], s.b[hi]),
        tuc_l=single_commit(be, (s.v1[lo], s.v2[lo]), s.c[hi]),
        tuc_r=single_commit(be, (s.v1[hi], s.v2[hi]), s.c[lo]),
        zab_l=be.gt_pairing(list(zip(s.a[hi], s.b[lo]))), zab_r=be.gt_pairing(list(zip(s.a[lo], s.b[hi]))),
        zc_l=be.g1_msm(s.c[hi], s.r[lo]), zc_r=be.g1_msm(s.c[lo], s.r[hi]))


def _fold(be: Backend, s: _Vectors, x: int) -> _Vectors:
    """A, C, w fold with x; B, r, v with x^-1 (so every cross term pairs x with x^-1)."""
    xi, h = pow(x, -1, R), len(s.a) // 2
    return _Vectors(a=_fold_g1(be, s.a, x), b=_fold_g2(be, s.b, xi), c=_fold_g1(be, s.c, x),
                    r=[(lo + xi * hi) % R for lo, hi in zip(s.r[:h], s.r[h:])],
                    v1=_fold_g2(be, s.v1, xi), v2=_fold_g2(be, s.v2, xi),
                    w1=_fold_g1(be, s.w1, x), w2=_fold_g1(be, s.w2, x))


def _open_v(be: Backend, srs: SRS, x: list[int], z: int) -> tuple[Any, Any]:
    """KZG openings at z of f_v under a and b: [q(a)]_2, [q(b)]_2, q = (f_v - f_v(z)) / (X - z)."""
    q, _ = poly.divide_linear(poly.product_coeffs(poly.v_factors([pow(xj, -1, R) for xj in x])), z)
    return be.g2_msm(list(srs.h_alpha[:len(q)]), q), be.g2_msm(list(srs.h_beta[:len(q)]), q)


def _open_w(be: Backend, srs: SRS, x: list[int], r: int, z: int) -> tuple[Any, Any]:
    """KZG openings at z of f_w = X^N prod(1 + x_j (X/r)^d_j) under a and b (G1)."""
    f = poly.product_coeffs(poly.w_factors(x, r))
    q, _ = poly.divide_linear([0] * len(f) + f, z)
    return be.g1_msm(list(srs.g_alpha[:len(q)]), q), be.g1_msm(list(srs.g_beta[:len(q)]), q)


def _commit(be: Backend, ps: list[Proof], srs: SRS, m: int) -> tuple[GTPair, GTPair]:
    """com_AB and com_C of the padded proofs under ck for m proofs."""
    ck = commitment_key(srs, m)
    com_ab = pair_commit(be, (ck.v1, ck.v2), (ck.w1, ck.w2), [p.a for p in ps], [p.b for p in ps])
    return com_ab, single_commit(be, (ck.v1, ck.v2), [p.c for p in ps])


def _randomised(be: Backend, ps: list[Proof], srs: SRS, r: int) -> tuple[_Vectors, Any, Any]:
    """The GIPA's starting vectors (A, B^r, C, r^i, v, w^(r^-i)) and the claims Z_AB, Z_C."""
    m = len(ps)
    rs, r_inv = [pow(r, i, R) for i in range(m)], pow(r, -1, R)
    ri = [pow(r_inv, i, R) for i in range(m)]
    ck = commitment_key(srs, m)
    a, c, b_r = [p.a for p in ps], [p.c for p in ps], _scale_g2(be, [p.b for p in ps], rs)
    vectors = _Vectors(a, b_r, c, rs, list(ck.v1), list(ck.v2), _scale_g1(be, ck.w1, ri), _scale_g1(be, ck.w2, ri))
    return vectors, be.gt_pairing(list(zip(a, b_r))), be.g1_msm(c, rs)


def aggregate_proofs(vk: VerificationKey, publics: Sequence[Sequence[int]], proofs: Sequence[Proof], srs: SRS,
                     backend: Backend | None = None) -> AggregateProof:
    """The aggregate of proofs (public inputs publics[i] for proofs[i]). MalformedInput if an input
    is ill-formed or there are more than the SRS allows. The proofs are not verified here (the
    CLI does that first): an invalid one yields an aggregate that verify_aggregate rejects."""
    be = backend if backend is not None else get_backend(None)
    check_statement(vk, publics, proofs, be)
    n, m = len(proofs), padded_size(len(proofs))
    if m > srs.max_proofs:
        raise MalformedInput(f"{n} proofs (padded to {m}) exceed the SRS maximum of {srs.max_proofs}")
    ps, t = pad(proofs, m), bind_statement(vk, publics, m, verifier_srs(srs))
    com_ab, com_c = _commit(be, ps, srs, m)
    r = challenge_r(t, com_ab, com_c)
    s, ip_ab, agg_c = _randomised(be, ps, srs, r)
    absorb_products(t, ip_ab, agg_c)
    rounds, xs = [], []
    while len(s.a) > 1:
        rounds.append(_messages(be, s))
        xs.append(challenge_round(t, rounds[-1]))
        s = _fold(be, s, xs[-1])
    final_v, final_w = (s.v1[0], s.v2[0]), (s.w1[0], s.w2[0])
    z = challenge_z(t, s.a[0], s.b[0], s.c[0], final_v, final_w)
    return AggregateProof(n=n, com_ab=com_ab, com_c=com_c, ip_ab=ip_ab, agg_c=agg_c, rounds=tuple(rounds),
                          final_a=s.a[0], final_b=s.b[0], final_c=s.c[0], final_v=final_v, final_w=final_w,
                          open_v=_open_v(be, srs, xs, z), open_w=_open_w(be, srs, xs, r, z))
