/**
 * Search backends benchmark (issue 12): the built product service (dist/, NODE_ENV=production)
 * on FTS5 and on OpenSearch, side by side on one catalog, against the original write-up's
 * `LIKE` query, in one run:
 *
 *   make build && scripts/opensearch.sh start
 *   npx tsx --conditions=development scripts/bench/search/backends.ts \
 *     --opensearch-url http://127.0.0.1:9200 --sizes 100000,1000000 [--runs 200] [--lag-samples 60] [--port 34400]
 *
 * One SQLite catalog grows through the sizes (loaded in this process with the deterministic
 * generator). For each size two service processes run on it: one with SEARCH_BACKEND=fts5, one
 * with SEARCH_BACKEND=opensearch; the OpenSearch one is (re)started after each load, so its
 * start-up catch-up through the change feed is the bulk index rate (products/s, from its own
 * log line). Then, over HTTP, first pages (limit 20) of every query kind on both, `runs` times
 * each; the write-up's `SELECT * FROM products WHERE name LIKE '%term%'` runs as SQL in this
 * process (it has no endpoint; its times leave out HTTP and JSON, which only flatters it).
 *
 * Write-to-searchable lag on OpenSearch, two paths:
 * - api: POST /v1/products on the OpenSearch service (admin token), then the first search that
 *   finds it; the writer applies and refreshes before answering, so this is the write's latency;
 * - feed: a product committed by another writer (this process, straight into the database, as
 *   a replica whose own sync failed would leave it), found by polling search every 10 ms: the
 *   feed poll (SEARCH_REFRESH_MS, 1 s default) plus bulk plus refresh.
 * Not part of `make test`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createPublicKey } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { QueryTypes } from "sequelize";
import { createLogger, migrate, openDatabase } from "@disqo-commerce/kit";
import { testTokens } from "@disqo-commerce/kit/testing";
import { loadCatalog } from "../../../services/product/src/catalog/generator.js";
import { createProductDomain } from "../../../services/product/src/app.js";
import { migrations } from "../../../services/product/src/migrations/index.js";
import type { SearchIndex } from "../../../services/product/src/search/search-index.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = arg("sizes", "100000,1000000").split(",").map(Number);
const runs = Number(arg("runs", "200"));
const likeRuns = Math.max(5, Math.floor(runs / 20));
const lagSamples = Number(arg("lag-samples", "60"));
const opensearchUrl = arg("opensearch-url", process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200");
const basePort = Number(arg("port", "34400"));
const refreshMs = arg("refresh-ms", "1000");

const MAIN = path.join(ROOT, "services/product/dist/main.js");
if (!fs.existsSync(MAIN)) throw new Error("services/product/dist/main.js is missing: run `make build` first");

/** Query kinds: [kind, query string without limit]; the LIKE column uses `like` when set. */
const KINDS: { kind: string; qs: string; like?: string }[] = [
  { kind: "common word", qs: "q=book", like: "book" },
  { kind: "common word 2", qs: "q=management", like: "management" },
  { kind: "rare word", qs: "q=zeppelin", like: "zeppelin" },
  { kind: "two words", qs: "q=book%20management", like: "book management" },
  { kind: "prefix", qs: "q=manag", like: "manag" },
  { kind: "one letter + word", qs: "q=b%20guide" },
  { kind: "no match", qs: "q=xyzzyq", like: "xyzzyq" },
  { kind: "newest", qs: "q=book&sort=newest" },
  { kind: "price asc", qs: "q=book&sort=price_asc" },
  { kind: "price range + desc", qs: "q=management&min_price=1000&max_price=3000&sort=price_desc" },
];

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { median: at(0.5), p99: at(0.99) };
}
const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const cell = (samples: number[]) => {
  const s = stats(samples);
  return `${fmt(s.median)} / ${fmt(s.p99)}`;
};

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

const logger = createLogger({ service: "bench", level: "warn" });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-backends-"));
const tokens = testTokens();
const indexPrefix = `bench_${process.pid}_`;

// the services verify the admin token against this process's key, as they would against auth's JWKS
const jwk = { ...createPublicKey(tokens.privateKey).export({ format: "jwk" }), kid: tokens.kid, alg: "ES256", use: "sig" };
const jwks = http.createServer((_req, res) => res.setHeader("content-type", "application/json").end(JSON.stringify({ keys: [jwk] })));
await new Promise<void>((resolve) => jwks.listen(basePort + 99, "127.0.0.1", resolve));

