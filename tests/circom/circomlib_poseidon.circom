pragma circom 2.0.0;

include "circomlib/poseidon.circom";

// circomlib's Poseidon (sound): every round's state is a polynomial of the inputs.
component main = Poseidon(5);
