"""The prover cluster: many Groth16 proofs at once on Dask distributed (the `cluster` extra).

    jobs.py     a folder of witnesses -> ProveJob per witness; ProveOutcome; per-proof seeds
    worker.py   on a worker: the proving key and circuit loaded once, ProveJob -> ProveOutcome
    session.py  --scheduler tcp://host:port, or a LocalCluster on 127.0.0.1: a Dask Client
    many.py     `zkvmc prove-many`: plan (checks first), run on the cluster, write proof pairs

The rollup node's Dask prover (zkvmc.node.prover.DaskProver) uses session.py too. Nothing here
imports Dask at import time; a missing extra is an InputError with the install hint.
"""
