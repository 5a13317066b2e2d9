pragma circom 2.0.0;

// Sound twin of division_unchecked.circom: b * inv === 1 proves b != 0, so q is unique.
template DivChecked() {
    signal input a;
    signal input b;
    signal output q;
    signal inv;
    inv <-- 1 / b;
    inv * b === 1;
    q <-- a / b;
    q * b === a;
}

component main = DivChecked();
