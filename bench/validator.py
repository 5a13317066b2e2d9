"""The circuit validator's time against circuit size (docs/validator.md, "Measured times").

Families of circuits, each at about 10^3, 10^4 and 10^5 constraints:

- mul-chain: a hand-built R1CS, x_{i+1} = x_i·x_i + i (one constraint, one wire per step);
- unchecked-bits: a hand-built under-constrained R1CS (16 "bits" per input without booleanity,
  each squared): every non-input wire is free, so this is the search's (and the report's) cost;
- zkvmc-poseidon: `hash r1, r1, r2` in a loop, compiled by zkvmc at --O2 (inputs from the
  witness program's `input` steps);
- circom-poseidon-O1 / -O2: a chain of circomlib Poseidon(2), compiled by circom2 (--O2
  substitutes the linear layers into the S-box constraints: the elimination stage's work);
- circom-num2bits: many circomlib Num2Bits(64) (the bit-group rule's work).

The circom families need node and node_modules (`make node`); they are skipped otherwise.
For each circuit: constraints, wires, the static layer's seconds, the determinism layer's
seconds (zkvmc.audit.determinism.analyse: propagation, probes, searches) and the verdict.

    .venv/bin/python bench/validator.py                      # every family, 10^3..10^5
    .venv/bin/python bench/validator.py --sizes 1000,10000 --families mul-chain,zkvmc-poseidon
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from zkvmc.artifacts.inputs import Inputs
from zkvmc.artifacts.iden3_r1cs import read_r1cs_binary
from zkvmc.artifacts.iden3_wtns import read_wtns
from zkvmc.asm import assemble_source
from zkvmc.audit import static_issues
from zkvmc.audit.determinism import analyse
from zkvmc.audit.inputs import input_wires
from zkvmc.compiler import compile_program
from zkvmc.compiler.circuit import Circuit
from zkvmc.field import R
from zkvmc.r1cs.system import R1CS, Constraint
from zkvmc.witness import solve

ROOT = Path(__file__).resolve().parent.parent
CIRCOM2 = ROOT / "node_modules" / ".bin" / "circom2"
CIRCOMLIB = ROOT / "node_modules" / "circomlib" / "circuits"

Built = tuple[Circuit, tuple[int, ...]]
"""A circuit and a satisfying witness."""


def mul_chain(n: int, _tmp: Path) -> Built:
    """x_{i+1} = x_i·x_i + i: wire 1 the public input, one new wire per constraint."""
    cons, w = [], [1, 3]
    for i in range(n):
        x = w[-1]
        c = ((0, (R - i) % R), (i + 2, 1)) if i else ((i + 2, 1),)
        cons.append(Constraint(((i + 1, 1),), ((i + 1, 1),), c))
        w.append((x * x + i) % R)
    r1cs = R1CS(n + 2, 0, 1, tuple(cons))
    return Circuit(r1cs, n + 2, (), tuple(range(n + 2)), (0,) * n, (), 0, "mul-chain", ""), tuple(w)


def unchecked_bits(n: int, _tmp: Path) -> Built:
    """Under-constrained on purpose: n / 17 inputs x_i, each recombined from 16 'bits' that
    nothing forces to be bits, and each bit squared (b·b = s): every bit and square is free."""
    groups = max(1, round(n / 17))
    cons, w = [], [1]
    xs = list(range(1, groups + 1))
    w += [(0xBEEF * (i + 1)) & 0xFFFF for i in range(groups)]
    for i in range(groups):
        bits = list(range(len(w), len(w) + 16))
        w += [(w[xs[i]] >> j) & 1 for j in range(16)]
        cons.append(Constraint((), (), tuple([(xs[i], 1)] + [(b, (R - (1 << j)) % R) for j, b in enumerate(bits)])))
        for b in bits:
            cons.append(Constraint(((b, 1),), ((b, 1),), ((len(w), 1),)))
            w.append(w[b])
    r1cs = R1CS(len(w), 0, groups, tuple(cons))
    c = Circuit(r1cs, len(w), (), tuple(range(len(w))), (0,) * len(cons), (), 0, "unchecked-bits", "")
    return c, tuple(w)


def zkvmc_poseidon(n: int, _tmp: Path) -> Built:
    """n / 240 two-input hashes in a loop (zkvmc's Poseidon costs 240 constraints)."""
    hashes = max(1, round(n / 240))
    src = (f".public 1\n.outputs 1\n.bound loop, {max(hashes - 1, 0)}\n        read r1\n"
           f"        mov r2, {hashes}\nloop:   hash r1, r1, r2\n        sub r2, r2, 1\n"
           "        jnz r2, loop\n        write r1\n        halt\n")
    c = compile_program(assemble_source(src, "chain.asm"), 2)
    return c, solve(c, Inputs((5,), ()))


CHAIN = """pragma circom 2.0.0;
include "circomlib/poseidon.circom";
template Chain(n) {
    signal input x;
    signal output out;
    component h[n];
    for (var i = 0; i < n; i++) {
        h[i] = Poseidon(2);
        h[i].inputs[0] <== i == 0 ? x : h[i - 1].out;
        h[i].inputs[1] <== i;
    }
    out <== h[n - 1].out;
}
component main = Chain(N);
"""

BITS = """pragma circom 2.0.0;
include "circomlib/bitify.circom";
template Many(n) {
    signal input x[n];
    signal output out[n];
    component b[n];
    for (var i = 0; i < n; i++) {
        b[i] = Num2Bits(64);
        b[i].in <== x[i];
        out[i] <== b[i].out[63];
    }
}
component main = Many(N);
"""


def _circom(tmp: Path, source: str, count: int, level: int, inputs: dict) -> Built:
    """Compile with circom2 in tmp (it sees only its folder), witness with its wasm, import."""
    if not (tmp / "circomlib").exists():
        shutil.copytree(CIRCOMLIB, tmp / "circomlib")
    name = f"c{count}_{level}"
    (tmp / f"{name}.circom").write_text(source.replace("(N)", f"({count})"))
    (tmp / f"{name}.json").write_text(json.dumps(inputs))
    js = tmp / f"{name}_js"
    for cmd in ([str(CIRCOM2), f"{name}.circom", "--r1cs", "--wasm", f"--O{level}", "-o", "."],
                ["node", str(js / "generate_witness.js"), str(js / f"{name}.wasm"), f"{name}.json", f"{name}.wtns"]):
        subprocess.run(cmd, cwd=tmp, check=True, capture_output=True, timeout=3600)
    return read_r1cs_binary(str(tmp / f"{name}.r1cs")), read_wtns(str(tmp / f"{name}.wtns")).values


def circom_poseidon(level: int, per_hash: int) -> Callable[[int, Path], Built]:
    """A chain of n / per_hash Poseidon(2) at --O{level}."""
    return lambda n, tmp: _circom(tmp, CHAIN, max(1, round(n / per_hash)), level, {"x": "7"})


def circom_num2bits(n: int, tmp: Path) -> Built:
    """n / 65 Num2Bits(64) of distinct 64-bit inputs."""
    k = max(1, round(n / 65))
    return _circom(tmp, BITS, k, 1, {"x": [str((i * 0x9E3779B97F4A7C15) % (1 << 64)) for i in range(k)]})


FAMILIES: dict[str, tuple[Callable[[int, Path], Built], bool]] = {
    "mul-chain": (mul_chain, False),
    "unchecked-bits": (unchecked_bits, False),
    "zkvmc-poseidon": (zkvmc_poseidon, False),
    "circom-poseidon-O1": (circom_poseidon(1, 520), True),
    "circom-poseidon-O2": (circom_poseidon(2, 240), True),
    "circom-num2bits": (circom_num2bits, True),
}
"""name -> (builder, needs node)."""


def measure(c: Circuit, w: tuple[int, ...]) -> dict[str, object]:
    """Seconds of the static and the determinism layer (with the garbage collector paused, as
    zkvmc.audit.audit does), and what the latter decided."""
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        static = static_issues(c)
        t1 = time.perf_counter()
        res = analyse(c.r1cs, w, input_wires(c).wires)
        t2 = time.perf_counter()
    finally:
        gc.enable()
    return {"constraints": len(c.r1cs.constraints), "wires": c.r1cs.n_wires, "static": t1 - t0,
            "determinism": t2 - t1, "propagation": res.stats["seconds_propagation"],
            "probes+search": res.stats["seconds_probes"] + res.stats["seconds_search"],
            "unique": len(res.unique), "free": len(res.free), "unknown": len(res.unknown),
            "static findings": len(static)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="target constraint counts")
    ap.add_argument("--families", default=",".join(FAMILIES), help="comma-separated, of: " + ", ".join(FAMILIES))
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    have_node = shutil.which("node") is not None and CIRCOM2.exists() and CIRCOMLIB.exists()
    print("| family | constraints | wires | static (s) | determinism (s) | propagation (s) "
          "| probes + search (s) | unique | free | unknown |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="zkvmc-bench-validator-") as tmp:
        for fam in [f for f in args.families.split(",") if f]:
            build, needs_node = FAMILIES[fam]
            if needs_node and not have_node:
                print(f"| {fam} | skipped: node or node_modules missing (make node) |", file=sys.stderr)
                continue
            for n in sizes:
                m = measure(*build(n, Path(tmp)))
                print(f"| {fam} | {m['constraints']:,} | {m['wires']:,} | {m['static']:.2f} | "
                      f"{m['determinism']:.2f} | {m['propagation']:.2f} | {m['probes+search']:.2f} | "
                      f"{m['unique']:,} | {m['free']:,} | {m['unknown']:,} |", flush=True)


if __name__ == "__main__":
    main()