type Service = { url: string; child: ChildProcess; log: string[]; stop(): Promise<void> };

/** Starts the built product service on the bench catalog; resolves once /readyz answers 200. */
async function startService(name: string, port: number, env: Record<string, string>): Promise<Service> {
  const log: string[] = [];
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      SERVICE_SECRET: "bench-only-service-secret-0123456789",
      AUTH_JWKS_URL: `http://127.0.0.1:${basePort + 99}/jwks.json`,
      SEED_DEMO_DATA: "false",
      SEARCH_INDEX_FILE: path.join(dataDir, `${name}-index.sqlite`),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let buffered = "";
  const collect = (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    log.push(...lines);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60 * 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${log.slice(-5).join("\n")}`);
    const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`${name} not ready`);
    await sleep(200);
  }
  return {
    url,
    child,
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

const sequelize = openDatabase({ sqliteFile: path.join(dataDir, "product.sqlite"), name: "product", logger });
await migrate(sequelize, migrations);
// writes "by another writer" for the feed lag: the catalog's own code, with no search index to tell
const noIndex: SearchIndex = { search: async () => ({ ids: [], next: null, total: 0, totalIsLowerBound: false }), sync: async () => undefined, close: async () => undefined };
const { catalog } = createProductDomain({ sequelize, logger, verifier: tokens.verifier, search: noIndex, validateResponses: false });

const lines: string[] = [];
const summary: string[] = [];
const started = performance.now();
let loaded = 0;
let fts5: Service | undefined;
let opensearch: Service | undefined;
try {
  for (const size of sizes) {
    // stopped first: a running OpenSearch service would index the load as it goes, and its
    // start-up catch-up would then not measure the bulk index rate
    await fts5?.stop();
    await opensearch?.stop();
    const loadStart = performance.now();
    await loadCatalog(sequelize, { count: size - loaded, offset: loaded, seed: 42, batchSize: 2000 });
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const added = size - loaded;
    loaded = size;
    process.stderr.write(`loaded ${size} products into SQLite (+FTS5 triggers) in ${loadSeconds.toFixed(1)} s\n`);
    fts5 = await startService("fts5", basePort, { SEARCH_BACKEND: "fts5" });
    const osStart = performance.now();
    opensearch = await startService("opensearch", basePort + 1, {
      SEARCH_BACKEND: "opensearch",
      OPENSEARCH_URL: opensearchUrl,
      OPENSEARCH_INDEX_PREFIX: indexPrefix,
      SEARCH_REFRESH_MS: refreshMs,
    });
    const osSeconds = (performance.now() - osStart) / 1000;
    // the service writes its log in batches (flushed every 200 ms): wait for the catch-up line
    type CatchUp = { msg?: string; applied?: number; ms?: number };
    const findCatchUp = () => opensearch!.log.map((l) => JSON.parse(l) as CatchUp).find((l) => l.msg === "search index caught up");
    for (let waited = 0; !findCatchUp() && waited < 3000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    const caughtUp = findCatchUp();
    const rate = caughtUp?.applied && caughtUp.ms ? Math.round(caughtUp.applied / (caughtUp.ms / 1000)) : NaN;
    summary.push(
      `- ${size.toLocaleString("en-US")} products: OpenSearch indexed ${caughtUp?.applied?.toLocaleString("en-US")} new products in ${((caughtUp?.ms ?? 0) / 1000).toFixed(1)} s = **${rate.toLocaleString("en-US")} products/s** (service start to ready ${osSeconds.toFixed(1)} s); SQLite load with FTS5 triggers: ${added.toLocaleString("en-US")} in ${loadSeconds.toFixed(1)} s = ${Math.round(added / loadSeconds).toLocaleString("en-US")} products/s`,
    );
    process.stderr.write(`${summary[summary.length - 1]}\n`);

    // --runs 0 / --lag-samples 0 skip the searches / the lag (e.g. to measure only the index rate)
    for (const { kind, qs, like } of runs > 0 ? KINDS : []) {
      let matches = "";
      const first = async (base: string) => {
        const res = await fetch(`${base}/v1/products?${qs}&limit=20`);
        if (!res.ok) throw new Error(`${base} ${qs}: ${res.status}`);
        const body = (await res.json()) as { total_count: number; total_count_is_lower_bound: boolean };
        return `${body.total_count}${body.total_count_is_lower_bound ? "+" : ""}`;
      };
      const [fm, om] = [await first(fts5.url), await first(opensearch.url)];
      matches = fm === om ? fm : `${fm} vs ${om}`;
      const f = await time(runs, 10, () => first(fts5!.url));
      const o = await time(runs, 10, () => first(opensearch!.url));
      let likeCell = "-";
      if (like) {
        let rows = 0;
        const l = await time(likeRuns, 1, async () => {
          const r = await sequelize.query("SELECT * FROM products WHERE name LIKE ?", { replacements: [`%${like}%`], type: QueryTypes.SELECT });
          rows = r.length;
        });
        likeCell = `${cell(l)} (${rows} rows)`;
      }
      lines.push(`| ${size.toLocaleString("en-US")} | ${kind} | \`${decodeURIComponent(qs)}\` | ${matches} | ${cell(f)} | ${cell(o)} | ${likeCell} | ${os.loadavg()[0].toFixed(1)} |`);
      process.stderr.write(`${lines[lines.length - 1]}\n`);
    }

    // write-to-searchable lag on OpenSearch
    const admin = tokens.admin();
    const apiLag: number[] = [];
    const feedLag: number[] = [];
    const findable = async (word: string) => {
      const res = await fetch(`${opensearch!.url}/v1/products?q=${word}&limit=1`);
      return ((await res.json()) as { data: unknown[] }).data.length > 0;
    };
    const waitFor = async (word: string, t0: number, pollMs: number) => {
      while (!(await findable(word))) {
        if (performance.now() - t0 > 30_000) throw new Error(`${word} never became searchable`);
        await sleep(pollMs);
      }
      return performance.now() - t0;
    };
    if (lagSamples === 0) continue;
    for (let i = 0; i < lagSamples; i++) {
      const word = `lagapi${size}x${i}`;
      const t0 = performance.now();
      const res = await fetch(`${opensearch.url}/v1/products`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: JSON.stringify({ name: `Lag ${word}`, description: "Benchmark write.", sku: `LAGAPI-${size}-${i}`, price: { amount: 100, currency: "USD" } }),
      });
      if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
      apiLag.push(await waitFor(word, t0, 5));
      const feedWord = `lagfeed${size}x${i}`;
      const t1 = performance.now();
      await catalog.create({ name: `Lag ${feedWord}`, description: "Benchmark write.", sku: `LAGFEED-${size}-${i}`, price: { amount: 100, currency: "USD" }, stock: 0, is_active: true });
      feedLag.push(await waitFor(feedWord, t1, 10));
      await sleep(50 + Math.random() * 200);
    }
    const [a, fl] = [stats(apiLag), stats(feedLag)];
    summary.push(
      `- ${size.toLocaleString("en-US")} products: write-to-searchable lag on OpenSearch (${lagSamples} writes each), p50 / p99: through the API **${fmt(a.median)} / ${fmt(a.p99)} ms**; another writer's commit via the feed (SEARCH_REFRESH_MS=${refreshMs}) **${fmt(fl.median)} / ${fmt(fl.p99)} ms**`,
    );
    process.stderr.write(`${summary[summary.length - 1]}\n`);
  }
} finally {
  await fts5?.stop();
  await opensearch?.stop();
  await sequelize.close();
  jwks.close();
  await fetch(`${opensearchUrl}/${indexPrefix}*`, { method: "DELETE" }).catch(() => undefined);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

process.stdout.write(
  [
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), shared with the OpenSearch node (${opensearchUrl}); built services, NODE_ENV=production; first page (limit=20) over HTTP, ${runs} runs per cell (LIKE: ${likeRuns}, SQL in process); ms, median / p99`,
    "",
    "| products | kind | query | matches | FTS5 HTTP | OpenSearch HTTP | write-up LIKE (SQL) | load |",
    "|---:|---|---|---:|---:|---:|---:|---:|",
    ...lines,
    "",
    ...summary,
    "",
    `total run time ${((performance.now() - started) / 60_000).toFixed(1)} min`,
    "",
  ].join("\n"),
);
