"""`make bench`: zkvmc against snarkjs and circom2 (bench/compare.py) at 2^12, 2^14 and 2^16
constraints, three repetitions, with issue 15's target table (and bench/cluster.py's prove-many
figure; BENCH_CLUSTER=0 skips it) and the chart written to docs/perf.png; then the rollup (bench/rollup.py:
batches at depth 16 with batch 4 and 8, constraints per depth) and its L1 gas per transaction
(bench/rollup_gas.py, on the same rollups); then the component benches, each printing its own
table (BENCH_EXTRA=0 skips them): compile stages, inverse NTT, pure-Python MSM, assembler,
SnarkPack aggregation, batch verification and its L1 gas, the ceremony against snarkjs.

    BENCH_SIZES=10,12 BENCH_REPS=1 make bench      # shorter
    BENCH_ROLLUP=4x2 make bench                    # a small rollup; BENCH_ROLLUP= skips the rollup
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import compare  # noqa: E402

EXTRA = (["compile_stages.py", "--sizes", "14,16"], ["ntt.py", "--max-log", "16"],
         ["msm_pure.py", "--sizes", "10,12"], ["asm.py"], ["aggregate.py", "8", "64", "256"],
         ["batch_gas.py"], ["ceremony.py", "12", "14"])
"""The component benches `make bench` also runs, with sizes that keep each to a few minutes."""


def run_extra() -> None:
    """Each component bench in its own process, its table printed as it goes; a failure is
    reported and the rest still run."""
    here = Path(__file__).resolve().parent
    for args in EXTRA:
        print(f"\n$ bench/{' '.join(args)}", flush=True)
        code = subprocess.call([sys.executable, str(here / args[0]), *args[1:]])
        if code:
            print(f"bench/{args[0]} exited {code}", file=sys.stderr)


if __name__ == "__main__":
    cluster = ["--cluster"] if os.environ.get("BENCH_CLUSTER", "1") != "0" else []
    compare.main(["--sizes", os.environ.get("BENCH_SIZES", "12,14,16"), "--reps", os.environ.get("BENCH_REPS", "3"),
                  "--chart", str(Path(__file__).resolve().parent.parent / "docs" / "perf.png"), *cluster,
                  *sys.argv[1:]])
    configs = os.environ.get("BENCH_ROLLUP", "16x4,16x8")
    if configs:
        import rollup  # noqa: E402
        import rollup_gas  # noqa: E402

        with tempfile.TemporaryDirectory(prefix="zkvmc-bench-rollup-") as tmp:
            print()
            rollup.main(["--configs", configs, "--keep", tmp, "--json", f"{tmp}/bench.json"])
            print()
            rollup_gas.main(["--configs", configs, "--dir", tmp, "--bench-json", f"{tmp}/bench.json"])
    if os.environ.get("BENCH_EXTRA", "1") != "0":
        run_extra()
