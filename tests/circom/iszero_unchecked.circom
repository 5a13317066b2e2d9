pragma circom 2.0.0;

// UNDER-CONSTRAINED: IsZero without `in * out === 0`. The inverse hint inv is free, and with
// it out = 1 - in * inv takes any value when in != 0.
template IsZeroUnchecked() {
    signal input in;
    signal output out;
    signal inv;
    inv <-- in != 0 ? 1 / in : 0;
    out <== -in * inv + 1;
}

component main = IsZeroUnchecked();
