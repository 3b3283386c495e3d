/**
 * Search benchmark (issue 3): our `GET /v1/products?q=...` (first page, relevance) against the
 * original write-up's query (`SELECT * FROM products WHERE name LIKE '%term%'`, all rows), side
 * by side in one run, on the same generated catalog, on SQLite and on MariaDB.
 *
 *   TEST_MYSQL_URL=mysql://user:pw@127.0.0.1:3306 npx tsx --conditions=development scripts/bench/search/run.ts \
 *     --backends sqlite,mariadb --sizes 10000,100000,1000000 [--runs 100] [--max-load 1.5]
 *
 * Per backend one database grows through the sizes (the generator is deterministic per
 * position, so the first N products are the same as a fresh catalog of N). On MariaDB our
 * search runs on the replica's local index, which pulls the new rows before each size.
 * Before each size is measured the 1-minute load average must be at most --max-load (the
 * machine is shared): it waits in 30 s steps, at most 5 minutes, and reports the load seen.
 *
 * Reports median and p99 (ms) of our search SQL (the SearchIndex query), of our HTTP call, of
 * the write-up's SQL, the ratio write-up SQL / our HTTP (medians), and the 1-minute load
 * average when the row was measured. The HTTP client runs in the same process as the
 * service, so HTTP times include the client's share. Not part of `make test`.
 */
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import v8 from "node:v8";
import vm from "node:vm";
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
const runs = Number(arg("runs", "100"));
const maxLoad = Number(arg("max-load", "1.5"));
const backends = arg("backends", arg("backend", "sqlite")).split(",") as ("sqlite" | "mariadb")[];
for (const b of backends) {
  if (b !== "sqlite" && b !== "mariadb") throw new Error(`unknown backend ${b}`);
  if (b === "mariadb" && !process.env.TEST_MYSQL_URL) throw new Error("the mariadb backend needs TEST_MYSQL_URL");
}

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

async function time(n: number, warmup: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** Waits (30 s steps, at most 5 minutes) until the 1-minute load average is at most maxLoad; returns the load then. */
async function quietMachine(): Promise<number> {
  const deadline = Date.now() + 5 * 60_000;
  while (os.loadavg()[0] > maxLoad && Date.now() < deadline) {
    process.stderr.write(`load ${os.loadavg()[0].toFixed(2)} > ${maxLoad}: waiting 30 s\n`);
    await sleep(30_000);
  }
  return os.loadavg()[0];
}

v8.setFlagsFromString("--expose-gc");
/** Starts each series of samples on a collected heap. */
const collectGarbage = vm.runInNewContext("gc") as () => void;

const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const logger = createLogger({ service: "bench", level: "warn" });
const benchStart = performance.now();
const lines: string[] = [
  `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), shared; runs per cell: ${runs} for ours, ${Math.max(5, Math.floor(runs / 10))} for the write-up's query; ms`,
  "",
  "| backend | products | query | kind | matches | our SQL median / p99 | our HTTP median / p99 | write-up SQL median / p99 (rows) | ratio | load |",
  "|---|---:|---|---|---:|---:|---:|---:|---:|---:|",
];

for (const backend of backends) {
  const db = await freshDatabase("bench_search", backend);
  const sequelize = openDatabase({ url: db.url, sqliteFile: db.sqliteFile, name: "product", logger });
  await migrate(sequelize, migrations);
  const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-index-"));
  let search: ReturnType<typeof createSearchIndex> | undefined;
  let loaded = 0;
  try {
    for (const size of sizes) {
      const loadStart = performance.now();
      await loadCatalog(sequelize, { count: size - loaded, offset: loaded, seed: 42, batchSize: 2000 });
      loaded = size;
      if (!search) {
        search = createSearchIndex(sequelize, { file: path.join(indexDir, "index.sqlite"), refreshMs: 3_600_000, logger });
        await search.ready;
      } else {
        await search.sync();
      }
      process.stderr.write(`${backend}: loaded and indexed ${size} products in ${((performance.now() - loadStart) / 1000).toFixed(1)} s\n`);
      const index = search;
      const tokens = testTokens();
      const { app } = createApp({ sequelize, logger, verifier: tokens.verifier, search: index, validateResponses: false });
      const running = await listen(app, 0);
      try {
        // ours first, the write-up's queries after: their result sets (up to 180,000 rows) leave
        // garbage whose collection would otherwise land in the middle of our samples
        const cells: { kind: string; q: string; load: number; matches: string; ours: number[]; http: number[] }[] = [];
        for (const [kind, q] of QUERIES) {
          const load = await quietMachine();
          collectGarbage();
          const ours = await time(runs, 5, () => index.search({ terms: searchTerms(q), includeInactive: false, sort: "relevance", limit: 20 }));
          let matches = "";
          collectGarbage();
          const http = await time(runs, 5, async () => {
            const res = await fetch(`${running.url}/v1/products?q=${encodeURIComponent(q)}&limit=20`);
            const body = (await res.json()) as { total_count: number; total_count_is_lower_bound: boolean };
            matches = `${body.total_count}${body.total_count_is_lower_bound ? "+" : ""}`;
          });
          cells.push({ kind, q, load, matches, ours, http });
        }
        for (const { kind, q, load, matches, ours, http } of cells) {
          let rows = 0;
          const writeUp = await time(Math.max(5, Math.floor(runs / 10)), 1, async () => {
            const r = await sequelize.query("SELECT * FROM products WHERE name LIKE ?", { replacements: [`%${q}%`], type: QueryTypes.SELECT });
            rows = r.length;
          });
          const [o, h, w] = [stats(ours), stats(http), stats(writeUp)];
          lines.push(
            `| ${backend} | ${size.toLocaleString("en-US")} | \`${q}\` | ${kind} | ${matches} | ${fmt(o.median)} / ${fmt(o.p99)} | ${fmt(h.median)} / ${fmt(h.p99)} | ${fmt(w.median)} / ${fmt(w.p99)} (${rows}) | ${(w.median / h.median).toFixed(1)}x | ${load.toFixed(2)} |`,
          );
          process.stderr.write(`${lines[lines.length - 1]}\n`);
        }
      } finally {
        await running.close();
      }
    }
  } finally {
    await search?.close();
    await sequelize.close();
    fs.rmSync(indexDir, { recursive: true, force: true });
    await db.drop();
  }
}
lines.push("", `total run time ${((performance.now() - benchStart) / 60_000).toFixed(1)} min`);
process.stdout.write(`${lines.join("\n")}\n`);
