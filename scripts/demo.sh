#!/usr/bin/env bash
# The bundled example end to end: assemble, run, compile, setup, witness, prove, verify.
set -euo pipefail
BIN=${1:-.venv/bin}
OUT=${2:-demo-out}
Z="$BIN/zkvmc"
mkdir -p "$OUT"
PROG=programs/fib.asm
IN=programs/fib.input.json
echo "== zkvmc demo: $PROG with $IN"
"$Z" assemble "$PROG" -o "$OUT/fib.json"
echo "-- run on the VM"
"$Z" run "$OUT/fib.json" -i "$IN"
