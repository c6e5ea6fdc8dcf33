#!/usr/bin/env node
// Reads the loadgen JSON files of one bench/run.sh run and prints the servers
// side by side as a Markdown table, with Parlor's advantage over each other
// server as a ratio (>1 means Parlor is better on that line).
//   node bench/report.js <results dir>
"use strict";

const fs = require("fs");
const path = require("path");

const dir = process.argv[2];
if (!dir) {
  console.error("usage: report.js <results dir>");
  process.exit(2);
}

// <server>-<scenario>.json; the per-process idle parts (<server>-idle-<k>.json) are skipped
const results = {}; // server -> scenario -> doc
for (const f of fs.readdirSync(dir)) {
  const m = /^(.+)-(idle|fanout|large|ingest|stepup|storm)\.json$/.exec(f);
  if (!m) continue;
  try {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
    (results[m[1]] ||= {})[m[2]] = doc;
  } catch (e) {
    console.error(`skipping ${f}: ${e.message}`);
  }
}
const order = ["parlor", "node", "node-cluster"];
const servers = Object.keys(results).sort((a, b) => {
  const ia = order.indexOf(a), ib = order.indexOf(b);
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
});

const ms = (us) => (us === undefined ? undefined : us / 1000);
const phase = (doc) => (doc && doc.phases && doc.phases[0]) || undefined;
const passedSteps = (doc) => (doc && doc.phases ? doc.phases.filter((p) => p.passed) : []);

// [label, scenario, getter, better: "high" | "low" | null, digits]
const rows = [
  ["connections held", "idle", (d) => d.idle && d.idle.connections, "high", 0],
  ["server RSS per connection (KiB)", "idle", (d) => d.idle && d.idle.rss_kib_per_connection, "low", 2],
];
for (const sc of ["fanout", "large", "ingest"]) {
  rows.push(
    [`deliveries/s`, sc, (d) => phase(d) && phase(d).deliveries_per_s, "high", 0],
    [`delivery p50 (ms)`, sc, (d) => phase(d) && ms(phase(d).delivery_latency_us.p50), "low", 2],
    [`delivery p99 (ms)`, sc, (d) => phase(d) && ms(phase(d).delivery_latency_us.p99), "low", 2],
    [`delivery p99.9 (ms)`, sc, (d) => phase(d) && ms(phase(d).delivery_latency_us.p999), "low", 2],
    [`delivery max (ms)`, sc, (d) => phase(d) && ms(phase(d).delivery_latency_us.max), "low", 1],
    [`ack p50 (ms)`, sc, (d) => phase(d) && ms(phase(d).ack_latency_us.p50), "low", 2],
    [`ack p99 (ms)`, sc, (d) => phase(d) && ms(phase(d).ack_latency_us.p99), "low", 2],
    [`server CPU per delivery (µs)`, sc, (d) => phase(d) && phase(d).server.cpu_us_per_delivery, "low", 2],
    [`lost / duplicated`, sc, (d) => phase(d) && `${phase(d).lost} / ${phase(d).duplicates}`, null, 0],
  );
}
rows.push(
  ["max sustained msgs/s (p99 < 50 ms, none lost)", "stepup", (d) => d.max_sustained && d.max_sustained.msgs_per_s, "high", 0],
  ["max sustained deliveries/s", "stepup", (d) => d.max_sustained && d.max_sustained.deliveries_per_s, "high", 0],
  ["server CPU per delivery at the max sustained step (µs)", "stepup", (d) => {
    // Steps past the first failure refine the bracket, so the best passing
    // step is not always the last one.
    const p = passedSteps(d);
    if (!p.length) return undefined;
    return p.reduce((a, b) => (b.deliveries_per_s > a.deliveries_per_s ? b : a)).server.cpu_us_per_delivery;
  }, "low", 2],
  ["clients dropped", "storm", (d) => d.storm && d.storm.dropped, null, 0],
  ["clients synced", "storm", (d) => d.storm && d.storm.synced, null, 0],
  ["time until all synced (ms)", "storm", (d) =>
    d.storm && (d.storm.synced >= d.storm.dropped ? d.storm.all_synced_ms : `not all (${d.storm.synced}/${d.storm.dropped})`), "low", 0],
  ["reconnect-to-synced p50 (ms)", "storm", (d) => d.storm && d.storm.sync_ms.p50, "low", 0],
  ["lost / duplicated", "storm", (d) => phase(d) && `${phase(d).lost} / ${phase(d).duplicates}`, null, 0],
);

const fmt = (v, digits) =>
  v === undefined || v === null || (typeof v === "number" && !Number.isFinite(v))
    ? "–"
    : typeof v === "number"
      ? v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
      : String(v);

const others = servers.filter((s) => s !== "parlor");
const hasParlor = servers.includes("parlor");
const header = ["scenario", "figure", ...servers, ...(hasParlor ? others.map((o) => `Parlor vs ${o}`) : [])];
const lines = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
const summary = [];
for (const [label, sc, get, better, digits] of rows) {
  const vals = servers.map((s) => {
    const d = results[s] && results[s][sc];
    if (!d) return undefined;
    try {
      return get(d);
    } catch {
      return undefined;
    }
  });
  if (vals.every((v) => v === undefined)) continue;
  const cells = [sc, label, ...vals.map((v) => fmt(v, digits))];
  const entry = { scenario: sc, figure: label, values: Object.fromEntries(servers.map((s, i) => [s, vals[i] ?? null])) };
  if (hasParlor) {
    const p = vals[servers.indexOf("parlor")];
    for (const o of others) {
      const v = vals[servers.indexOf(o)];
      let r;
      if (better && typeof p === "number" && typeof v === "number" && p > 0 && v > 0)
        r = better === "high" ? p / v : v / p;
      cells.push(r === undefined ? "–" : `${r >= 10 ? r.toFixed(0) : r.toPrecision(2)}×`);
      entry[`parlor_vs_${o}`] = r ?? null;
    }
  }
  lines.push(`| ${cells.join(" | ")} |`);
  summary.push(entry);
}
const failed = [];
for (const s of servers)
  for (const [sc, d] of Object.entries(results[s])) if (d.ok === false) failed.push(`${s}/${sc}`);

console.log(lines.join("\n"));
if (failed.length) console.log(`\nruns with errors (lost, duplicated, refused or incomplete): ${failed.join(", ")}`);
fs.writeFileSync(path.join(dir, "summary.json"), JSON.stringify({ servers, rows: summary, failed }, null, 2) + "\n");
