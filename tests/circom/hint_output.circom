pragma circom 2.0.0;

// UNDER-CONSTRAINED: the output is computed with <-- and never constrained; only the
// intermediate square is. A prover can publish any out.
template HintOutput() {
    signal input x;
    signal output out;
    signal sq;
    sq <== x * x;
    out <-- sq + 1;
}

component main = HintOutput();
