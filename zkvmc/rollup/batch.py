"""The batch processor: transactions and the current root -> the new root and a verified proof.

`BatchProcessor.process_batch(txs, old_root)` runs the roles of the design note in order
(docs/rollup.md, "From Python"):

1. the checks (zkvmc.rollup.validate): every transaction against the state as the batch
   leaves it, each refused one a TxRejected naming the slot and the reason;
2. the execution manager: the state-transition program (programs/rollup/rollup.asm) on the VM,
   whose outputs must equal the new root and public data the checks predict;
3. the circuit validator: the witness computed from the same tapes must satisfy the circuit;
4. the proof generator: Groth16 prove, then verify against the rollup's verification key;
5. the state manager: one SQLite transaction writes the accounts, the new root and the batch
   record (transactions, proof, public signals); only then are the files of batches/NNNN/
   exported. A crash anywhere before that transaction leaves the previous state as it was.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
import sqlite3
import time
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Sequence

from zkvmc.artifacts.inputs import Inputs
from zkvmc.artifacts.io import canonical_json, write_json
from zkvmc.errors import InputError, InternalError, StaleRoot
from zkvmc.rollup.config import RollupConfig, RollupDir, read_config
from zkvmc.rollup.state import StateChanges, StateManager, StateOverlay
from zkvmc.rollup.transactions import Tx, noop, public_data, to_json, tx_from_json
from zkvmc.rollup.validate import apply_tx, slot_tape
from zkvmc.errors import TxRejected

if TYPE_CHECKING:
    from zkvmc.asm.program import Program
    from zkvmc.backend import Backend
    from zkvmc.compiler.circuit import Circuit
    from zkvmc.groth16 import Proof, ProvingKey, VerificationKey

_BATCH_TABLE = (
    "CREATE TABLE IF NOT EXISTS batches(batch INTEGER PRIMARY KEY, old_root TEXT NOT NULL,"
    " new_root TEXT NOT NULL, txs TEXT NOT NULL, proof TEXT NOT NULL, public TEXT NOT NULL,"
    " proof_id TEXT NOT NULL, created REAL NOT NULL)"
)


@dataclass(frozen=True)
class BatchRecord:
    """One proven, committed batch."""

    number: int
    """Batch number (1, 2, ...); the program's public input batchNumber."""
    old_root: int
    """State root before."""
    new_root: int
    """State root after."""
    txs: tuple[Tx, ...]
    """The transactions of every slot, no-op padding included."""
    proof: dict[str, object]
    """The Groth16 proof, snarkjs JSON."""
    public: tuple[int, ...]
    """Public signals: newRoot, 3 per slot, oldRoot, batchNumber."""
    proof_id: str
    """sha256 of the proof's canonical JSON: the 32-byte identifier a next batch's context names."""


@dataclass(frozen=True)
class SealedBatch:
    """A batch checked and executed against the state ahead of it, ready to prove and commit."""

    number: int
    """Batch number."""
    old_root: int
    """State root before."""
    new_root: int
    """State root after."""
    txs: tuple[Tx, ...]
    """Every slot's transaction, padding included."""
    inputs: Inputs
    """The program's tapes (public: oldRoot, batchNumber; private: the slots)."""
    public: tuple[int, ...]
    """The public signals the proof must carry."""
    changes: StateChanges
    """The batch's accounts and tree nodes (StateManager.commit_changes)."""


def proof_id(proof_json: dict[str, object]) -> str:
    """The 32-byte identifier of a proof, as hex: sha256 of its canonical JSON."""
    return hashlib.sha256(canonical_json(proof_json)).hexdigest()


def build_inputs(txs: Sequence[Tx], overlay: StateOverlay, chain_id: int,
                 batch_no: int) -> tuple[Inputs, list[int]]:
    """The program's tapes for these transactions, applying them to the overlay, and the
    outputs the program must give (new root, then s0, s1, s2 per slot)."""
    old_root = overlay.root()
    private: list[int] = []
    for slot, tx in enumerate(txs):
        try:
            trace = apply_tx(tx, overlay, chain_id)
        except TxRejected as e:
            raise TxRejected(e.code, f"slot {slot + 1}: {e.reason}") from None
        private += slot_tape(tx, trace)
    outputs = [overlay.root()] + [v for tx in txs for v in public_data(tx)]
    return Inputs((old_root, batch_no), tuple(private)), outputs


