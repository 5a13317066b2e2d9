"""`make bench`: zkvmc against snarkjs and circom2 (bench/compare.py) at 2^12, 2^14 and 2^16
constraints, three repetitions, with issue 15's target table (and bench/cluster.py's prove-many
figure; BENCH_CLUSTER=0 skips it) and the chart written to docs/perf.png; then the rollup (bench/rollup.py:
batches at depth 16 with batch 4 and 8, constraints per depth) and its L1 gas per transaction
(bench/rollup_gas.py, on the same rollups).

    BENCH_SIZES=10,12 BENCH_REPS=1 make bench      # shorter
    BENCH_ROLLUP=4x2 make bench                    # a small rollup; BENCH_ROLLUP= skips the rollup
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import compare  # noqa: E402

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
