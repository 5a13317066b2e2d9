pragma circom 2.0.0;

// UNDER-CONSTRAINED: q = a / b checked only by q * b === a. With b = 0 (and a = 0) every q
// satisfies it: the divisor is never proven non-zero.
template DivUnchecked() {
    signal input a;
    signal input b;
    signal output q;
    q <-- b != 0 ? a / b : 0;
    q * b === a;
}

component main = DivUnchecked();
