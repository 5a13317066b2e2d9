"""Names for the values zkvmc's BN254 code passes around, defined once so that a signature says
which group a point is in (a G1 point where a G2 point belongs is then visible in the code).

Takes nothing, gives type aliases. Affine points are what crosses every interface (keys, proofs,
codecs, backends: zkvmc.backend); Jacobian points and F_q2 elements live inside zkvmc.curve's
arithmetic. Curve: EIP-196/197 alt_bn128, G1 over F_q, G2 on the sextic twist over F_q2.
Imports nothing of zkvmc, so every module may use it.
"""

from __future__ import annotations

from typing import Any

Num = Any
"""An element of F_q inside the arithmetic: an int or a gmpy2 mpz (zkvmc.curve.fq)."""

Fq2 = tuple[Num, Num]
"""c0 + c1*u in F_q2 = F_q[u]/(u^2 + 1), in snarkjs's order (c0, c1)."""

G1Affine = tuple[int, int] | None
"""A point of G1: (x, y) with coordinates in [0, q), or None for the point at infinity.
(Coordinates from the fast arithmetic may be gmpy2 mpz, which behaves as an int.)"""

G2Affine = tuple[tuple[int, int], tuple[int, int]] | None
"""A point of G2: ((x0, x1), (y0, y1)), each coordinate an F_q2 element (c0, c1), or None for
the point at infinity."""

G1Jac = tuple[Num, Num, Num]
"""A G1 point in Jacobian coordinates (X, Y, Z) = (X/Z^2, Y/Z^3); Z == 0 is infinity."""

G2Jac = tuple[Fq2, Fq2, Fq2]
"""A G2 point in Jacobian coordinates over F_q2; Z == (0, 0) is infinity."""

GTValue = tuple[int, ...]
"""An element of GT: 12 ints in [0, q) in tower order (zkvmc.curve.adapter.GT_ONE is 1)."""

Fq12 = Any
"""py_ecc's FQ12 (only zkvmc.curve.adapter handles it; everything else sees GTValue)."""
