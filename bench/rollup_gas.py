"""L1 gas per rollup transaction (design decision 5, "Data availability and L1 cost").

Our choice (programs/rollup/rollup.asm): the batch data are the proof's public signals,
[newRoot, s0_1, s1_1, s2_1, ..., oldRoot, batchNumber] (1 + 3·BATCH + 2 of them), passed to the
generated verifier's verifyProof as calldata. Measured here for real batch proofs: the
`Groth16Verifier` that zkvmc.evm exports for the rollup's verification key, compiled by solcjs
and run in pyrevm (tests/evm_support.py), gas of the whole transaction (21,000 + calldata +
execution), its calldata part, and that per transaction of the batch.

Hermez's choice: one public input, SHA-256 of the batch data (mod r), the data posted as packed
bytes. Measured here too: a contract that hashes oldRoot ‖ newRoot ‖ batchNumber (8 bytes) ‖ data
with the SHA-256 precompile and checks a real 1-public-input Groth16 proof of that hash with the
same generated verifier (a valid proof: every step is paid, the call returns true). Two packings
of a slot: "full", s0 in 17 bytes + d1 + d2 (81 bytes: what our public signals carry), and
"s0 only", 17 bytes (transfers: deposits' keys would be read from the L1 queue instead).
The in-circuit price of that input is estimated: SHA-256 blocks (512 bits, with 65 bits of
padding) x 29,000 constraints (the design note's anchor for circomlib's compression) plus one
constraint per input bit (the bit decomposition); its proving time is read off our measured
prove times (bench/rollup.py, CPU seconds) against constraints, linear between the measured configurations
and along the nearest segment beyond them (see prove_estimate). 29k is circom's hand-made
gadget: written with the zkVM's u64 and/xor (64 constraints each) SHA-256 would cost more, so
the constraint figures are lower bounds.

    .venv/bin/python bench/rollup_gas.py                          # 16x4 and 16x8 (DEPTHxBATCH)
    .venv/bin/python bench/rollup.py --keep out --json out/bench.json && \\
    .venv/bin/python bench/rollup_gas.py --dir out --bench-json out/bench.json   # reuse its rollups
    .venv/bin/python bench/rollup_gas.py --configs 4x2,4x4                       # quick

Rollup folders rollup-DEPTHxBATCH under --dir (bench/rollup.py --keep) are reused when they hold
proven batches; missing ones are made with bench/rollup.py's run_config (setup + 2 batches).
verifyProof's gas depends on the number of public signals and on the calldata, not on the depth.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests"))

SHA_BLOCK_CONSTRAINTS = 29_000
"""Constraints per 512-bit SHA-256 block in circom (design note's anchor: ~29k)."""
S0_BYTES = 17
"""s0 = kind + 2^2 from + 2^34 to + 2^66 amount < 2^130: 17 bytes."""
HEADER_BYTES = 32 + 32 + 8
"""oldRoot, newRoot, batchNumber (u64) in front of the slots' data."""

SHA_CONTRACT = """
/// @notice Hermez-style commitment: the batch data as packed bytes, one public signal
///         sha256(oldRoot || newRoot || batchNumber || data) mod r.
contract ShaBatchVerifier is Groth16Verifier {
    function commitBatch(uint256 oldRoot, uint256 newRoot, uint64 batchNumber, bytes calldata data,
                         uint256[2] calldata a, uint256[2][2] calldata b, uint256[2] calldata c)
        external view returns (bool)
    {
        uint256 h = uint256(sha256(abi.encodePacked(oldRoot, newRoot, batchNumber, data))) % R;
        return _verifyProof(a, b, c, [h]);
    }
}
"""


def word(v: int) -> bytes:
    return v.to_bytes(32, "big")


# ---------------------------------------------------------------- our choice: packed public signals


def batch_files(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / "batches").iterdir() if (p / "public.json").exists())


