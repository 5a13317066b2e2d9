pragma circom 2.0.0;

// c = a * b * k + 1 with a, b private and k public; a small fixture for tests/test_circom_import.py.
template Multiplier() {
    signal input a;
    signal input b;
    signal input k;
    signal output c;
    signal t;
    t <== a * b;
    c <== t * k + 1;
}

component main {public [k]} = Multiplier();
