pragma circom 2.0.0;

include "circomlib/bitify.circom";

// Sound twin of bits_alias.circom: Num2Bits_strict rejects the decomposition of in + r.
component main = Num2Bits_strict();