def measure_signals(folder: Path) -> list[dict[str, Any]]:
    """verifyProof of each proven batch of the folder, on the exported verifier of its key."""
    from evm_support import Chain, calldata_gas, compile_solidity, selector
    from zkvmc import __version__
    from zkvmc.artifacts.groth16_files import read_proof, read_public, read_vk
    from zkvmc.evm import abi_encode, render_verifier, verifier_args

    vk = read_vk(str(folder / "verification_key.json"))
    contract = compile_solidity(render_verifier(vk, __version__), "Verifier.sol")["Groth16Verifier"]
    chain = Chain()
    address = chain.deploy(contract.bytecode)
    sel = selector(f"verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[{vk.n_public}])")
    rows = []
    for d in batch_files(folder):
        args = verifier_args(read_proof(str(d / "proof.json")), read_public(str(d / "public.json")))
        data = sel + abi_encode(args)
        res = chain.call(address, data)
        assert res.as_bool is True, f"{d}: the exported verifier rejects the batch proof"
        kinds = {t["kind"] for t in json.loads((d / "txs.json").read_text())["txs"]} - {"noop"}
        rows.append({"batch": d.name, "kinds": "/".join(sorted(kinds)), "signals": vk.n_public,
                     "gas": res.gas_used, "calldata_gas": calldata_gas(data), "calldata_bytes": len(data),
                     "execution_gas": res.gas_used - 21_000 - calldata_gas(data)})
    return rows


# ---------------------------------------------------------------- Hermez's choice: one SHA-256 input


class ShaVerifier:
    """ShaBatchVerifier deployed with the key of a 1-public-input circuit (w2 = w1 * w1), and
    proofs of any hash made on demand: a valid proof, so the measured call does all its work."""

    def __init__(self) -> None:
        from evm_support import Chain, compile_solidity, selector
        from zkvmc import __version__
        from zkvmc.evm.verifier import header, verifier_contract
        from zkvmc.groth16 import setup
        from zkvmc.r1cs.system import R1CS, Constraint

        self.r1cs = R1CS(3, 0, 1, (Constraint(((1, 1),), ((1, 1),), ((2, 1),)),))
        self.rng = random.Random(11)
        self.pk, vk = setup(self.r1cs, self.rng)
        source = header(vk, __version__, "bench/rollup_gas.py") + verifier_contract(vk) + SHA_CONTRACT
        contract = compile_solidity(source, "ShaBatch.sol")["ShaBatchVerifier"]
        self.chain = Chain()
        self.address = self.chain.deploy(contract.bytecode)
        self.selector = selector("commitBatch(uint256,uint256,uint64,bytes,uint256[2],uint256[2][2],uint256[2])")
        self.verify_selector = selector("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[1])")

    def verify_only(self) -> tuple[int, int]:
        """(transaction gas, calldata gas) of verifyProof with 1 public signal, for reference."""
        from evm_support import calldata_gas
        from zkvmc.evm import abi_encode, verifier_args
        from zkvmc.groth16 import prove

        proof = prove(self.pk, self.r1cs, [1, 12345, 12345 ** 2], self.rng)
        calldata = self.verify_selector + abi_encode(verifier_args(proof, [12345]))
        res = self.chain.call(self.address, calldata)
        assert res.as_bool is True
        return res.gas_used, calldata_gas(calldata)

    def call(self, old_root: int, new_root: int, batch_no: int, data: bytes) -> tuple[int, int, int]:
        """(transaction gas, calldata gas, calldata bytes) of commitBatch with a valid proof."""
        import hashlib

        from evm_support import calldata_gas
        from zkvmc.evm import abi_encode, verifier_args
        from zkvmc.field import R
        from zkvmc.groth16 import prove

        h = int.from_bytes(hashlib.sha256(word(old_root) + word(new_root) + batch_no.to_bytes(8, "big") + data)
                           .digest(), "big") % R
        proof = prove(self.pk, self.r1cs, [1, h, h * h % R], self.rng)
        proof_words = abi_encode(verifier_args(proof, [h]))[:-32]  # a, b, c (8 words)
        head = word(old_root) + word(new_root) + word(batch_no) + word(32 * 12) + proof_words
        body = word(len(data)) + data + b"\0" * (-len(data) % 32)
        calldata = self.selector + head + body
        res = self.chain.call(self.address, calldata)
        assert res.as_bool is True, "the SHA-256 commitment's proof does not verify"
        return res.gas_used, calldata_gas(calldata), len(calldata)


def packed(public: list[int], batch: int, full: bool) -> bytes:
    """The slots' data as packed bytes: s0 in 17 bytes, then (full) d1 and d2 in 32 each."""
    out = b""
    for s in range(batch):
        s0, d1, d2 = public[1 + 3 * s: 4 + 3 * s]
        out += s0.to_bytes(S0_BYTES, "big") + ((word(d1) + word(d2)) if full else b"")
    return out


