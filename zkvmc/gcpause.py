"""gc_paused: the cyclic garbage collector paused over a stage that allocates many acyclic objects.

Below every stage (it imports nothing of zkvmc). The assembler, the compiler and the static
checks build millions of tuples (AST items, LCs, constraints) that hold no cycles and stay
alive; every collection rescans the survivors, so with the collector running these stages
grew superlinear (2^16 constraints: compile 2x, static checks 3x slower; bench/compile_stages.py).
Reference counting still frees everything as usual; only cycle detection waits.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector disabled meanwhile (re-enabled after, if it was enabled before)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
