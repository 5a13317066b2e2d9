"""Shared helpers for the rollup tests: one small rollup (depth 4, batch 2) set up once per run,
copied into each test's folder, and keys and transactions to put through it."""

from __future__ import annotations

import random
import shutil
from functools import lru_cache
from pathlib import Path

from zkvmc.crypto.eddsa import prv2pub
from zkvmc.rollup.batch import BatchProcessor
from zkvmc.rollup.config import init_rollup
from zkvmc.rollup.transactions import Tx, deposit, signed, transfer, withdrawal

DEPTH, BATCH, CHAIN_ID = 4, 2, 7

ALICE, BOB, CAROL = bytes(range(32)), bytes(range(1, 33)), bytes(range(2, 34))


@lru_cache(maxsize=1)
def template(root: str) -> Path:
    """A freshly initialised rollup (compiled, set up with a fixed seed, empty state)."""
    folder = Path(root) / "template"
    init_rollup(folder, DEPTH, BATCH, CHAIN_ID, random.Random(1))
    return folder


def fresh(template_dir: Path, dest: Path) -> Path:
    """A copy of the template rollup to work in."""
    shutil.copytree(template_dir, dest)
    return dest


def processor(folder: Path, seed: int = 5) -> BatchProcessor:
    return BatchProcessor(str(folder), rng=random.Random(seed))


def pub(prv: bytes) -> tuple[int, int]:
    return prv2pub(prv)


def dep(to: int, prv: bytes, amount: int) -> Tx:
    ax, ay = pub(prv)
    return deposit(to, ax, ay, amount)


def pay(prv: bytes, sender: int, receiver: int, amount: int, nonce: int, chain_id: int = CHAIN_ID) -> Tx:
    return signed(transfer(sender, receiver, amount, nonce), prv, chain_id)


def out(prv: bytes, sender: int, address: int, amount: int, nonce: int) -> Tx:
    return signed(withdrawal(sender, address, amount, nonce), prv, CHAIN_ID)
