"""`zkvmc rollup` and `zkvmc wallet transfer/withdrawal` end to end: deposits, transfers and a
withdrawal proven through the CLI, every batch accepted by `zkvmc verify` and by snarkjs,
refusals that leave the state alone, bad input as exit 2, and a process killed mid-batch."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_support import run_in
from rollup_support import ALICE, BOB, CHAIN_ID, fresh
from zkvmc.rollup.state import StateManager
from zkvmc.rollup.tree import MerkleProof, verify_proof

REPO = Path(__file__).resolve().parent.parent
SNARKJS = REPO / "node_modules" / ".bin" / "snarkjs"
L1 = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def ok(cwd: Path, *args: str) -> str:
    res = run_in(cwd, *args)
    assert res.returncode == 0, res.stderr
    return res.stdout


def keys(cwd: Path) -> dict[str, str]:
    """alice.key, bob.key and their public keys as Ax,Ay."""
    out = {}
    for name, prv in (("alice", ALICE), ("bob", BOB)):
        doc = json.loads(ok(cwd, "wallet", "new", "--from-hex", prv.hex(), "-o", f"{name}.key", "--json"))
        out[name] = f"{doc['Ax']},{doc['Ay']}"
    return out


@pytest.fixture
def rollup(rollup_template: Path, tmp_path: Path) -> Path:
    fresh(rollup_template, tmp_path / "r")
    return tmp_path


def status(cwd: Path) -> dict:
    return json.loads(ok(cwd, "rollup", "status", "-d", "r", "--json"))


def fund(cwd: Path) -> dict[str, str]:
    """Batch 1: Alice 100 at account 1, Bob 5 at account 2 (through the deposit queue)."""
    pub = keys(cwd)
    ok(cwd, "rollup", "deposit", "-d", "r", "--to", "1", "--pubkey", pub["alice"], "--amount", "100")
    ok(cwd, "rollup", "deposit", "-d", "r", "--to", "2", "--pubkey", pub["bob"], "--amount", "5")
    ok(cwd, "rollup", "batch", "-d", "r", "--insecure-seed", "1")
    return pub


def test_a_rollup_from_the_command_line(rollup: Path) -> None:
    cwd = rollup
    fund(cwd)
    assert status(cwd)["last_batch"] == 1 and status(cwd)["pending_deposits"] == 0
    ok(cwd, "wallet", "transfer", "alice.key", "--from", "1", "--to", "2", "--amount", "30", "--nonce", "0",
       "--chain-id", str(CHAIN_ID), "-o", "tx1.json")
    ok(cwd, "wallet", "withdrawal", "bob.key", "--from", "2", "--amount", "10", "--l1-address", L1, "--nonce", "0",
       "--chain-id", str(CHAIN_ID), "-o", "tx2.json")
    line = json.loads(ok(cwd, "rollup", "batch", "-d", "r", "tx1.json", "tx2.json", "--json", "--insecure-seed", "2"))
    assert line["batch"] == 2 and line["txs"] == 2
    st = status(cwd)
    assert st["root"] == line["new_root"] and [b["batch"] for b in st["batches"]] == [1, 2]
    assert {i: (a["balance"], a["nonce"]) for i, a in st["accounts"].items()} == {"1": ("70", "1"), "2": ("25", "1")}
    acc = json.loads(ok(cwd, "rollup", "account", "-d", "r", "1", "--proof", "--json"))
    proof = MerkleProof(1, int(acc["proof"]["leaf"]), tuple(int(s) for s in acc["proof"]["siblings"]), int(acc["root"]))
    assert acc["balance"] == "70" and verify_proof(proof)
    for n in ("0001", "0002"):
        ok(cwd, "verify", "--vk", "r/verification_key.json", "-p", f"r/batches/{n}/proof.json",
           "--public", f"r/batches/{n}/public.json")
    public = json.loads((cwd / "r/batches/0002/public.json").read_text())
    public[0] = str(int(public[0]) + 1)
    (cwd / "forged.json").write_text(json.dumps(public))
    res = run_in(cwd, "verify", "--vk", "r/verification_key.json", "-p", "r/batches/0002/proof.json", "--public", "forged.json")
    assert res.returncode == 1


@pytest.mark.node
@pytest.mark.skipif(shutil.which("node") is None or not SNARKJS.exists(), reason="snarkjs not installed (make node)")
def test_snarkjs_accepts_every_kind_and_rejects_a_replay(rollup: Path) -> None:
    """Batch 1 (two deposits) and batch 2 (a transfer, a withdrawal) verify in snarkjs; batch 1's
    proof offered as batch 2 does not."""
    cwd = rollup
    fund(cwd)
    ok(cwd, "wallet", "transfer", "alice.key", "--from", "1", "--to", "2", "--amount", "30", "--nonce", "0",
       "--chain-id", str(CHAIN_ID), "-o", "tx1.json")
    ok(cwd, "wallet", "withdrawal", "bob.key", "--from", "2", "--amount", "1", "--l1-address", L1, "--nonce", "0",
       "--chain-id", str(CHAIN_ID), "-o", "tx2.json")
    ok(cwd, "rollup", "batch", "-d", "r", "tx1.json", "tx2.json", "--insecure-seed", "2")
    args = [str(SNARKJS), "groth16", "verify", "r/verification_key.json"]
    for n in ("0001", "0002"):
        b = cwd / "r" / "batches" / n
        good = subprocess.run(args + [str(b / "public.json"), str(b / "proof.json")], cwd=cwd, capture_output=True,
                              text=True)
        assert good.returncode == 0 and "OK" in good.stdout, good.stdout + good.stderr
    b = cwd / "r" / "batches" / "0001"
    public = json.loads((b / "public.json").read_text())
    public[-1] = "2"
    (cwd / "replay.json").write_text(json.dumps(public))
    bad = subprocess.run(args + ["replay.json", str(b / "proof.json")], cwd=cwd, capture_output=True, text=True)
    assert bad.returncode != 0


def test_a_refused_transaction_leaves_the_state_alone(rollup: Path) -> None:
    cwd = rollup
    fund(cwd)
    before = status(cwd)
    ok(cwd, "wallet", "transfer", "alice.key", "--from", "1", "--to", "2", "--amount", "101", "--nonce", "0",
       "--chain-id", str(CHAIN_ID), "-o", "big.json")
    res = run_in(cwd, "rollup", "batch", "-d", "r", "big.json")
    assert res.returncode == 1 and "overdraft" in res.stderr and "Traceback" not in res.stderr
    ok(cwd, "wallet", "transfer", "alice.key", "--from", "1", "--to", "2", "--amount", "1", "--nonce", "0",
       "--chain-id", str(CHAIN_ID + 1), "-o", "other_chain.json")
    res = run_in(cwd, "rollup", "batch", "-d", "r", "other_chain.json")
    assert res.returncode == 1 and "bad-signature" in res.stderr
    assert status(cwd) == before


def test_bad_input_is_a_usage_error(rollup: Path) -> None:
    cwd = rollup
    keys(cwd)
    (cwd / "junk.json").write_text('{"format": "zkvmc-rollup-tx", "version": 1, "kind": "transfer"}')
    cases = [
        ("rollup", "batch", "-d", "r", "junk.json"),
        ("rollup", "batch", "-d", "r", "missing.json"),
        ("rollup", "deposit", "-d", "r", "--to", "1", "--pubkey", "1,2,3", "--amount", "5"),
        ("rollup", "status", "-d", "nowhere"),
        ("rollup", "account", "-d", "r", "99"),
        ("rollup", "init", "-d", "r", "--depth", "4", "--batch", "2"),
        ("rollup", "init", "-d", "new", "--depth", "0"),
    ]
    for args in cases:
        res = run_in(cwd, *args)
        assert res.returncode == 2, (args, res.stderr)
        assert "Traceback" not in res.stderr, args
    res = run_in(cwd, "rollup", "deposit", "-d", "r", "--to", "1", "--pubkey", "0,0", "--amount", "5")
    assert res.returncode in (1, 2) and "Traceback" not in res.stderr


def test_init_from_the_command_line(tmp_path: Path) -> None:
    ok(tmp_path, "rollup", "init", "-d", "tiny", "--depth", "2", "--batch", "1", "--chain-id", "9", "--insecure-seed", "3")
    cfg = json.loads((tmp_path / "tiny" / "rollup.json").read_text())
    assert (cfg["depth"], cfg["batch"], cfg["chain_id"]) == (2, 1, 9)
    pk = json.loads((tmp_path / "tiny" / "proving_key.json").read_text())
    vk = json.loads((tmp_path / "tiny" / "verification_key.json").read_text())
    assert pk["insecure"] is True and vk["zkvmc"]["insecure"] is True  # --insecure-seed marks the keys
    st = json.loads(ok(tmp_path, "rollup", "status", "-d", "tiny", "--json"))
    assert st["last_batch"] == 0 and st["accounts"] == {}


def test_a_process_killed_mid_batch_leaves_a_consistent_state(rollup: Path) -> None:
    """SIGKILL at several moments of `rollup batch`: the state is always the old one or the new
    one, never between, and a batch committed before its files were written gets them back."""
    cwd = rollup
    fund(cwd)
    ok(cwd, "wallet", "transfer", "alice.key", "--from", "1", "--to", "2", "--amount", "1", "--nonce", "0",
       "--chain-id", str(CHAIN_ID), "-o", "tx.json")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "zkvmc", "rollup", "batch", "-d", "r", "tx.json", "--insecure-seed", "4"]
    outcomes = set()
    for delay in (0.8, 2.0, 3.2, 4.4, 6.0):
        if outcomes >= {1, 2} and delay > 3:
            break
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with StateManager.open(cwd / "r" / "state.db") as state:
            last = state.last_batch()
            assert state.root() == state.recompute_root() == state.root_at(last)
        outcomes.add(last)
        if last == 2:
            break
    assert 1 in outcomes, "no kill landed before the commit: lengthen the first delays"
    # Finishing (or, after a late kill, just re-exporting batch 2's files) with a normal run.
    ok(cwd, "rollup", "batch", "-d", "r", *(() if 2 in outcomes else ("tx.json",)), "--insecure-seed", "4")
    st = status(cwd)
    assert st["last_batch"] == 2 and st["accounts"]["1"]["nonce"] == "1"
    assert (cwd / "r" / "batches" / "0002" / "public.json").exists()
    ok(cwd, "verify", "--vk", "r/verification_key.json", "-p", "r/batches/0002/proof.json",
       "--public", "r/batches/0002/public.json")
