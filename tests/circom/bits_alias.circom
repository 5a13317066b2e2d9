pragma circom 2.0.0;

include "circomlib/bitify.circom";

// UNDER-CONSTRAINED: Num2Bits(254) on a field element. 254 bits can hold values up to
// 2^254 - 1 > r, so a small in has a second decomposition, in + r (circomlib's
// Num2Bits_strict adds AliasCheck for this).
component main = Num2Bits(254);
