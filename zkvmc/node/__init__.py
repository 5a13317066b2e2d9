"""The rollup node (`zkvmc node`): the sequencer of the design note and everything around it.

One package per role, as in Hermez's node (docs/node.md):

    config.py      NodeConfig (batch threshold, max wait, provers, limits), crash-test hooks, errors
    store.py       the node's own tables in the rollup's state.db: mempool and batch statuses
    sequencer.py   admission: validation against the pending state, durable acknowledgement
    prover.py      the prover pool (worker processes that load the circuit and key once)
    pipeline.py    sealing, proving and local commits, strictly in order; recovery at start-up
    l1sync.py      the L1 submitter and the deposit watcher
    bridge.py      the bridge interface the node needs (zkvmc.l1.bridge.BridgeClient provides it)
    fake_l1.py     an in-memory / file-backed bridge for tests and chain-less demos
    queries.py     the read side: transactions, accounts, batches and health as JSON
    node.py        Node: the roles wired together
    app.py         the FastAPI application (HTTP API, metrics, explorer page)
    metrics.py     Prometheus metrics
    client.py      an HTTP client of the API (the wallet's `send`, `status`, `withdraw`)

The node imports zkvmc.rollup and, only for a real chain, zkvmc.l1; nothing imports the node.
"""
