pragma circom 2.0.0;

include "circomlib/eddsaposeidon.circom";

// circomlib's EdDSAPoseidonVerifier (sound), as in tests/test_eddsa_circom.py.
component main {public [Ax, Ay, S, R8x, R8y, M]} = EdDSAPoseidonVerifier();
