pragma circom 2.0.0;

include "circomlib/comparators.circom";

// Sound twin of iszero_unchecked.circom: circomlib's IsZero (with in * out === 0).
component main = IsZero();
