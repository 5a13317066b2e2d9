"""The rollup node with its prover pool on Dask (`zkvmc node --scheduler`): a batch sealed by the
node is proven by a Dask worker of the given scheduler, committed locally and on the (fake) L1,
and its proof verifies for the batch's public signals only. Bad --scheduler values exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from distributed import get_task_stream

from rollup_support import ALICE, pay
from cluster_support import cluster  # noqa: F401
from node_support import config, funded_rollup, idle, wait_for
from zkvmc.artifacts.groth16_files import proof_from_json, read_vk
from zkvmc.cli.main import main
from zkvmc.cluster.session import ClusterSession
from zkvmc.errors import InputError
from zkvmc.groth16 import verify
from zkvmc.node.node import Node


def test_node_proves_batches_on_the_dask_scheduler(funded_template: Path, cluster: ClusterSession,
                                                   tmp_path: Path) -> None:
    folder, bridge = funded_rollup(funded_template, tmp_path / "r")
    addr = cluster.client.scheduler.address
    with get_task_stream(client=cluster.client) as stream:
        with Node(folder, bridge, config(batch=1, max_wait=3600, provers=1, scheduler=addr)) as node:
            node.submit(pay(ALICE, 1, 2, 3, 0)).result()
            wait_for(lambda: idle(node.health().result(), 2), 120, message="batch 2 on L1 via Dask")
            view = node.batch(2).result()
    assert bridge.accepted() == [2]
    proved = [t["key"] for t in stream.data if str(t["key"]).startswith("zkvmc-batch-2-")]
    assert len(proved) == 1  # the batch was proven by a Dask worker, once
    vk = read_vk(str(folder / "verification_key.json"))
    proof = proof_from_json(view["proof"], "batch 2 proof")
    public = [int(v) for v in view["public"]]
    assert verify(vk, public, proof)
    assert not verify(vk, [public[0] + 1, *public[1:]], proof)  # negative twin: another old root


def test_bad_scheduler_values_are_input_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("localhost:8786", "tcp://host:0", "http://host:80"):
        with pytest.raises(InputError, match="--scheduler"):
            config(scheduler=bad)
    with pytest.raises(SystemExit) as e:
        main(["node", "-d", str(tmp_path), "--scheduler", "nowhere"])
    assert e.value.code == 2 and "--scheduler 'nowhere'" in capsys.readouterr().err
