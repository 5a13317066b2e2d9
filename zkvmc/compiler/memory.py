"""Memory lowering: a log of write events, scanned by loads (docs/compiler.md, "Memory").

Takes a state's events and an address LC, gives the loaded value as an LC. An event is
(guard, address, value): the write happened iff guard = 1 (guard is 1 except for writes a
merged state inherited from one side). Loads at a constant address skip every event whose
constant address differs and stop at the newest unguarded write to the same address, so
constant-address memory costs nothing; a run-time address pays IsZero + select (about 3-4
constraints) per event that may match, plus an IsZero per nonzero `.data` cell.
"""

from __future__ import annotations

from zkvmc.compiler import lin
from zkvmc.compiler.builder import Builder
from zkvmc.r1cs.system import LC

Event = tuple[LC, LC, LC]
"""(guard, address, value) of one write."""


def _impossible(b: Builder, addr: LC, other: LC) -> bool:
    """Whether addr can never equal the constant address other (different constants, or range)."""
    if not lin.is_const(other):
        return False
    if lin.is_const(addr):
        return addr != other
    k = b.bound(addr)
    return k is not None and lin.const_val(other) >> k != 0


def _initial(b: Builder, addr: LC) -> LC:
    """The `.data` value at addr (0 where none): a table lookup for a run-time address."""
    if lin.is_const(addr):
        return lin.const(b.data.get(lin.const_val(addr), 0))
    v = lin.ZERO
    for cell, value in sorted(b.data.items()):
        if value and not _impossible(b, addr, lin.const(cell)):
            v = lin.combine(v, b.is_zero(lin.add_const(addr, -cell)), value)
    return v


def load(b: Builder, events: tuple[Event, ...], addr: LC) -> LC:
    """The value at addr after events."""
    chain: list[Event] = []
    base = None
    for ev in reversed(events):
        g, a, v = ev
        if a == addr and g == lin.ONE:
            base = v
            break
        if _impossible(b, addr, a) or _impossible(b, a, addr):
            continue
        chain.append(ev)
    value = _initial(b, addr) if base is None else base
    for g, a, v in reversed(chain):
        hit = g if a == addr else b.mul(g, b.is_zero(lin.sub(addr, a)))
        value = b.select(hit, v, value)
    return value


def store(events: tuple[Event, ...], addr: LC, value: LC) -> tuple[Event, ...]:
    """events plus an unconditional write; earlier unconditional writes to the same LC are shadowed."""
    kept = tuple(e for e in events if not (e[1] == addr and e[0] == lin.ONE))
    return kept + ((lin.ONE, addr, value),)


def merge_memory(b: Builder, m1: tuple[Event, ...], p1: LC,
                 m2: tuple[Event, ...], p2: LC) -> tuple[Event, ...]:
    """Memory of 'in state 1 or in state 2': shared prefix, then the run-time-address writes of
    each side guarded by its predicate, then one selected value per constant address written."""
    if m1 is m2 or m1 == m2:
        return m1
    k = 0
    while k < min(len(m1), len(m2)) and m1[k] == m2[k]:
        k += 1
    s1, s2 = m1[k:], m2[k:]
    guarded = [(b.mul(g, p1), a, v) for g, a, v in s1 if not lin.is_const(a)]
    guarded += [(b.mul(g, p2), a, v) for g, a, v in s2 if not lin.is_const(a)]
    cells = sorted({lin.const_val(a) for _, a, _ in s1 + s2 if lin.is_const(a)})
    merged = [(lin.ONE, lin.const(c), b.select(p2, load(b, m2, lin.const(c)), load(b, m1, lin.const(c))))
              for c in cells]
    return m1[:k] + tuple(guarded) + tuple(merged)
