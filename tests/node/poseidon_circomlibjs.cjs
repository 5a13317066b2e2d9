// Oracle for tests/test_poseidon_node.py: circomlibjs's Poseidon and its t=3 constant tables.
// stdin: JSON {"pairs": [["a", "b"], ...]} (decimal strings); stdout: JSON
// {"hashes": [...], "reference": [...], "C": [...], "M": [[...]]}, all decimal strings.
// C and M are circomlibjs's src/poseidon_constants.json tables: C[t - 2], M[t - 2] for t = 2 .. 17.
const fs = require("fs");
const path = require("path");
const { buildPoseidon, buildPoseidonReference } = require("circomlibjs");

function constantTables() {
    // The package's "exports" hide src/, so locate the JSON beside the resolved entry point.
    const main = require.resolve("circomlibjs");
    const file = path.join(path.dirname(main), "..", "src", "poseidon_constants.json");
    const { C, M } = JSON.parse(fs.readFileSync(file, "utf8"));
    return {
        C: C.map((cs) => cs.map((h) => BigInt(h).toString())),
        M: M.map((m) => m.map((row) => row.map((h) => BigInt(h).toString()))),
    };
}

async function main() {
    const { pairs } = JSON.parse(fs.readFileSync(0, "utf8"));
    const wasm = await buildPoseidon();
    const ref = await buildPoseidonReference();
    const hashes = pairs.map(([a, b]) => wasm.F.toString(wasm([BigInt(a), BigInt(b)])));
    const reference = pairs.map(([a, b]) => ref.F.toString(ref([BigInt(a), BigInt(b)])));
    // Exit only once the pipe has taken everything: the wasm curve keeps worker threads alive.
    process.stdout.write(JSON.stringify({ hashes, reference, ...constantTables() }), () => process.exit(0));
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + "\n"); process.exit(1); });
