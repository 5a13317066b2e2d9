"""Proving backends: the hot group and field operations behind one interface.

Takes a backend name ("python", "mcl", "auto" or None = auto) and gives a `Backend`: G1/G2
multi-scalar multiplication, fixed-base batch multiplication (setup), the radix-2 NTTs of
zkvmc.field.ntt, and the pairing-product check. "python" is the pure-Python code of
zkvmc.curve / zkvmc.field.ntt (gmpy2 when present); "mcl" wraps the mcl library (PyPI
`mclbn256`, the `fast` extra) initialised for Ethereum's BN254 (alt_bn128). Points cross the
interface as affine int tuples (None = infinity), so every backend gives byte-identical
results for the same inputs. docs/performance.md.
"""

from __future__ import annotations

from typing import Any, Protocol, Sequence

from zkvmc.errors import InputError

G1Affine = Any
"""(x, y) ints, or None for infinity."""
G2Affine = Any
"""((x0, x1), (y0, y1)) ints, or None for infinity."""

NAMES = ("python", "mcl")
"""Backend names, pure Python first."""


class Backend(Protocol):
    """The operations Groth16 setup, prove and verify spend their time in."""

    name: str
    """"python" or "mcl"."""

    def g1_msm(self, points: Sequence[G1Affine], scalars: Sequence[int], jobs: int = 1) -> G1Affine:
        """sum_i s_i P_i in G1 (scalars any ints, taken mod r)."""

    def g2_msm(self, points: Sequence[G2Affine], scalars: Sequence[int], jobs: int = 1) -> G2Affine:
        """sum_i s_i P_i in G2."""

    def g1_fixed_base(self, base: G1Affine, scalars: Sequence[int], jobs: int = 1) -> list[G1Affine]:
        """[s]base for each scalar, affine (batch-normalised)."""

    def g2_fixed_base(self, base: G2Affine, scalars: Sequence[int], jobs: int = 1) -> list[G2Affine]:
        """[s]base in G2 for each scalar, affine."""

    def intt(self, evals: list[int]) -> list[int]:
        """Coefficients from evaluations on the radix-2 domain."""

    def coset_ntt(self, coeffs: list[int]) -> list[int]:
        """Evaluations on the coset g<w> (g = zkvmc.field.ntt.GENERATOR)."""

    def coset_intt(self, evals: list[int]) -> list[int]:
        """Coefficients from evaluations on the coset g<w>."""

    def pairing_product_is_one(self, pairs: list[tuple[G1Affine, G2Affine]]) -> bool:
        """Whether prod e(P_i, Q_i) == 1 (one multi-Miller loop, one final exponentiation)."""


def available() -> list[str]:
    """The backends that can be loaded here, pure Python first."""
    import importlib.util

    return ["python"] + (["mcl"] if importlib.util.find_spec("mclbn256") is not None else [])


def _native() -> Backend | None:
    """The mcl backend, or None when mclbn256 is missing or its library does not load here."""
    if "mcl" not in available():
        return None
    try:
        from zkvmc.backend.mcl import MclBackend
    except (ImportError, OSError, RuntimeError):  # a wheel without a usable binary for this platform
        return None
    return MclBackend()


def get_backend(name: str | None = None) -> Backend:
    """The backend called `name`; None or "auto" = mcl when it loads, else python."""
    if name not in (None, "auto", *NAMES):
        raise InputError(f"unknown backend {name!r} (choose from {', '.join(NAMES)} or auto)")
    native = None if name == "python" else _native()
    if name == "mcl" and native is None:
        raise InputError("backend 'mcl' is not available (pip install 'zkvmc[fast]')")
    if native is not None:
        return native
    from zkvmc.backend.python import PythonBackend

    return PythonBackend()
