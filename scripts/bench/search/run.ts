/**
 * Search benchmark (issue 3): our `GET /v1/products?q=...` (first page, relevance) against the
 * original write-up's query (`SELECT * FROM products WHERE name LIKE '%term%'`, all rows), side
 * by side in one run, on the same freshly generated catalog.
 *
 *   npx tsx --conditions=development scripts/bench/search/run.ts --sizes 10000,100000,1000000 [--runs 40]
 *   TEST_MYSQL_URL=mysql://root:pw@127.0.0.1:3306/ npx tsx ... --backend mariadb
 *
 * Reports median and p99 (ms) of our search SQL (the SearchIndex query), of our HTTP call, of
 * the write-up's SQL, and the ratio write-up SQL / our HTTP (medians). Not part of `make test`.
 */
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { QueryTypes } from "sequelize";
import { createLogger, listen, migrate, openDatabase } from "@disqo-commerce/kit";
import { freshDatabase, testTokens } from "@disqo-commerce/kit/testing";
import { createApp } from "../../../services/product/src/app.js";
import { loadCatalog } from "../../../services/product/src/catalog/generator.js";
import { migrations } from "../../../services/product/src/migrations/index.js";
import { createSearchIndex, searchTerms } from "../../../services/product/src/search/index.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = arg("sizes", "10000,100000").split(",").map(Number);
const runs = Number(arg("runs", "40"));
const backend = arg("backend", "sqlite");
if (backend === "sqlite") delete process.env.TEST_MYSQL_URL;
else if (!process.env.TEST_MYSQL_URL) throw new Error("--backend mariadb needs TEST_MYSQL_URL");

const QUERIES: [kind: string, q: string][] = [
  ["common", "book"],
  ["common", "management"],
  ["rare", "zeppelin"],
  ["two words", "book management"],
  ["prefix", "manag"],
  ["no match", "xyzzyq"],
];

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { median: at(0.5), p99: at(0.99) };
}

async function time(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(3, n); i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const logger = createLogger({ service: "bench", level: "warn" });
const lines: string[] = [
  `backend: ${backend}; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}); runs per cell: ${runs} (write-up query: ${Math.max(5, Math.floor(runs / 4))})`,
  "",
  "| products | query | kind | matches | our SQL median / p99 | our HTTP median / p99 | write-up SQL median / p99 (rows) | ratio |",
  "|---:|---|---|---:|---:|---:|---:|---:|",
];

for (const size of sizes) {
  const db = await freshDatabase("bench_search");
  const sequelize = openDatabase({ url: db.url, sqliteFile: db.sqliteFile, name: "product", logger });
  await migrate(sequelize, migrations);
  const loadStart = performance.now();
  await loadCatalog(sequelize, { count: size, seed: 42, batchSize: 2000 });
  const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-index-"));
  const search = createSearchIndex(sequelize, { file: path.join(indexDir, "index.sqlite"), refreshMs: 60_000, logger });
  await search.ready;
  process.stderr.write(`loaded and indexed ${size} products in ${((performance.now() - loadStart) / 1000).toFixed(1)} s\n`);
  const tokens = testTokens();
  const { app } = createApp({ sequelize, logger, verifier: tokens.verifier, search, validateResponses: false });
  const running = await listen(app, 0);
  for (const [kind, q] of QUERIES) {
    const ours = await time(runs, () => search.search({ terms: searchTerms(q), includeInactive: false, sort: "relevance", limit: 20 }));
    let matches = "";
    const http = await time(runs, async () => {
      const res = await fetch(`${running.url}/v1/products?q=${encodeURIComponent(q)}&limit=20`);
      const body = (await res.json()) as { total_count: number; total_count_is_lower_bound: boolean };
      matches = `${body.total_count}${body.total_count_is_lower_bound ? "+" : ""}`;
    });
    let rows = 0;
    const writeUp = await time(Math.max(5, Math.floor(runs / 4)), async () => {
      const r = await sequelize.query("SELECT * FROM products WHERE name LIKE ?", { replacements: [`%${q}%`], type: QueryTypes.SELECT });
      rows = r.length;
    });
    const [o, h, w] = [stats(ours), stats(http), stats(writeUp)];
    lines.push(`| ${size.toLocaleString("en-US")} | \`${q}\` | ${kind} | ${matches} | ${fmt(o.median)} / ${fmt(o.p99)} | ${fmt(h.median)} / ${fmt(h.p99)} | ${fmt(w.median)} / ${fmt(w.p99)} (${rows}) | ${(w.median / h.median).toFixed(1)}x |`);
    process.stderr.write(`${lines[lines.length - 1]}\n`);
  }
  await running.close();
  await search.close();
  await sequelize.close();
  fs.rmSync(indexDir, { recursive: true, force: true });
  await db.drop();
}
process.stdout.write(`${lines.join("\n")}\n`);
