"""`make bench`: zkvmc against snarkjs (bench/compare.py) at 2^10, 2^12 and 2^14 constraints,
three repetitions, with the chart written to docs/perf.png.

    BENCH_SIZES=10,12 BENCH_REPS=1 make bench      # shorter
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import compare  # noqa: E402

if __name__ == "__main__":
    compare.main(["--sizes", os.environ.get("BENCH_SIZES", "10,12,14"), "--reps", os.environ.get("BENCH_REPS", "3"),
                  "--chart", str(Path(__file__).resolve().parent.parent / "docs" / "perf.png"), *sys.argv[1:]])
