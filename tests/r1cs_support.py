"""Hand-built and random R1CS for the tests (the optimiser, the checks, Groth16, the backends).

One definition of each: `random_system(seed)` (small systems with the shapes the optimiser
handles), `random_groth16_system(rng, ...)` (given sizes, random A and B, for proofs),
`chain_system(n)` (blocks like a lowering makes), and the `con` / `system` builders.
"""

from __future__ import annotations

import random

from zkvmc.field import R
from zkvmc.r1cs.system import R1CS, Constraint, eval_lc, is_satisfied, make_lc


def con(a: dict[int, int], b: dict[int, int], c: dict[int, int]) -> Constraint:
    return Constraint(make_lc(a), make_lc(b), make_lc(c))


def system(n_wires: int, n_out: int, n_in: int, cons: list[Constraint]) -> R1CS:
    return R1CS(n_wires, n_out, n_in, tuple(cons))


def _rand_lc(rng: random.Random, n_wires: int, size: int) -> dict[int, int]:
    small = [1, 2, 3, R - 1, 5]
    terms = {}
    for _ in range(size):
        w = rng.randrange(n_wires)
        terms[w] = rng.choice(small) if rng.random() < 0.7 else rng.randrange(1, R)
    return terms


def _fix_constant(c: dict[int, int], target: int, w: list[int]) -> dict[int, int]:
    """c plus a wire-0 term so that <c, w> = target."""
    c = dict(c)
    c[0] = (c.get(0, 0) + target - eval_lc(make_lc(c), w)) % R
    return c


def _random_constraint(rng: random.Random, w: list[int]) -> Constraint:
    n = len(w)
    kind = rng.random()
    if kind < 0.4:  # quadratic
        a, b = _rand_lc(rng, n, rng.randint(1, 3)), _rand_lc(rng, n, rng.randint(1, 3))
        target = eval_lc(make_lc(a), w) * eval_lc(make_lc(b), w) % R
    elif kind < 0.85:  # linear: k * B = C
        a = {0: rng.choice([1, 2, R - 1])} if rng.random() < 0.8 else {}
        b = _rand_lc(rng, n, rng.randint(0, 3))
        target = eval_lc(make_lc(a), w) * eval_lc(make_lc(b), w) % R
    else:  # linear with B constant, the A side carries the wires
        a, b = _rand_lc(rng, n, rng.randint(1, 3)), {0: rng.choice([1, 3])}
        target = eval_lc(make_lc(a), w) * eval_lc(make_lc(b), w) % R
    c = _fix_constant(_rand_lc(rng, n, rng.randint(0, 3)), target, w)
    return con(a, b, c)


def random_system(seed: int) -> tuple[R1CS, list[int]]:
    """A small random system that holds on its witness (for the optimiser: wire 0 terms,
    linear and quadratic forms, duplicates and scaled copies that levels 1 and 2 drop)."""
    rng = random.Random(seed)
    n_out, n_in, n_priv = rng.randint(0, 2), rng.randint(0, 2), rng.randint(1, 8)
    n = 1 + n_out + n_in + n_priv
    w = [1] + [rng.choice([0, 1, 2, rng.randrange(R)]) for _ in range(n - 1)]
    cons = [_random_constraint(rng, w) for _ in range(rng.randint(1, 12))]
    # some duplicates and scaled / swapped copies, which level 1 and 2 must drop
    for _ in range(rng.randint(0, 2)):
        k = rng.choice(cons)
        s = rng.randrange(1, R)
        cons.append(Constraint(k.b, make_lc({i: c * s for i, c in k.a}),
                               make_lc({i: c * s for i, c in k.c})))
    return system(n, n_out, n_in, cons), w


def random_groth16_system(rng: random.Random, n_wires: int, n_cons: int, n_out: int, n_pub: int
                  ) -> tuple[R1CS, list[int]]:
    """A random satisfiable R1CS and its witness: random A, B; C fixed up through wire 0."""
    w = [1] + [rng.randrange(R) for _ in range(n_wires - 1)]
    cons = []
    for _ in range(n_cons):
        a, b, c = ({rng.randrange(n_wires): rng.randrange(R) for _ in range(rng.randint(1, 3))} for _ in range(3))
        target = eval_lc(make_lc(a), w) * eval_lc(make_lc(b), w) % R
        c[0] = c.get(0, 0) + target - eval_lc(make_lc(c), w)
        cons.append(Constraint(make_lc(a), make_lc(b), make_lc(c)))
    r1cs = R1CS(n_wires, n_out, n_pub, tuple(cons))
    assert is_satisfied(r1cs, w)
    return r1cs, w


def chain_system(n_blocks: int, seed: int = 0) -> tuple[R1CS, list[int]]:
    """Blocks like a lowering makes: a product, an 8-bit decomposition with booleanity,
    a copy (linear), and a predicated select; one output = sum of the last values."""
    rng = random.Random(seed)
    w = [1, 0, 0]          # wire 0, out 1, in 2 (filled below)
    cons: list[Constraint] = []

    def new(v: int) -> int:
        w.append(v % R)
        return len(w) - 1

    w[2] = 3
    prev = 2
    for _ in range(n_blocks):
        m = new(w[prev] * w[prev])
        cons.append(con({prev: 1}, {prev: 1}, {m: 1}))
        byte = new(rng.randrange(256))
        bits = [new(w[byte] >> i & 1) for i in range(8)]
        for b in bits:
            cons.append(con({b: 1}, {b: 1, 0: R - 1}, {}))
        cons.append(con({0: 1}, {b: 1 << i for i, b in enumerate(bits)}, {byte: 1}))
        cp = new(w[m] + w[byte])
        cons.append(con({0: 1}, {m: 1, byte: 1}, {cp: 1}))
        sel = new(w[bits[0]] * (w[cp] - w[m]) + w[m])
        cons.append(con({bits[0]: 1}, {cp: 1, m: R - 1}, {sel: 1, m: R - 1}))
        prev = sel
    w[1] = w[prev]
    cons.append(con({0: 1}, {1: 1}, {prev: 1}))
    return system(len(w), 1, 1, cons), w
