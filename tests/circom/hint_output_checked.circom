pragma circom 2.0.0;

// Sound twin of hint_output.circom: the output is assigned and constrained with <==.
template HintOutputChecked() {
    signal input x;
    signal output out;
    signal sq;
    sq <== x * x;
    out <== sq + 1;
}

component main = HintOutputChecked();
