"""What the SnarkPack prover and verifier both do: the transcript's order and the padding.

Takes the statement (verification key, public inputs, n, the verifier's SRS points) and the
prover's messages; gives the Fiat-Shamir challenges r (the random linear combination of the n
Groth16 equations), x_j (one per GIPA round) and z (the KZG evaluation point), eprint 2021/529
section 5. Binding the key and every public input before r is what makes the aggregate say
something about *these* statements (Fiat-Shamir over the whole statement).
"""

from __future__ import annotations

from typing import Any, Sequence, TypeVar

from zkvmc.aggregate.transcript import Transcript, encode_scalar
from zkvmc.aggregate.types import GipaRound, VerifierSRS
from zkvmc.groth16.keys import VerificationKey

T = TypeVar("T")


def pad(items: Sequence[T], size: int) -> list[T]:
    """items followed by copies of the last one up to size (the paper's padding: the copies are
    valid proofs of valid statements, so the aggregate equation is unchanged in kind)."""
    return list(items) + [items[-1]] * (size - len(items))


def bind_statement(vk: VerificationKey, publics: Sequence[Sequence[int]], padded: int, vs: VerifierSRS) -> Transcript:
    """A transcript that has absorbed everything the verifier knows before the prover speaks."""
    t = Transcript()
    t.append("counts", len(publics).to_bytes(8, "big") + padded.to_bytes(8, "big")
             + vk.n_public.to_bytes(8, "big"))
    t.g1("vk.alpha", vk.alpha_g1)
    t.g2("vk.beta,gamma,delta", vk.beta_g2, vk.gamma_g2, vk.delta_g2)
    t.g1("vk.ic", *vk.gamma_abc_g1)
    t.append("publics", b"".join(encode_scalar(x) for xs in publics for x in xs))
    t.g1("srs.g", vs.g, vs.g_alpha, vs.g_beta)
    t.g2("srs.h", vs.h, vs.h_alpha, vs.h_beta)
    return t


def challenge_r(t: Transcript, com_ab: Any, com_c: Any) -> int:
    """r, after the commitments to A, B and C."""
    t.gt("com_ab", *com_ab)
    t.gt("com_c", *com_c)
    return t.challenge("r")


def absorb_products(t: Transcript, ip_ab: Any, agg_c: Any) -> None:
    """The two claimed inner products, before the first GIPA round."""
    t.gt("ip_ab", ip_ab)
    t.g1("agg_c", agg_c)


def challenge_round(t: Transcript, rnd: GipaRound) -> int:
    """x_j, after all of round j's messages (every one of them, the first round's included)."""
    t.gt("tab", *rnd.tab_l, *rnd.tab_r)
    t.gt("tuc", *rnd.tuc_l, *rnd.tuc_r)
    t.gt("zab", rnd.zab_l, rnd.zab_r)
    t.g1("zc", rnd.zc_l, rnd.zc_r)
    return t.challenge("x")


def challenge_z(t: Transcript, final_a: Any, final_b: Any, final_c: Any, final_v: Any, final_w: Any) -> int:
    """z, after the final values and the folded keys."""
    t.g1("final a,c", final_a, final_c)
    t.g2("final b", final_b)
    t.g2("final v", *final_v)
    t.g1("final w", *final_w)
    return t.challenge("z")
