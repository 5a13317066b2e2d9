"""SnarkPack verifier: VerificationKey + n public-input lists + AggregateProof + SRS -> bool.

Replays the transcript (zkvmc.aggregate.protocol) to get r, x_0 .. x_{k-1} and z, then checks
(eprint 2021/529 section 5, figure 6):
  1. the aggregated Groth16 equation  Z_AB = e(alpha, beta)^(sum r^i) e(sum r^i vk_x_i, gamma) e(Z_C, delta);
  2. GIPA: the commitments and claimed products folded with x_j^(+-1) equal those of the final
     single values under the final keys (TIPP for (A, B), MIPP for C with the folded r vector);
  3. KZG: the final keys are the commitment-key polynomials f_v, f_w evaluated at the SRS secrets.
O(log n) GT exponentiations and a constant number of pairings, plus one MSM over the key's
n_public + 1 points. Ill-formed inputs raise MalformedInput (exit 2); a false claim returns False.
"""

from __future__ import annotations

from typing import Any, Sequence

from zkvmc.aggregate import poly
from zkvmc.aggregate.checks import check_aggregate, check_statement
from zkvmc.errors import BadSRS
from zkvmc.aggregate.protocol import absorb_products, bind_statement, challenge_r, challenge_round, challenge_z, pad
from zkvmc.aggregate.srs import verifier_srs, verifier_srs_ok
from zkvmc.aggregate.types import GT, SRS, AggregateProof, VerifierSRS
from zkvmc.backend import Backend, get_backend
from zkvmc.curve.adapter import FIELD_MODULUS
from zkvmc.field import R
from zkvmc.groth16.keys import VerificationKey


def _neg(p: Any) -> Any:
    return None if p is None else (p[0], -p[1] % FIELD_MODULUS)


def _fold_gt(be: Backend, start: GT, sides: list[tuple[GT, GT]], xs: list[int]) -> GT:
    """start * prod_j L_j^x_j R_j^(x_j^-1)."""
    acc = start
    for (left, right), x in zip(sides, xs):
        acc = be.gt_mul(acc, be.gt_mul(be.gt_pow(left, x), be.gt_pow(right, pow(x, -1, R))))
    return acc


def groth16_ok(be: Backend, vk: VerificationKey, publics: list[Sequence[int]], agg: AggregateProof, r: int) -> bool:
    """Z_AB == e((sum r^i) alpha, beta) e(sum_j (sum_i r^i x_ij) IC_j, gamma) e(Z_C, delta), i < N."""
    rs = [pow(r, i, R) for i in range(len(publics))]
    ks = [sum(rs) % R] + [sum(ri * xs[j] for ri, xs in zip(rs, publics)) % R for j in range(vk.n_public)]
    vk_x = be.g1_msm(list(vk.gamma_abc_g1), ks)
    rhs = be.gt_pairing([(be.g1_msm([vk.alpha_g1], [ks[0]]), vk.beta_g2), (vk_x, vk.gamma_g2),
                         (agg.agg_c, vk.delta_g2)])
    return rhs == agg.ip_ab


def gipa_ok(be: Backend, agg: AggregateProof, xs: list[int], r: int) -> bool:
    """TIPP and MIPP: the folded claims against the final values (five GT equalities, one in G1)."""
    rounds = agg.rounds
    fa, fb, fc, (v1, v2), (w1, w2) = agg.final_a, agg.final_b, agg.final_c, agg.final_v, agg.final_w
    for k, (v, w) in enumerate(((v1, w1), (v2, w2))):
        if _fold_gt(be, agg.com_ab[k], [(x.tab_l[k], x.tab_r[k]) for x in rounds], xs) != be.gt_pairing([(fa, v), (w, fb)]):
            return False
        if _fold_gt(be, agg.com_c[k], [(x.tuc_l[k], x.tuc_r[k]) for x in rounds], xs) != be.gt_pairing([(fc, v)]):
            return False
    if _fold_gt(be, agg.ip_ab, [(x.zab_l, x.zab_r) for x in rounds], xs) != be.gt_pairing([(fa, fb)]):
        return False
    xi = [pow(x, -1, R) for x in xs]
    pts = [agg.agg_c] + [x.zc_l for x in rounds] + [x.zc_r for x in rounds] + [fc]
    return be.g1_msm(pts, [1, *xs, *xi, -poly.r_fold(xi, r)]) is None


def kzg_ok(be: Backend, vs: VerifierSRS, agg: AggregateProof, xs: list[int], r: int, z: int) -> bool:
    """e([s]_1 - z g, pi_v) = e(g, v_final - f_v(z) h) and e(pi_w, [s]_2 - z h) = e(w_final - f_w(z) g, h), s = a, b."""
    n = agg.padded
    fv = poly.product_eval(poly.v_factors([pow(x, -1, R) for x in xs]), z)
    fw = pow(z, n, R) * poly.product_eval(poly.w_factors(xs, r), z) % R
    for gs, hs, v, w, pv, pw in ((vs.g_alpha, vs.h_alpha, agg.final_v[0], agg.final_w[0], agg.open_v[0], agg.open_w[0]),
                                 (vs.g_beta, vs.h_beta, agg.final_v[1], agg.final_w[1], agg.open_v[1], agg.open_w[1])):
        if not be.pairing_product_is_one([(be.g1_msm([gs, vs.g], [1, -z]), pv),
                                          (_neg(vs.g), be.g2_msm([v, vs.h], [1, -fv]))]):
            return False
        if not be.pairing_product_is_one([(pw, be.g2_msm([hs, vs.h], [1, -z])),
                                          (_neg(be.g1_msm([w, vs.g], [1, -fw])), vs.h)]):
            return False
    return True


def verify_aggregate(vk: VerificationKey, publics: Sequence[Sequence[int]], agg: AggregateProof,
                     srs: SRS | VerifierSRS, backend: Backend | None = None) -> bool:
    """Whether agg proves that every publics[i] has a valid Groth16 proof under vk (MalformedInput
    if anything is ill-formed, including an SRS whose two halves are not powers of [1]_1, [1]_2)."""
    be = backend if backend is not None else get_backend(None)
    vs = srs if isinstance(srs, VerifierSRS) else verifier_srs(srs)
    check_statement(vk, publics, None, be)
    check_aggregate(agg, len(publics), be)
    if not verifier_srs_ok(vs, be):
        raise BadSRS("its first powers are not [a]_1, [a]_2 and [b]_1, [b]_2 of two secrets")
    t = bind_statement(vk, publics, agg.padded, vs)
    r = challenge_r(t, agg.com_ab, agg.com_c)
    absorb_products(t, agg.ip_ab, agg.agg_c)
    xs = [challenge_round(t, rnd) for rnd in agg.rounds]
    z = challenge_z(t, agg.final_a, agg.final_b, agg.final_c, agg.final_v, agg.final_w)
    return (groth16_ok(be, vk, pad(list(publics), agg.padded), agg, r) and gipa_ok(be, agg, xs, r)
            and kzg_ok(be, vs, agg, xs, r, z))
