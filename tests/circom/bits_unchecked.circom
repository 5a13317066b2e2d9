pragma circom 2.0.0;

// UNDER-CONSTRAINED: the bits are assigned with <-- and recombined, but nothing says they are
// bits (no b * (b - 1) === 0), so in = 6 also decomposes as b = (0, 3, 0, 0), (2, 2, 0, 0), ...
template BitsUnchecked(n) {
    signal input in;
    signal output out[n];
    var lc = 0;
    for (var i = 0; i < n; i++) {
        out[i] <-- (in >> i) & 1;
        lc += out[i] * (1 << i);
    }
    lc === in;
}

component main = BitsUnchecked(8);