def sha_circuit_cost(batch: int, slot_bytes: int) -> tuple[int, int]:
    """(SHA-256 blocks, extra constraints) of hashing the header and `batch` slots in-circuit."""
    bits = 8 * (HEADER_BYTES + batch * slot_bytes)
    blocks = math.ceil((bits + 65) / 512)
    return blocks, blocks * SHA_BLOCK_CONSTRAINTS + bits


def mean_prove(t: dict[str, Any]) -> float:
    """Mean prove seconds of a bench/rollup.py configuration's batches: CPU seconds when
    recorded (proving runs on one core, and CPU time does not grow when the machine is busy),
    else wall-clock."""
    key = "prove_cpu_s" if all("prove_cpu_s" in x for x in t["batches"]) else "prove_s"
    return sum(x[key] for x in t["batches"]) / len(t["batches"])


def prove_estimate(curve: list[tuple[int, float]], constraints: int) -> float:
    """Prove seconds at `constraints`, linear between the measured (constraints, seconds) points
    and along the last (or first) segment beyond them: proving grows faster than linearly (the
    QAP domain doubles), so with one point, proportional scaling is a lower bound."""
    if len(curve) == 1:
        return curve[0][1] * constraints / curve[0][0]
    k = next((i for i in range(1, len(curve)) if constraints <= curve[i][0]), len(curve) - 1)
    (c0, s0), (c1, s1) = curve[k - 1], curve[k]
    return s0 + (s1 - s0) * (constraints - c0) / (c1 - c0)


# ---------------------------------------------------------------- main


def ensure_rollup(folder_root: Path, depth: int, batch: int, timings: dict[str, Any]) -> Path:
    """The rollup folder rollup-DEPTHxBATCH under folder_root, made by bench/rollup.py (setup and
    2 batches, in its own process) if missing."""
    import subprocess

    folder = folder_root / f"rollup-{depth}x{batch}"
    if not ((folder / "batches").is_dir() and batch_files(folder)):
        out = folder_root / f"bench-{depth}x{batch}.json"
        print(f"  making {folder} with bench/rollup.py (setup and 2 batches) ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(BENCH / "rollup.py"), "--configs", f"{depth}x{batch}", "--depths", "",
                        "--batches", "2", "--keep", str(folder_root), "--json", str(out)],
                       stdout=sys.stderr, check=True)
        timings[f"{depth}x{batch}"] = json.loads(out.read_text())["configs"][0]
    return folder


def main(argv: list[str]) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--configs", default="16x4,16x8", help="DEPTHxBATCH,... (as bench/rollup.py)")
    ap.add_argument("--dir", default=None, help="rollup folders rollup-DxB (bench/rollup.py --keep); default: a temp dir")
    ap.add_argument("--bench-json", default=None, help="bench/rollup.py --json output, for the prove times")
    ap.add_argument("--json", default=None, help="also write the measurements to this JSON file")
    args = ap.parse_args(argv)
    from evm_support import SKIP_REASON

    if SKIP_REASON is not None:
        print(f"bench/rollup_gas.py skipped: {SKIP_REASON}")
        return {}
    if args.dir is None:
        with tempfile.TemporaryDirectory(prefix="zkvmc-rollup-gas-") as tmp:
            return measure(args, Path(tmp))
    root = Path(args.dir)
    root.mkdir(parents=True, exist_ok=True)
    return measure(args, root)


