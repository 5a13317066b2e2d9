// The node's block explorer: batches with their L1 status, a batch's transactions, accounts and
// transactions by hash. Plain DOM (textContent only), no build step; refreshes every 3 seconds.
"use strict";

const REFRESH_MS = 3000;
const PAGE = 15;
let pages = [null];          // the `before` cursor of each page seen; null = newest
let selected = null;         // the batch shown in detail

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function short(s, n = 10) {
  if (s === null || s === undefined) return "–";
  s = String(s);
  return s.length > 2 * n ? s.slice(0, n) + "…" + s.slice(-4) : s;
}

async function getJSON(path) {
  const r = await fetch(path, { headers: { accept: "application/json" } });
  const body = await r.json();
  if (!r.ok) throw new Error((body.code || r.status) + ": " + (body.reason || ""));
  return body;
}

function facts(dl, pairs) {
  dl.replaceChildren();
  for (const [k, v] of pairs) { dl.append(el("dt", k), el("dd", v)); }
}

async function showHealth() {
  const box = document.getElementById("health");
  try {
    const h = await getJSON("/health");
    box.textContent = `${h.status} · chain ${h.chain_id} · sealed ${h.last_sealed} · proven ${h.last_proven}` +
      ` · committed ${h.last_committed} · on L1 ${h.last_l1_committed} · mempool ${h.mempool_depth}` +
      ` · proving ${h.batches_proving}`;
    box.className = "health" + (h.status === "ok" ? "" : " bad");
  } catch (e) {
    box.textContent = "node unreachable: " + e.message;
    box.className = "health bad";
  }
}

async function showBatches() {
  const before = pages[pages.length - 1];
  const page = await getJSON(`/batches?limit=${PAGE}` + (before ? `&before=${before}` : ""));
  const body = document.querySelector("#batches tbody");
  body.replaceChildren();
  for (const b of page.batches) {
    const tr = el("tr");
    tr.append(el("td", b.batch), el("td", b.status, "status-" + b.status), el("td", b.txs),
      el("td", short(b.new_root)), el("td", b.prove_seconds ? b.prove_seconds.toFixed(1) + " s" : "–"),
      el("td", b.l1.block ?? "–"), el("td", short(b.l1.tx)));
    tr.addEventListener("click", () => { selected = b.batch; showBatch(); });
    body.append(tr);
  }
  document.getElementById("older").disabled = page.next === null;
  document.getElementById("older").onclick = () => { pages.push(page.next); refresh(); };
  document.getElementById("newer").disabled = pages.length === 1;
  document.getElementById("newer").onclick = () => { pages.pop(); refresh(); };
}

async function showBatch() {
  if (selected === null) return;
  const b = await getJSON(`/batches/${selected}`);
  document.getElementById("batch-detail").hidden = false;
  document.getElementById("batch-title").textContent = `Batch ${b.batch} — ${b.status}`;
  facts(document.getElementById("batch-facts"), [
    ["old root", b.old_root], ["new root", b.new_root], ["applied locally", b.applied ? "yes" : "no"],
    ["proof", b.proof ? "groth16, " + b.public.length + " public signals" : "not yet"],
    ["L1 transaction", b.l1.tx ?? "–"], ["L1 block", b.l1.block ?? "–"]]);
  const body = document.querySelector("#batch-txs tbody");
  body.replaceChildren();
  for (const t of b.transactions) {
    const tr = el("tr");
    tr.append(el("td", short(t.hash, 12)), el("td", t.kind), el("td", t.from), el("td", t.to),
      el("td", t.amount), el("td", t.nonce));
    tr.addEventListener("click", () => { document.getElementById("tx-hash").value = t.hash; showTx(); });
    body.append(tr);
  }
}

async function showAccount() {
  const idx = document.getElementById("account-index").value;
  const dl = document.getElementById("account-facts");
  if (idx === "") return;
  try {
    const a = await getJSON(`/accounts/${encodeURIComponent(idx)}`);
    facts(dl, [["exists", a.exists ? "yes" : "no"], ["balance", a.balance], ["nonce", a.nonce],
      ["pending balance", a.pending.balance], ["pending nonce", a.pending.nonce],
      ["as of batch", a.batch], ["key Ax", short(a.ax, 12)], ["key Ay", short(a.ay, 12)]]);
  } catch (e) { facts(dl, [["error", e.message]]); }
}

async function showTx() {
  const h = document.getElementById("tx-hash").value.trim();
  const dl = document.getElementById("tx-facts");
  if (h === "") return;
  try {
    const t = await getJSON(`/txs/${encodeURIComponent(h)}`);
    facts(dl, [["status", t.status], ["kind", t.tx.kind], ["from", t.tx.from], ["to", t.tx.to],
      ["amount", t.tx.amount], ["batch", t.batch ?? "–"], ["source", t.source],
      ["L1 transaction", t.l1 ? t.l1.tx ?? "–" : "–"], ["L1 block", t.l1 ? t.l1.block ?? "–" : "–"]]);
  } catch (e) { facts(dl, [["error", e.message]]); }
}

async function refresh() {
  await showHealth();
  try { await showBatches(); await showBatch(); } catch (e) { /* shown by the health line */ }
  await showAccount();
  await showTx();
}

document.getElementById("account-form").addEventListener("submit", (e) => { e.preventDefault(); showAccount(); });
document.getElementById("tx-form").addEventListener("submit", (e) => { e.preventDefault(); showTx(); });
refresh();
setInterval(refresh, REFRESH_MS);
