"""The design note's Runtime: one encoded transaction in its ExecutionContext -> new root and proof."""

from __future__ import annotations

from pathlib import Path

import pytest

from rollup_support import ALICE, fresh, pay, processor
from zkvmc.errors import InputError
from zkvmc.groth16 import verify
from zkvmc.rollup.runtime import ExecutionContext, Runtime
from zkvmc.errors import StaleContext
from zkvmc.rollup.transactions import encode


@pytest.fixture
def runtime(funded_template: Path, tmp_path: Path) -> Runtime:
    return Runtime(processor(fresh(funded_template, tmp_path / "r")))


def context(rt: Runtime, **change: object) -> ExecutionContext:
    p = rt.processor
    ctx = dict(block_number=12, timestamp=1_700_000_000, state_root=p.state.root(),
               prev_proof_id=bytes.fromhex(p.last_proof_id()))
    ctx.update(change)
    return ExecutionContext(**ctx)  # type: ignore[arg-type]


def test_execute_transaction_proves_a_batch_of_one(runtime: Runtime) -> None:
    p = runtime.processor
    first_id = p.last_proof_id()
    root, proof = runtime.execute_transaction(encode(pay(ALICE, 1, 2, 7, 0)), context(runtime))
    assert root == p.state.root() and p.state.last_batch() == 2
    record = p.batches()[-1]
    assert [t.kind for t in record.txs] == [2, 0]  # the transfer, then no-op padding
    assert verify(p.keys[1], list(record.public), proof)
    assert record.proof_id != first_id == p.batches()[0].proof_id


def test_a_stale_context_is_refused(runtime: Runtime) -> None:
    tx = encode(pay(ALICE, 1, 2, 7, 0))
    with pytest.raises(StaleContext):
        runtime.execute_transaction(tx, context(runtime, state_root=123))
    with pytest.raises(StaleContext):
        runtime.execute_transaction(tx, context(runtime, prev_proof_id=bytes(32)))
    assert runtime.processor.state.last_batch() == 1


def test_malformed_tx_data_is_an_input_error(runtime: Runtime) -> None:
    with pytest.raises(InputError):
        runtime.execute_transaction(encode(pay(ALICE, 1, 2, 7, 0))[:-1], context(runtime))
