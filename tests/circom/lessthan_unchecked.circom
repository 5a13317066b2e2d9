pragma circom 2.0.0;

// UNDER-CONSTRAINED: circomlib's LessThan, built on a bit decomposition without booleanity
// checks; the top bit (and so the output) can be flipped by a non-bit in a lower position.
template LooseBits(n) {
    signal input in;
    signal output out[n];
    var lc = 0;
    for (var i = 0; i < n; i++) {
        out[i] <-- (in >> i) & 1;
        lc += out[i] * (1 << i);
    }
    lc === in;
}

template LooseLessThan(n) {
    signal input in[2];
    signal output out;
    component n2b = LooseBits(n + 1);
    n2b.in <== in[0] + (1 << n) - in[1];
    out <== 1 - n2b.out[n];
}

component main = LooseLessThan(8);
