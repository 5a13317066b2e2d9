"""The node's Prometheus metrics, in a registry of its own (several nodes can share a process).

    zkvmc_node_txs_accepted_total{source}       acknowledged transactions (user, l1)
    zkvmc_node_txs_rejected_total{code}         refused submissions by code (TxRejected codes,
                                                malformed, too-large, kind-not-allowed, mempool-full)
    zkvmc_node_batches_sealed_total             batches sealed
    zkvmc_node_batches_proven_total             proofs made
    zkvmc_node_batches_committed_total{where}   batches committed: local (state.db), l1 (bridge)
    zkvmc_node_prove_failures_total             proving jobs that failed (and were retried)
    zkvmc_node_l1_errors_total                  L1 calls that failed (and were retried)
    zkvmc_node_mempool_depth                    pending (unsealed) transactions
    zkvmc_node_proving_in_flight                batches sent to the provers, not yet proven
    zkvmc_node_prove_seconds                    histogram of one batch's proving time
    zkvmc_node_ack_latency_seconds              histogram of POST /txs time to acknowledgement
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

_PROVE_BUCKETS = (0.5, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, float("inf"))
_ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, float("inf"))


class NodeMetrics:
    """The node's counters, gauges and histograms."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.accepted = Counter("zkvmc_node_txs_accepted", "Acknowledged transactions", ["source"], registry=r)
        self.rejected = Counter("zkvmc_node_txs_rejected", "Refused submissions", ["code"], registry=r)
        self.sealed = Counter("zkvmc_node_batches_sealed", "Batches sealed", registry=r)
        self.proven = Counter("zkvmc_node_batches_proven", "Batch proofs made", registry=r)
        self.committed = Counter("zkvmc_node_batches_committed", "Batches committed", ["where"], registry=r)
        self.prove_failures = Counter("zkvmc_node_prove_failures", "Proving jobs that failed", registry=r)
        self.l1_errors = Counter("zkvmc_node_l1_errors", "L1 calls that failed", registry=r)
        self.mempool = Gauge("zkvmc_node_mempool_depth", "Pending (unsealed) transactions", registry=r)
        self.proving = Gauge("zkvmc_node_proving_in_flight", "Batches being proven", registry=r)
        self.prove_seconds = Histogram("zkvmc_node_prove_seconds", "Proving time of one batch",
                                       buckets=_PROVE_BUCKETS, registry=r)
        self.ack_latency = Histogram("zkvmc_node_ack_latency_seconds", "POST /txs time to acknowledgement",
                                     buckets=_ACK_BUCKETS, registry=r)

    def render(self) -> bytes:
        """The Prometheus text format."""
        return generate_latest(self.registry)
