"""Fixtures shared across test files (most helpers live in *_support.py modules).

The session gets its own mcl library cache (ZKVMC_CACHE_DIR, inherited by every zkvmc the tests
start), so test runs share no files with ~/.cache/zkvmc, with each other or with other users.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

if "ZKVMC_CACHE_DIR" not in os.environ:  # before any test module imports zkvmc.backend.mcl
    os.environ["ZKVMC_CACHE_DIR"] = tempfile.mkdtemp(prefix="zkvmc-test-cache-")
    atexit.register(shutil.rmtree, os.environ["ZKVMC_CACHE_DIR"], True)


@pytest.fixture(scope="session")
def rollup_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One rollup (depth 4, batch 2) compiled and set up once per test run (about 8 s)."""
    from rollup_support import template

    return template(str(tmp_path_factory.mktemp("rollup-template")))


@pytest.fixture(scope="session")
def funded_template(rollup_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template rollup after batch 1: account 1 (Alice, 100) and account 2 (Bob, 5)."""
    from rollup_support import ALICE, BOB, dep, fresh, processor

    folder = fresh(rollup_template, tmp_path_factory.mktemp("funded") / "rollup")
    p = processor(folder)
    p.process_batch([dep(1, ALICE, 100), dep(2, BOB, 5)], p.state.root())
    p.close()
    return folder
