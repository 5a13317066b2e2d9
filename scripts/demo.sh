#!/usr/bin/env bash
# The bundled example end to end: assemble -> run -> compile -> witness -> setup -> prove -> verify.
set -euo pipefail
BIN=${1:-.venv/bin}
OUT=${2:-demo-out}
Z="$(cd "$BIN" && pwd)/zkvmc"
ROOT="$(pwd)"
rm -rf "$OUT" && mkdir -p "$OUT"
cp programs/fib.asm "$OUT/fib.asm"
cp programs/fib.input.json "$OUT/input.json"
cd "$OUT"
step() { printf '\n== %s\n' "$*"; }

step "assemble fib.asm (Fibonacci with a data-dependent loop, .bound 64)"
"$Z" assemble fib.asm -o fib.json
step "run on the VM interpreter with input.json: $(tr -d '\n' < input.json)"
"$Z" run fib.json -i input.json
step "compile to R1CS (--O2)"
"$Z" compile fib.asm
"$Z" info --profile
step "witness from the circuit"
"$Z" witness
step "Groth16 setup (single-party: for development only)"
"$Z" setup
step "prove"
"$Z" prove
step "verify"
"$Z" verify
echo "verdict: VALID (exit 0)"
step "negative twin: the same proof with the output changed must be rejected"
python3 - <<'PY'
import json
p = json.load(open("public.json")); p[0] = str(int(p[0]) + 1)
json.dump(p, open("public_wrong.json", "w"))
PY
if "$Z" verify --public public_wrong.json; then echo "ERROR: tampered public signals accepted"; exit 1
else echo "verdict: rejected as it must be (exit 1)"; fi
echo
echo "demo artefacts are in $ROOT/$OUT"
