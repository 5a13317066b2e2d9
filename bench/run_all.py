"""`make bench`: zkvmc against snarkjs (bench/compare.py) at 2^10, 2^12 and 2^14 constraints,
three repetitions, with the chart written to docs/perf.png; then the rollup (bench/rollup.py:
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
    compare.main(["--sizes", os.environ.get("BENCH_SIZES", "10,12,14"), "--reps", os.environ.get("BENCH_REPS", "3"),
                  "--chart", str(Path(__file__).resolve().parent.parent / "docs" / "perf.png"), *sys.argv[1:]])
    configs = os.environ.get("BENCH_ROLLUP", "16x4,16x8")
    if configs:
        import rollup  # noqa: E402
        import rollup_gas  # noqa: E402

        with tempfile.TemporaryDirectory(prefix="zkvmc-bench-rollup-") as tmp:
            print()
            rollup.main(["--configs", configs, "--keep", tmp, "--json", f"{tmp}/bench.json"])
            print()
            rollup_gas.main(["--configs", configs, "--dir", tmp, "--bench-json", f"{tmp}/bench.json"])
