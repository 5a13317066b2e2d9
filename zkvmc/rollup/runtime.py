"""The Runtime of the design note: one transaction, as bytes, executed and proven in its context.

`Runtime.execute_transaction(tx_data, ExecutionContext(...)) -> (new_state_root, proof)` is a
batch of one (the other slots no-ops) through zkvmc.rollup.batch.BatchProcessor. tx_data is
zkvmc.rollup.transactions.encode's 320 bytes. The context must name the current state root and
the identifier of the last batch's proof (32 zero bytes before the first batch): a caller
working from an old view of the rollup gets StaleContext instead of a proof.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zkvmc.errors import StaleContext
from zkvmc.rollup.batch import BatchProcessor
from zkvmc.rollup.transactions import decode

if TYPE_CHECKING:
    from zkvmc.groth16 import Proof


@dataclass(frozen=True)
class ExecutionContext:
    """Where in the rollup's history a transaction is executed."""

    block_number: int
    """The L1 block the caller last saw (recorded by the node; not part of the proof)."""
    timestamp: int
    """Unix time of the request."""
    state_root: int
    """The state root the transaction is executed against."""
    prev_proof_id: bytes
    """The 32-byte identifier of the previous batch's proof (zkvmc.rollup.batch.proof_id)."""


class Runtime:
    """Executes single transactions on one rollup."""

    def __init__(self, processor: BatchProcessor) -> None:
        self.processor = processor

    def execute_transaction(self, tx_data: bytes, context: ExecutionContext) -> tuple[int, Proof]:
        """Decode, check the context, then prove a batch holding just this transaction."""
        tx = decode(tx_data)
        last = bytes.fromhex(self.processor.last_proof_id())
        if len(context.prev_proof_id) != 32 or context.prev_proof_id != last:
            raise StaleContext(f"the context names previous proof {context.prev_proof_id.hex()}, "
                               f"but the last batch's proof is {last.hex()}")
        if context.state_root != self.processor.state.root():
            raise StaleContext(f"the context names root {context.state_root}, but the current root is "
                               f"{self.processor.state.root()}")
        return self.processor.process_batch([tx], context.state_root)
