// Oracle for tests/test_crypto_node.py: circomlibjs 0.1.7's EdDSA-Poseidon, point packing and Poseidon(n).
// stdin: JSON {"keys": ["<64 hex>", ...], "sign": [["<64 hex key>", "msg"], ...],
//   "verify": [["msg", "R8x", "R8y", "S", "Ax", "Ay"], ...], "pack": [["x", "y"], ...],
//   "unpack": ["<64 hex>", ...], "poseidon": [["a", "b", ...], ...], "blake512": ["<hex>", ...]}
//   (numbers as decimal strings)
// stdout: JSON {"pub": [["Ax", "Ay"], ...], "sig": [{"R8": ["x", "y"], "S": "s", "packed": "<128 hex>"}, ...],
//   "verified": [true, ...], "packed": ["<64 hex>", ...], "unpacked": [["x", "y"] or null, ...],
//   "hashes": ["h", ...], "blake512": ["<128 hex>", ...]}  (blake512: npm blake-hash, circomlibjs's BLAKE)
const fs = require("fs");
const { buildEddsa } = require("circomlibjs");
const createBlakeHash = require("blake-hash");

function hex(bytes) { return Buffer.from(bytes).toString("hex"); }

async function main() {
    const req = JSON.parse(fs.readFileSync(0, "utf8"));
    const eddsa = await buildEddsa();
    const F = eddsa.F;
    const bj = eddsa.babyJub;
    const pt = (p) => [F.toObject(p[0]).toString(), F.toObject(p[1]).toString()];
    const el = (x) => F.e(BigInt(x));
    const res = {};
    res.pub = (req.keys || []).map((k) => pt(eddsa.prv2pub(Buffer.from(k, "hex"))));
    res.sig = (req.sign || []).map(([k, m]) => {
        const sig = eddsa.signPoseidon(Buffer.from(k, "hex"), el(m));
        return { R8: pt(sig.R8), S: sig.S.toString(), packed: hex(eddsa.packSignature(sig)) };
    });
    res.verified = (req.verify || []).map(([m, rx, ry, s, ax, ay]) =>
        eddsa.verifyPoseidon(el(m), { R8: [el(rx), el(ry)], S: BigInt(s) }, [el(ax), el(ay)]));
    res.packed = (req.pack || []).map(([x, y]) => hex(bj.packPoint([el(x), el(y)])));
    res.unpacked = (req.unpack || []).map((h) => {
        const p = bj.unpackPoint(Buffer.from(h, "hex"));
        return p === null ? null : pt(p);
    });
    res.hashes = (req.poseidon || []).map((xs) => F.toObject(eddsa.poseidon(xs.map(el))).toString());
    res.blake512 = (req.blake512 || []).map((h) =>
        createBlakeHash("blake512").update(Buffer.from(h, "hex")).digest("hex"));
    // Exit only once the pipe has taken everything: the wasm curve keeps worker threads alive.
    process.stdout.write(JSON.stringify(res), () => process.exit(0));
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + "\n"); process.exit(1); });