class BatchProcessor:
    """Proves batches for one rollup folder (zkvmc.rollup.config)."""

    def __init__(self, folder: str, *, backend: Backend | None = None, jobs: int | None = None,
                 rng: random.Random | None = None) -> None:
        self.config: RollupConfig
        self.config, self.dir = read_config(folder)
        self.state = StateManager.open(self.dir.state)
        self.state.connection.execute(_BATCH_TABLE)
        self.backend, self.jobs = backend, jobs
        self.rng = rng if rng is not None else secrets.SystemRandom()

    def close(self) -> None:
        """Close the database."""
        self.state.close()

    @cached_property
    def program(self) -> Program:
        from zkvmc.asm import assemble_file

        c = self.config
        return assemble_file(str(self.dir.program), {"DEPTH": c.depth, "BATCH": c.batch, "CHAIN_ID": c.chain_id})

    @cached_property
    def circuit(self) -> Circuit:
        from zkvmc.artifacts.circuit_file import read_circuit_and_digest

        circuit, digest = read_circuit_and_digest(str(self.dir.circuit))
        if digest != self.config.circuit_digest:
            raise InputError(f"{self.dir.circuit}: not the circuit rollup.json names (digest {digest[:16]}…)")
        return circuit

    @cached_property
    def keys(self) -> tuple[ProvingKey, VerificationKey]:
        from zkvmc.artifacts.groth16_files import read_pk, read_vk

        pk = read_pk(str(self.dir.pk))
        if pk.circuit_digest != self.config.circuit_digest:
            raise InputError(f"{self.dir.pk}: made for another circuit than rollup.json names")
        return pk, read_vk(str(self.dir.vk))

    def pad(self, txs: Sequence[Tx]) -> list[Tx]:
        """The transactions followed by no-ops up to the batch size."""
        if len(txs) > self.config.batch:
            raise InputError(f"{len(txs)} transactions do not fit a batch of {self.config.batch}")
        return list(txs) + [noop()] * (self.config.batch - len(txs))

    def process_batch(self, txs: Sequence[Tx], old_root: int,
                      extra: Callable[[sqlite3.Connection], None] | None = None) -> tuple[int, Proof]:
        """Check, execute, prove, verify and commit one batch; gives (new root, proof)."""
        if old_root != self.state.root():
            raise StaleRoot(f"the batch is for root {old_root}, but the current root is {self.state.root()}")
        sealed = self.seal(txs, self.state.overlay(), self.state.last_batch() + 1)
        proof = self.prove(sealed)
        self.commit(sealed, proof, extra)
        return sealed.new_root, proof

    def seal(self, txs: Sequence[Tx], overlay: StateOverlay, number: int) -> SealedBatch:
        """Steps 1-2: check and apply the (padded) transactions to overlay, whose root is the
        batch's old root, and run the program on the tapes. A sequencer keeps one overlay running
        ahead of the committed state and seals batch after batch on it."""
        from zkvmc.vm import run

        padded, mark = self.pad(txs), overlay.mark()
        inputs, expected = build_inputs(padded, overlay, self.config.chain_id, number)
        executed = run(self.program, inputs)
        if executed.fault is not None or list(executed.outputs) != expected:
            why = executed.fault.reason if executed.fault else "outputs differ from the checks' prediction"
            raise InternalError(f"the state-transition program disagrees with the checks: {why}")
        public = tuple(expected) + (mark[1], number)
        return SealedBatch(number, mark[1], overlay.root(), tuple(padded), inputs, public, overlay.delta(mark))

    def prove(self, sealed: SealedBatch) -> Proof:
        """Steps 3-4: witness, proof, and its verification (InternalError if it does not verify)."""
        from zkvmc.groth16 import prove, public_signals, verify
        from zkvmc.witness import solve

        witness = solve(self.circuit, sealed.inputs)
        pk, vk = self.keys
        proof = prove(pk, self.circuit.r1cs, witness, self.rng, None, self.backend, self.jobs or 1)
        public = public_signals(self.circuit.r1cs, witness)
        if tuple(public) != sealed.public or not verify(vk, public, proof, self.backend):
            raise InternalError("the batch proof does not verify against the rollup's key")
        return proof

    def commit(self, sealed: SealedBatch, proof: Proof,
               extra: Callable[[sqlite3.Connection], None] | None = None) -> BatchRecord:
        """Step 5: the batch's state changes and record in one database transaction, then its files."""
        from zkvmc.artifacts.groth16_files import proof_to_json

        pj = proof_to_json(proof)
        record = BatchRecord(sealed.number, sealed.old_root, sealed.new_root, sealed.txs, pj, sealed.public,
                             proof_id(pj))

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO batches VALUES(?, ?, ?, ?, ?, ?, ?, ?)", (
                record.number, str(record.old_root), str(record.new_root),
                json.dumps([to_json(t) for t in record.txs]), json.dumps(record.proof),
                json.dumps([str(v) for v in record.public]), record.proof_id, time.time()))
            if extra is not None:
                extra(conn)

        self.state.commit_changes(sealed.changes, record.number, write)
        export_batch(self.dir, record)
        return record

    def batches(self) -> list[BatchRecord]:
        """Every committed batch, in order."""
        rows = self.state.connection.execute(
            "SELECT batch, old_root, new_root, txs, proof, public, proof_id FROM batches ORDER BY batch").fetchall()
        return [_record(self.dir, row) for row in rows]

    def last_proof_id(self) -> str:
        """The identifier of the last batch's proof, or 64 zeros before the first batch."""
        row = self.state.connection.execute("SELECT proof_id FROM batches ORDER BY batch DESC LIMIT 1").fetchone()
        return row[0] if row else "0" * 64

    def export_missing(self) -> list[int]:
        """Write the files of committed batches whose folder is missing (a crash after commit)."""
        done = []
        for record in self.batches():
            if not (self.dir.batch(record.number) / "public.json").exists():
                export_batch(self.dir, record)
                done.append(record.number)
        return done


def _record(d: RollupDir, row: tuple) -> BatchRecord:
    """A BatchRecord from its database row."""
    n, old, new, txs, proof, public, pid = row
    where = f"{d.state}: batch {n}"
    return BatchRecord(n, int(old), int(new), tuple(tx_from_json(t, where) for t in json.loads(txs)),
                       json.loads(proof), tuple(int(v) for v in json.loads(public)), pid)


def export_batch(d: RollupDir, record: BatchRecord) -> None:
    """batches/NNNN/proof.json, public.json (snarkjs formats) and txs.json; public.json last."""
    folder = d.batch(record.number)
    folder.mkdir(parents=True, exist_ok=True)
    write_json(str(folder / "txs.json"), {"batch": record.number, "old_root": str(record.old_root),
                                          "new_root": str(record.new_root), "proof_id": record.proof_id,
                                          "txs": [to_json(t) for t in record.txs]})
    write_json(str(folder / "proof.json"), record.proof)
    write_json(str(folder / "public.json"), [str(v) for v in record.public])
