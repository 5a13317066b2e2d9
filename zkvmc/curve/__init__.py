"""BN254 (alt_bn128) curve layer: the py_ecc adapter, fast point arithmetic, MSM, codecs.

Takes field elements and points (affine int tuples; None is the point at infinity) and gives
sums, multi-scalar products, pairing checks and validated decodings. Only `adapter` imports
py_ecc; everything on a hot path (Jacobian arithmetic, Pippenger MSM, fixed-base tables) works on
plain ints, or gmpy2 integers when gmpy2 is installed (the `fast` extra). EIP-196/197 constants.
"""