def measure(args: argparse.Namespace, root: Path) -> dict[str, Any]:
    """Both tables for the configurations of args, with the rollup folders under root."""
    timings: dict[str, Any] = {}
    if args.bench_json:
        for r in json.loads(Path(args.bench_json).read_text())["configs"]:
            timings[f"{r['depth']}x{r['batch']}"] = r
    from rollup import parse_configs

    configs = parse_configs(args.configs)
    folders = {(d, b): ensure_rollup(root, d, b, timings) for d, b in configs}

    print("L1 gas per rollup transaction: pyrevm 0.3.7 (Shanghai), solc 0.8.28 --optimize 200, EIP-2028 calldata")
    print("ours: verifyProof(a, b, c, [newRoot, s0, s1, s2 per slot, oldRoot, batchNumber]) on the exported verifier")
    results: dict[str, Any] = {"signals": [], "sha": []}
    print(f"{'config':>7} {'batch':>5} {'kinds':>10} {'signals':>7} {'tx gas':>9} {'calldata':>8} "
          f"{'execution':>9} {'gas/tx':>7}")
    for (depth, b), folder in folders.items():
        for r in measure_signals(folder):
            r.update(depth=depth, size=b, gas_per_tx=r["gas"] / b)
            results["signals"].append(r)
            print(f"{depth:>4}x{b:<2} {r['batch']:>5} {r['kinds']:>10} {r['signals']:>7} {r['gas']:>9} "
                  f"{r['calldata_gas']:>8} {r['execution_gas']:>9} {r['gas_per_tx']:>7.0f}", flush=True)
    rows = results["signals"]
    lo, hi = min(rows, key=lambda r: r["signals"]), max(rows, key=lambda r: r["signals"])
    if hi["signals"] > lo["signals"]:
        ex = (hi["execution_gas"] - lo["execution_gas"]) / (hi["signals"] - lo["signals"])
        results["gas_per_signal"] = ex
        print(f"  execution gas per extra public signal: {ex:.0f} (ecMul 6,000 + ecAdd 150 + loop); "
              f"3 signals per slot = {3 * ex:.0f} gas per transaction")

    print("\nHermez-style: commitBatch(oldRoot, newRoot, batchNumber, bytes data, a, b, c): "
          "sha256 precompile + verifier with 1 public signal")
    curve = sorted((r["constraints"], mean_prove(r)) for r in timings.values())
    sha = ShaVerifier()
    g1, c1 = sha.verify_only()
    results["verify_1_signal"] = {"gas": g1, "calldata_gas": c1}
    print(f"  reference: verifyProof with 1 public signal: {g1} gas ({c1} calldata)")
    print(f"{'config':>7} {'batch':>5} {'packing':>8} {'bytes':>5} {'tx gas':>9} {'calldata':>8} {'gas/tx':>7} "
          f"{'blocks':>6} {'+constraints':>12} {'x circuit':>9} {'+prove s':>8}")
    for (depth, b), folder in folders.items():
        t = timings.get(f"{depth}x{b}")
        s_per_c = mean_prove(t) / t["constraints"] if t else None
        from zkvmc.artifacts.circuit_file import read_circuit

        constraints = len(read_circuit(str(folder / "circuit.r1cs.json")).r1cs.constraints)
        for d in batch_files(folder):
            public = [int(v) for v in json.loads((d / "public.json").read_text())]
            new_root, old_root, batch_no = public[0], public[-2], public[-1]
            for full in (True, False):
                data = packed(public, b, full)
                gas, cd, _ = sha.call(old_root, new_root, batch_no, data)
                blocks, extra = sha_circuit_cost(b, len(data) // b)
                prove_extra = (prove_estimate(curve, constraints + extra) - mean_prove(t)) if t else None
                row = {"depth": depth, "size": b, "batch": d.name, "packing": "full" if full else "s0 only",
                       "data_bytes": len(data), "gas": gas, "calldata_gas": cd, "gas_per_tx": gas / b,
                       "blocks": blocks, "extra_constraints": extra, "constraints": constraints,
                       "circuit_factor": (constraints + extra) / constraints, "extra_prove_s": prove_extra}
                results["sha"].append(row)
                ps = f"{prove_extra:>8.1f}" if prove_extra is not None else f"{'-':>8}"
                print(f"{depth:>4}x{b:<2} {d.name:>5} {row['packing']:>8} {len(data):>5} {gas:>9} {cd:>8} "
                      f"{gas / b:>7.0f} {blocks:>6} {extra:>12} {row['circuit_factor']:>8.2f}x {ps}", flush=True)
        if s_per_c:
            print(f"  {depth}x{b}: {constraints} constraints, measured prove {s_per_c * 1e6:.0f} µs per "
                  f"constraint ({s_per_c * constraints:.1f} s a batch, CPU)")
        ours = [r for r in results["signals"] if (r["depth"], r["size"]) == (depth, b)][-1]
        for row in [r for r in results["sha"] if (r["depth"], r["size"]) == (depth, b)][-2:]:
            extra_s = f", +{row['extra_prove_s']:.1f} s proving a batch" if row["extra_prove_s"] else ""
            print(f"  {depth}x{b} {ours['kinds']} batch: packed signals {ours['gas_per_tx']:.0f} gas/tx, SHA-256 input "
                  f"({row['packing']}) {row['gas_per_tx']:.0f} gas/tx: {ours['gas_per_tx'] - row['gas_per_tx']:.0f} "
                  f"gas/tx less for +{row['extra_constraints']} constraints ({row['circuit_factor']:.2f}x){extra_s}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
