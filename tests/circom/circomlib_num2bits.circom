pragma circom 2.0.0;

include "circomlib/bitify.circom";

// circomlib's Num2Bits (sound): booleanity of every bit and the recomposition.
component main = Num2Bits(16);
