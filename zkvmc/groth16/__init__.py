"""Groth16 zk-SNARK over BN254 (Groth 2016, eprint 2016/260): setup, prove, verify.

Takes an R1CS (zkvmc.r1cs.system) and witnesses; gives keys and proofs whose JSON forms
(zkvmc.artifacts.groth16_files) are snarkjs-compatible.

The verifier is imported here; the prover, setup and batch verifier are imported on first use
(PEP 562 __getattr__), so `zkvmc verify` does not load the prover's modules (issue 15). Three
submodules share their function's name (prove, setup, verify): importing a submodule makes
Python bind it on this package, which would hide the function, so _Package keeps the function.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from zkvmc.errors import KeyMismatch, MalformedInput
from zkvmc.errors import Unsatisfied as WitnessUnsatisfied
from zkvmc.groth16.keys import Proof, ProvingKey, VerificationKey
from zkvmc.groth16.verify import validate, verify

_LAZY = {"prove": "prove", "public_signals": "prove", "setup": "setup", "r1cs_digest": "setup",
         "find_invalid": "batch", "verify_batch": "batch"}
"""Public name -> the submodule defining it, imported on first access."""


class _Package(types.ModuleType):
    """This package's module type: a submodule named like its function (prove, setup, verify)
    is bound as that function, as the eager `from ... import prove` of old did."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and value.__name__ == f"{__name__}.{name}" and hasattr(value, name):
            value = getattr(value, name)
        super().__setattr__(name, value)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    setattr(sys.modules[__name__], name, value)
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


sys.modules[__name__].__class__ = _Package

__all__ = ["KeyMismatch", "MalformedInput", "Proof", "ProvingKey", "VerificationKey", "WitnessUnsatisfied",
           "find_invalid", "prove", "public_signals", "r1cs_digest", "setup", "validate", "verify", "verify_batch"]
