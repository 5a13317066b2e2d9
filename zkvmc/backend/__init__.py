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

from typing import Protocol, Sequence

from zkvmc.curve.types import G1Affine, G2Affine, GTValue  # noqa: F401 - the interface's types, named once
from zkvmc.errors import InputError

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

    # GT values cross the interface as GTValue: 12 ints in tower order (zkvmc.curve.adapter), so
    # that every backend gives identical results; equality is tuple equality.

    def gt_pairing(self, pairs: list[tuple[G1Affine, G2Affine]]) -> GTValue:
        """prod e(P_i, Q_i) in GT (one multi-Miller loop, one final exponentiation)."""

    def gt_mul(self, a: GTValue, b: GTValue) -> GTValue:
        """a * b in GT."""

    def gt_pow(self, a: GTValue, k: int) -> GTValue:
        """a^(k mod r) for a in GT."""

    def gt_is_member(self, a: GTValue) -> bool:
        """Whether 12 canonical F_q coordinates are an element of GT (a^r == 1): untrusted input."""

    def g2_in_subgroup(self, points: Sequence[G2Affine]) -> bool:
        """Whether every point (already known to be on the twist) lies in the order-r subgroup G2."""


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


def preload(name: str | None = None) -> None:
    """Start loading the native library in a background thread when `name` (as get_backend's)
    may pick it and it is installed; get_backend then waits for that load instead of doing it.
    The CLI's verify overlaps mcl's ~40 ms start-up with its own imports (issue 15)."""
    if name in (None, "auto", "mcl") and "mcl" in available():
        from zkvmc.backend.mcl_load import preload as start

        start()


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
