pragma circom 2.0.0;

include "circomlib/comparators.circom";

// Sound twin of lessthan_unchecked.circom: circomlib's LessThan (on Num2Bits).
component main = LessThan(8);
