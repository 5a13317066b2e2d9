pragma circom 2.0.0;

// Sound twin of bits_unchecked.circom: each bit is constrained to {0, 1}, so the
// decomposition of in < 2^8 is unique.
template BitsChecked(n) {
    signal input in;
    signal output out[n];
    var lc = 0;
    for (var i = 0; i < n; i++) {
        out[i] <-- (in >> i) & 1;
        out[i] * (out[i] - 1) === 0;
        lc += out[i] * (1 << i);
    }
    lc === in;
}

component main = BitsChecked(8);
