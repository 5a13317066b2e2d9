pragma circom 2.0.0;

include "circomlib/smt/smtverifier.circom";

// circomlib's SMTVerifier (sound) for a 10-level sparse Merkle tree over Poseidon.
component main {public [root, key]} = SMTVerifier(10);
