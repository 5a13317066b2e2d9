"""The zk-rollup built on zkvmc's toolchain: accounts and their Merkle tree, the state manager
(SQLite), and, as they arrive, transactions, the batch processor and the runtime API.

The toolchain never imports from here; this package may import the toolchain (docs/rollup.md).
"""
