"""SnarkPack: many Groth16 proofs of one verification key aggregated into one O(log n) proof.

Gailly, Maller, Nitulescu, "SnarkPack: Practical SNARK Aggregation", FC 2022, eprint 2021/529.
Takes a VerificationKey, n (public inputs, Proof) pairs and an aggregation SRS (two powers of
tau); gives an AggregateProof that verify_aggregate checks in O(log n) GT operations and a
constant number of pairings. Not recursion: the aggregate is not a Groth16 proof and needs this
verifier (docs/aggregation.md).
"""

from zkvmc.aggregate.checks import check_statement
from zkvmc.errors import BadSRS, MalformedAggregate
from zkvmc.aggregate.prove import aggregate_proofs
from zkvmc.aggregate.srs import insecure_setup, padded_size, verifier_srs
from zkvmc.aggregate.types import SRS, AggregateProof, GipaRound, VerifierSRS
from zkvmc.aggregate.verify import verify_aggregate

__all__ = ["SRS", "AggregateProof", "BadSRS", "GipaRound", "MalformedAggregate", "VerifierSRS", "aggregate_proofs",
           "check_statement", "insecure_setup", "padded_size", "verifier_srs", "verify_aggregate"]
