#!/usr/bin/env bash
# `make rollup-demo`: the rollup end to end on a local chain. A small rollup (16 accounts, batches
# of 2), anvil with its verifier and bridge (`zkvmc l1 devnet`), the node (`zkvmc node`), two
# wallets: deposits on L1, transfers and a withdrawal over HTTP, three batches proven and
# committed on L1; then what happened. Everything started here is stopped on exit (trap).
set -euo pipefail
BIN=${1:-.venv/bin}
OUT=${2:-rollup-demo-out}
BIN="$(cd "$BIN" && pwd)"
Z="$BIN/zkvmc"
PY="$BIN/python"
ROOT="$(pwd)"
rm -rf "$OUT" && mkdir -p "$OUT"
cd "$OUT"
step() { printf '\n== %s\n' "$*"; }

DEVNET_PID=""
NODE_PID=""
cleanup() {
    local code=$?
    trap - EXIT INT TERM
    for pid in $NODE_PID $DEVNET_PID; do           # the node first, then the devnet (and its anvil)
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    wait 2>/dev/null || true
    if [ "$code" = 130 ] || [ "$code" = 143 ]; then
        echo "rollup-demo interrupted: node and devnet stopped" >&2
    elif [ "$code" != 0 ]; then
        echo "rollup-demo FAILED (exit $code); logs: $ROOT/$OUT/node.log, $ROOT/$OUT/devnet.log" >&2
        [ -f node.log ] && tail -n 20 node.log >&2
    fi
    exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Small Python helpers on the node's HTTP API and the chain (httpx and web3 come with zkvmc).
api() { "$PY" - "$@" <<'PY'
import json, sys, time
import httpx
cmd, url, *rest = sys.argv[1:]
get = lambda path: httpx.get(url + path, timeout=10).json()
if cmd == "wait-up":                       # until the node answers /health
    for _ in range(600):
        try:
            get("/health"); sys.exit(0)
        except httpx.HTTPError:
            time.sleep(0.1)
    sys.exit("the node did not answer")
elif cmd == "wait-deposits":               # until the node has taken in N deposits
    n = int(rest[0])
    for _ in range(1200):
        if get("/health")["next_deposit"] >= n: sys.exit(0)
        time.sleep(0.1)
    sys.exit("the node did not take in the deposits")
elif cmd == "wait-batches":                # until N batches are on L1 and nothing is left
    n, seen, deadline = int(rest[0]), 0, time.time() + 600
    while time.time() < deadline:
        h = get("/health")
        for b in range(seen + 1, h["last_l1_committed"] + 1):
            v = get(f"/batches/{b}")
            print(f"   batch {b} committed on L1 (block {v['l1']['block']}, proved in {v['prove_seconds']:.1f} s)", flush=True)
        seen = h["last_l1_committed"]
        if seen >= n and h["mempool_depth"] == 0 and h["batches_proving"] == 0 and h["last_sealed"] == seen:
            sys.exit(0)
        time.sleep(0.3)
    sys.exit(f"timed out waiting for {n} batches on L1")
elif cmd == "batches":                     # the batches, oldest first
    page = get("/batches?limit=100")["batches"]
    print(f"{'batch':>5}  {'status':<9}  {'txs':>3}  {'kinds':<22}  {'new root':<24}  {'L1 block':>8}  L1 transaction")
    for b in reversed(page):
        kinds = ", ".join(t["kind"] for t in get(f"/batches/{b['batch']}")["transactions"])
        root = b["new_root"][:10] + "…" + b["new_root"][-6:]
        print(f"{b['batch']:>5}  {b['status']:<9}  {b['txs']:>3}  {kinds:<22}  {root:<24}  {b['l1']['block']:>8}  {b['l1']['tx']}")
elif cmd == "account":                     # an account's balance and nonce
    a = get(f"/accounts/{rest[0]}")
    print(f"account {rest[0]}: balance {a['balance']} gwei, nonce {a['nonce']}")
elif cmd == "root":                        # the node's committed root
    print(get("/accounts/0")["root"])
PY
}
l1_balance() { "$PY" - "$1" <<'PY'
import sys
from zkvmc.l1.bridge import BridgeClient
from zkvmc.l1.config import read_info
print(BridgeClient(read_info("l1.json")).balance(sys.argv[1]))
PY
}
free_port() { "$PY" -c 'from zkvmc.l1.devnet import free_port; print(free_port())'; }
field() { "$PY" -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

step "a rollup of 16 accounts with batches of 2 (compile rollup.asm, Groth16 setup: development only)"
"$Z" rollup init --depth 4 --batch 2 -d rollup --insecure-seed 1 2>&1 | grep -v '^warning'

step "anvil on 127.0.0.1 with the rollup's verifier and bridge (zkvmc l1 devnet)"
L1_PORT=$(free_port)
"$Z" l1 devnet -d rollup -o l1.json --port "$L1_PORT" > devnet.out 2> devnet.log &
DEVNET_PID=$!
for _ in $(seq 1 600); do
    [ -s l1.json ] && grep -q '^account\[9\]' devnet.out 2>/dev/null && break
    kill -0 "$DEVNET_PID" 2>/dev/null || { cat devnet.log >&2; exit 1; }
    sleep 0.2
done
[ -s l1.json ] || { echo "the devnet did not write l1.json" >&2; exit 1; }
grep -E '^(rpc|chain_id|bridge|verifier):' devnet.out

step "the node: sequencer, prover pool, L1 submitter, deposit watcher (zkvmc node)"
NODE_PORT=$(free_port)
# Batches of 2 are sealed when full, or after 10 s (--max-wait): each wallet command below takes a
# second or two (an interpreter, web3), so two in a row fill a batch.
NODE="http://127.0.0.1:$NODE_PORT"
"$Z" node -d rollup --l1 l1.json --port "$NODE_PORT" --max-wait 10 --log-level info 2> node.log &
NODE_PID=$!
api wait-up "$NODE"
echo "node on $NODE (explorer: $NODE/)"

step "two wallets (BabyJubJub keys, kept here)"
"$Z" wallet new -o alice.key > /dev/null 2>&1 && echo "alice.key"
"$Z" wallet new -o bob.key > /dev/null 2>&1 && echo "bob.key"

step "deposits on L1 into the bridge's queue (zkvmc wallet deposit)"
ALICE=$("$Z" wallet deposit --l1 l1.json --amount 0.001ether --key alice.key --json 2>/dev/null)
BOB=$("$Z" wallet deposit --l1 l1.json --amount 0.0005ether --key bob.key --json 2>/dev/null)
A=$(echo "$ALICE" | field account); B=$(echo "$BOB" | field account)
echo "alice: 0.001 ether = $(echo "$ALICE" | field amount_gwei) gwei -> account $A (L1 tx $(echo "$ALICE" | field tx))"
echo "bob:   0.0005 ether = $(echo "$BOB" | field amount_gwei) gwei -> account $B (L1 tx $(echo "$BOB" | field tx))"
api wait-deposits "$NODE" 2
echo "the node took both deposits in"

step "transfers and a withdrawal over HTTP (zkvmc wallet send / withdraw: signed locally)"
RECEIVER=$("$PY" -c 'import secrets; print("0x" + secrets.token_hex(20))')
BEFORE=$(l1_balance "$RECEIVER")
T1=$("$Z" wallet send --node "$NODE" --key alice.key --to "$B" --amount 250000 2>/dev/null)
echo "alice -> bob 250000 gwei:   $T1"
T2=$("$Z" wallet send --node "$NODE" --key bob.key --to "$A" --amount 100000 2>/dev/null)
echo "bob -> alice 100000 gwei:   $T2"
T3=$("$Z" wallet withdraw --node "$NODE" --key alice.key --amount 300000 --to "$RECEIVER" 2>/dev/null)
echo "alice withdraws 300000 gwei to $RECEIVER: $T3"
T4=$("$Z" wallet send --node "$NODE" --key bob.key --to "$A" --amount 50000 2>/dev/null)
echo "bob -> alice 50000 gwei:    $T4"

step "waiting for three batches proven and committed on L1"
api wait-batches "$NODE" 3

step "what happened"
api batches "$NODE"
echo
echo "the withdrawal: $("$Z" wallet status --node "$NODE" "$T3" | tr '\n' ' ')"
"$Z" l1 status --l1 l1.json | grep -E '^(state_root|last_batch|deposits_queued|deposits_consumed|balance_wei):'
echo "node's committed root: $(api root "$NODE")"
api account "$NODE" "$A"
api account "$NODE" "$B"
AFTER=$(l1_balance "$RECEIVER")
echo "L1 balance of $RECEIVER: before the withdrawal $BEFORE wei, after $AFTER wei (300000 gwei = $((300000 * 1000000000)) wei)"
[ "$((AFTER - BEFORE))" = "$((300000 * 1000000000))" ] || { echo "ERROR: the withdrawal was not paid" >&2; exit 1; }
echo
echo "rollup-demo: $("$Z" l1 status --l1 l1.json --json | field last_batch) batches committed on L1; files in $ROOT/$OUT (node.log, l1.json, rollup/)"
