/**
 * Checkout benchmark (issue 5): checkouts per second END TO END through the gateway, with the
 * SDK, at several numbers of concurrent shoppers, on SQLite and on MariaDB. Each shopper is a
 * loop of add item -> create quote -> checkout (tok_visa). After every measurement the
 * services' databases are read directly and the money/stock invariants are checked:
 *
 * (scripts/checkout/invariants.ts): orders = successful charges = accepted quotes = checkouts
 * answered 201, stock conserved, units sold = units committed.
 *
 *   make build && npx tsx --conditions=development scripts/bench/checkout/run.ts
 *   TEST_MYSQL_URL=mysql://user:pw@127.0.0.1:3306 npx tsx --conditions=development scripts/bench/checkout/run.ts \
 *     [--backends sqlite,mariadb] [--concurrency 1,8] [--seconds 20] [--products 8] [--max-load 1.5] [--source] [--profile <dir>]
 *
 * The platform (auth, product, cart, order, gateway; no web) runs as child processes on a
 * fresh DATA_DIR and ports 38201-38204 (gateway 38280), in production configuration: the
 * production build (`make build`, dist/main.js under plain node; `--source` runs the sources
 * under tsx instead), NODE_ENV=production, a random SERVICE_SECRET and JWT_PRIVATE_KEY, response validation off,
 * logs at info (demo accounts are seeded for the admin login; no demo catalog). Reported per
 * run: checkouts/s, latencies, and the CPU ms per checkout of each service (from /proc) and
 * summed over the services, against issue 11's goals. On MariaDB each service
 * gets its own database (bench_auth, bench_product, bench_cart, bench_order), created fresh and
 * dropped at the end. The machine is shared: before each measurement it waits (30 s steps, at
 * most --load-wait seconds) while the 1-minute load average is above --max-load, and reports
 * the load it started at. Not part of `make test`.
 */
import { execSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Sequelize } from "sequelize";
import { ApiError, DisqoCommerce } from "@disqo-commerce/sdk";
import { startPlatform, type Platform } from "../../platform.js";
import { checkInvariants, emptyExpected, mergeExpected, type Expected } from "../../checkout/invariants.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const backends = arg("backends", process.env.TEST_MYSQL_URL ? "sqlite,mariadb" : "sqlite").split(",") as ("sqlite" | "mariadb")[];
const concurrencies = arg("concurrency", "1,8").split(",").map(Number);
const seconds = Number(arg("seconds", "20"));
const productCount = Number(arg("products", "8"));
const initialStock = Number(arg("stock", "1000000"));
const maxLoad = Number(arg("max-load", "1.5"));
const loadWaitSeconds = Number(arg("load-wait", "300"));
const logLevel = arg("log-level", "info");
const fromSource = args.includes("--source");
/** `--profile <dir>`: each service writes a V8 CPU profile (node --cpu-prof) there when it stops. */
const profileDir = args.includes("--profile") ? path.resolve(arg("profile", "profiles")) : undefined;
const serviceSecret = crypto.randomBytes(24).toString("hex");
const jwtPrivateKey = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const PORTS = { auth: 38201, product: 38202, cart: 38203, order: 38204, gateway: 38280 };
const SERVICES = ["auth", "product", "cart", "order"] as const;
const SHOPPER_PASSWORD = "bench-shopper-pass-2024";
const mysqlBase = process.env.TEST_MYSQL_URL;
if (backends.includes("mariadb") && !mysqlBase) throw new Error("--backends mariadb needs TEST_MYSQL_URL=mysql://user:pw@host:3306");

const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}

/** Waits while the machine is busy with other work, so a measurement does not compete with it. */
async function waitForQuietMachine(): Promise<{ load: number; waitedS: number }> {
  const started = Date.now();
  for (;;) {
    const load = os.loadavg()[0]!;
    say(`  uptime: ${execSync("uptime").toString().trim()}`);
    const waited = (Date.now() - started) / 1000;
    if (load <= maxLoad) return { load, waitedS: waited };
    if (waited + 30 > loadWaitSeconds) {
      say(`  load still ${load.toFixed(2)} after ${waited.toFixed(0)} s; measuring anyway`);
      return { load, waitedS: waited };
    }
    say(`  1-minute load ${load.toFixed(2)} > ${maxLoad}; waiting 30 s`);
    await sleep(30_000);
  }
}

/** The pid listening on a local port (the platform does not expose its children). */
function pidOnPort(port: number): number | undefined {
  const out = execSync(`ss -ltnpH 'sport = :${port}'`).toString();
  const m = /pid=(\d+)/.exec(out);
  return m ? Number(m[1]) : undefined;
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------- databases

interface Databases {
  urls: Partial<Record<(typeof SERVICES)[number], string>>;
  open(service: (typeof SERVICES)[number]): Sequelize;
  drop(): Promise<void>;
}

async function prepareDatabases(backend: "sqlite" | "mariadb", dataDir: string): Promise<Databases> {
  if (backend === "sqlite") {
    return {
      urls: {},
      open: (service) => new Sequelize({ dialect: "sqlite", storage: path.join(dataDir, `${service}.sqlite`), logging: false }),
      drop: async () => {},
    };
  }
  const { default: mysql } = await import("mysql2/promise");
  const admin = await mysql.createConnection(mysqlBase!);
  const urls: Databases["urls"] = {};
  for (const service of SERVICES) {
    await admin.query(`DROP DATABASE IF EXISTS \`bench_${service}\``);
    await admin.query(`CREATE DATABASE \`bench_${service}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const url = new URL(mysqlBase!);
    url.pathname = `/bench_${service}`;
    urls[service] = url.toString();
  }
  await admin.end();
  return {
    urls,
    open: (service) => new Sequelize(urls[service]!, { dialect: "mysql", logging: false, timezone: "+00:00" }),
    drop: async () => {
      const c = await mysql.createConnection(mysqlBase!);
      for (const service of SERVICES) await c.query(`DROP DATABASE IF EXISTS \`bench_${service}\``);
      await c.end();
    },
  };
}

// ---------------------------------------------------------------- platform

/**
 * startPlatform passes one environment to every child, but on MariaDB each service needs its
 * own DATABASE_URL; so each service is started by its own startPlatform call (`include`), auth
 * first (the others fetch its keys), with the whole port map so every child knows its peers.
 */
async function startServices(dataDir: string, dbUrls: Databases["urls"], logFile: string): Promise<{ platforms: Platform[]; crashes: string[] }> {
  const platforms: Platform[] = [];
  const crashes: string[] = [];
  // Every benchmark shopper registers from loopback: lift the per-client registration limit.
  const common = { LOG_LEVEL: logLevel, VALIDATE_RESPONSES: "false", NODE_ENV: "production", SERVICE_SECRET: serviceSecret, JWT_PRIVATE_KEY: jwtPrivateKey, SEED_DEMO_DATA: "true", SEED_PRODUCT_COUNT: "0", REGISTER_MAX_PER_CLIENT: "100000" };
  const start = async (name: string) => {
    const url = (dbUrls as Record<string, string | undefined>)[name];
    const platform = await startPlatform({ dataDir, ports: PORTS, include: [name], built: !fromSource, nodeArgs: profileDir ? { [name]: ["--cpu-prof", `--cpu-prof-dir=${profileDir}/${name}`] } : undefined, output: logFile, env: { ...common, ...(url ? { DATABASE_URL: url } : {}) } });
    platform.exited.then(({ name: n, code }) => crashes.push(`${n} exited with code ${code}`));
    platforms.push(platform);
  };
  try {
    await start("auth");
    await Promise.all(["product", "cart", "order", "gateway"].map(start));
  } catch (error) {
    await Promise.all(platforms.map((p) => p.stop()));
    throw error;
  }
  return { platforms, crashes };
}

// ---------------------------------------------------------------- the shoppers

interface Failure {
  step: string;
  status: number | string;
  code?: string;
  detail?: string;
  requestId?: string;
}

interface RunStats {
  checkouts: number;
  latencies: number[];
  steps: Record<string, number[]>;
  failures: Failure[];
  unitsOrdered: Map<number, number>;
  elapsedS: number;
}

function describe(error: unknown, step: string, requestId: string): Failure {
  if (error instanceof ApiError) return { step, status: error.status, code: error.code, detail: error.detail, requestId: error.requestId ?? requestId };
  const e = error as Error;
  return { step, status: e?.name ?? "error", detail: String(e?.message ?? e), requestId };
}

async function shop(label: string, shoppers: DisqoCommerce[], productIds: number[], until: (iteration: number) => boolean): Promise<RunStats> {
  const stats: RunStats = { checkouts: 0, latencies: [], steps: { add_item: [], create_quote: [], checkout: [] }, failures: [], unitsOrdered: new Map(), elapsedS: 0 };
  const t0 = performance.now();
  await Promise.all(
    shoppers.map(async (client, s) => {
      for (let i = 0; !interrupted && until(i); i++) {
        const productId = productIds[(s + i) % productIds.length]!;
        const quantity = 1 + (i % 2);
        const rid = `bench-${label}-s${s}-i${i}`;
        let step = "add_item";
        const started = performance.now();
        let mark = started;
        const lap = () => {
          const now = performance.now();
          stats.steps[step]!.push(now - mark);
          mark = now;
        };
        try {
          await client.cart.addItem({ product_id: productId, quantity }, { headers: { "X-Request-Id": `${rid}-add` } });
          lap();
          step = "create_quote";
          const quote = await client.quotes.create({}, { headers: { "X-Request-Id": `${rid}-quote` } });
          lap();
          step = "checkout";
          await client.checkout.create({ quote_id: quote.id, payment_method: { type: "card", token: "tok_visa" } }, { headers: { "X-Request-Id": `${rid}-checkout` } });
          lap();
          stats.latencies.push(performance.now() - started);
          stats.checkouts++;
          stats.unitsOrdered.set(productId, (stats.unitsOrdered.get(productId) ?? 0) + quantity);
        } catch (error) {
          stats.failures.push(describe(error, step, `${rid}-${step === "add_item" ? "add" : step === "create_quote" ? "quote" : "checkout"}`));
          // start the next round from an empty cart, so one failure does not snowball
          await client.cart.clear({ headers: { "X-Request-Id": `${rid}-clear` } }).catch(() => undefined);
        }
      }
    }),
  );
  stats.elapsedS = (performance.now() - t0) / 1000;
  return stats;
}

// ---------------------------------------------------------------- invariants

function addExpected(expected: Expected, stats: RunStats): void {
  mergeExpected(expected, { checkouts: stats.checkouts, units: stats.unitsOrdered });
}

const checkRun = (dbs: Databases, gateway: string, productIds: number[], expected: Expected) =>
  checkInvariants({ open: (service) => dbs.open(service), gateway, productIds, initialStock, expected });

/** Warnings and errors the services logged since `offset` (pino levels 40 and 50+), grouped. */
function logSummary(logFile: string, offset: number): { lines: string[]; warn: number; error: number } {
  const text = fs.readFileSync(logFile, "utf8").slice(offset);
  const lines: string[] = [];
  let warn = 0;
  let error = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as { level?: number };
      if ((entry.level ?? 0) >= 50) error++;
      else if ((entry.level ?? 0) >= 40) warn++;
      else continue;
      if (lines.length < 20) lines.push(line.length > 600 ? `${line.slice(0, 600)}...` : line);
    } catch {
      // a service's non-JSON output (e.g. a stack trace) is kept as is
      if (lines.length < 20) lines.push(line);
    }
  }
  return { lines, warn, error };
}

// ---------------------------------------------------------------- main

interface Row {
  backend: string;
  concurrency: number;
  checkouts: number;
  failures: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  steps: string;
  invariants: string;
  load: number;
  cpu: string;
  /** CPU ms per checkout summed over auth, product, cart, order and the gateway. */
  cpuServices: number;
  addP50: number;
}

const rows: Row[] = [];
/** What to undo if the run is interrupted: the children must not outlive it, nor the bench databases. */
let cleanup: (() => Promise<void>) | undefined;
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true;
    say(`\n${signal}: stopping the platform`);
    void (cleanup?.() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}
const findings: string[] = [];

async function runBackend(backend: "sqlite" | "mariadb") {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-checkout-${backend}-`));
  const logFile = path.join(dataDir, "platform.log");
  fs.writeFileSync(logFile, "");
  say(`\n== ${backend}: DATA_DIR ${dataDir}, service logs ${logFile}`);
  const dbs = await prepareDatabases(backend, dataDir);
  let platforms: Platform[] = [];
  cleanup = async () => {
    await Promise.all(platforms.map((p) => p.stop()));
    await dbs.drop();
  };
  try {
    const t = performance.now();
    const started = await startServices(dataDir, dbs.urls, logFile);
    platforms = started.platforms;
    say(`  platform up in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const gateway = `http://127.0.0.1:${PORTS.gateway}`;
    const client = () => new DisqoCommerce({ baseUrl: gateway, maxRetries: 0, timeoutMs: 60_000 });

    const admin = client();
    await admin.auth.login({ email: "admin@example.com", password: "admin-demo-pass" });
    const productIds: number[] = [];
    for (let i = 0; i < productCount; i++) {
      const p = await admin.products.create({ name: `Bench item ${i}`, description: "Checkout benchmark product", sku: `BENCH-${i}`, price: { amount: 1999 + 100 * i, currency: "USD" }, stock: initialStock });
      productIds.push(p.id);
    }
    const maxShoppers = Math.max(...concurrencies);
    const shoppers: DisqoCommerce[] = [];
    for (let s = 0; s < maxShoppers; s++) {
      const c = client();
      await c.auth.register({ email: `bench-shopper-${s}@example.com`, password: SHOPPER_PASSWORD, first_name: "Bench", last_name: `Shopper ${s}` });
      shoppers.push(c);
    }
    say(`  ${productIds.length} products (stock ${initialStock} each) and ${shoppers.length} shoppers created`);

    const expected = emptyExpected();
    // warm-up (not measured): one checkout per shopper, four at a time; JIT, pools and key caches warm up
    for (let s = 0; s < shoppers.length; s += 4) {
      const warm = await shop(`${backend}-warmup`, shoppers.slice(s, s + 4), productIds, (i) => i < 1);
      addExpected(expected, warm);
      if (warm.failures.length) findings.push(`${backend} warm-up: ${warm.failures.length} failures, e.g. ${JSON.stringify(warm.failures[0])}`);
    }
    const warmCheck = await checkRun(dbs, gateway, productIds, expected);
    say(`  warm-up done: ${warmCheck.orders} orders; invariants ${warmCheck.ok ? "OK" : `FAILED: ${warmCheck.problems.join("; ")}`}`);

    for (const concurrency of concurrencies) {
      say(`\n  -- ${backend}, ${concurrency} concurrent shoppers, ${seconds} s`);
      const { load, waitedS } = await waitForQuietMachine();
      if (started.crashes.length) throw new Error(`a service died: ${started.crashes.join("; ")}`);
      const logOffset = fs.statSync(logFile).size;
      const pids: Record<string, number | undefined> = { ...Object.fromEntries(Object.entries(PORTS).map(([n, port]) => [n, pidOnPort(port)])), ...(backend === "mariadb" ? { mariadbd: pidOnPort(Number(new URL(mysqlBase!).port || 3306)) } : {}) };
      const cpuBefore = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, cpuSeconds(pid)]));
      const benchCpuBefore = process.cpuUsage();
      const deadline = performance.now() + seconds * 1000;
      const stats = await shop(`${backend}-c${concurrency}`, shoppers.slice(0, concurrency), productIds, () => performance.now() < deadline);
      const cpuMs = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, ((cpuSeconds(pid) - cpuBefore[n]!) * 1000) / Math.max(1, stats.checkouts)]));
      const cpuServices = [...SERVICES, "gateway"].reduce((sum, n) => sum + cpuMs[n]!, 0);
      const cpu = Object.entries(cpuMs).map(([n, ms]) => `${n} ${ms.toFixed(1)}`);
      const benchCpu = process.cpuUsage(benchCpuBefore);
      cpu.push(`bench client ${((benchCpu.user + benchCpu.system) / 1000 / Math.max(1, stats.checkouts)).toFixed(0)}`);
      addExpected(expected, stats);
      const check = await checkRun(dbs, gateway, productIds, expected);
      const logs = logSummary(logFile, logOffset);
      const perSecond = stats.checkouts / stats.elapsedS;
      const step = (name: string) => `${percentile(stats.steps[name]!, 0.5).toFixed(0)}`;
      rows.push({
        backend: backend === "sqlite" ? "SQLite" : "MariaDB",
        concurrency,
        checkouts: stats.checkouts,
        failures: stats.failures.length,
        seconds: stats.elapsedS,
        perSecond,
        p50: percentile(stats.latencies, 0.5),
        p99: percentile(stats.latencies, 0.99),
        steps: `${step("add_item")} / ${step("create_quote")} / ${step("checkout")}`,
        invariants: check.ok ? "OK" : "FAILED",
        load,
        cpu: cpu.join(", "),
        cpuServices,
        addP50: percentile(stats.steps.add_item!, 0.5),
      });
      say(`  load at start ${load.toFixed(2)} (waited ${waitedS.toFixed(0)} s)`);
      say(`  ${stats.checkouts} checkouts in ${stats.elapsedS.toFixed(1)} s = ${perSecond.toFixed(1)}/s; p50 ${percentile(stats.latencies, 0.5).toFixed(0)} ms, p99 ${percentile(stats.latencies, 0.99).toFixed(0)} ms; ${stats.failures.length} failures`);
      say(`  CPU ms per checkout: services ${cpuServices.toFixed(1)} (${cpu.join(", ")})${backend === "mariadb" ? " (mariadbd is shared with other work)" : ""}`);
      say(`  totals: ${expected.checkouts} checkouts answered 201, ${check.orders} orders, ${check.charges} successful charges, ${check.acceptedQuotes} accepted quotes; ${check.orderTotal} cents ordered, ${check.chargedTotal} charged`);
      for (const p of check.products) say(`    product ${p.id}: initial ${p.initial} = available ${p.available} + sold ${p.sold} + held ${p.held}; committed ${p.committed}`);
      say(`  invariants: ${check.ok ? "OK" : `FAILED: ${check.problems.join("; ")}`}`);
      say(`  service log since the run: ${logs.warn} warnings, ${logs.error} errors`);
      for (const line of logs.lines) say(`    ${line}`);
      if (stats.failures.length) {
        const groups = new Map<string, Failure[]>();
        for (const f of stats.failures) {
          const key = `${f.step} ${f.status} ${f.code ?? ""}`.trim();
          groups.set(key, [...(groups.get(key) ?? []), f]);
        }
        for (const [key, list] of groups) {
          const sample = list[0]!;
          const text = `${backend} c=${concurrency}: ${list.length} x ${key}: ${sample.detail ?? ""} (request ${sample.requestId})`;
          say(`  failure: ${text}`);
          findings.push(text);
        }
      }
      if (!check.ok) findings.push(`${backend} c=${concurrency}: invariants FAILED: ${check.problems.join("; ")}`);
      if (logs.error) findings.push(`${backend} c=${concurrency}: ${logs.error} error lines in the service logs (${logFile})`);
    }
  } finally {
    await cleanup();
    cleanup = undefined;
  }
}

for (const backend of backends) await runBackend(backend);

const table = [
  "| backend | shoppers | checkouts | failed | seconds | checkouts/s | p50 ms | p99 ms | p50 add / quote / pay ms | CPU ms per checkout (services) | invariants | 1-min load at start |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---:|",
  ...rows.map(
    (r) =>
      `| ${r.backend} | ${r.concurrency} | ${r.checkouts} | ${r.failures} | ${r.seconds.toFixed(1)} | ${r.perSecond.toFixed(1)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.steps} | ${r.cpuServices.toFixed(1)} | ${r.invariants} | ${r.load.toFixed(2)} |`,
  ),
].join("\n");
say(`\n${table}\n`);
say(`CPU ms per checkout, by process:\n${rows.map((r) => `- ${r.backend}, ${r.concurrency} shoppers: ${r.cpu}`).join("\n")}\n`);
// issue 11's goals, from this run
const goalLines: string[] = [];
for (const r of rows) {
  goalLines.push(`- ${r.backend}, ${r.concurrency} shopper(s): ${r.cpuServices.toFixed(1)} ms CPU per checkout over the services (goal <= 40: ${r.cpuServices <= 40 ? "met" : `missed by ${(r.cpuServices - 40).toFixed(1)}`})`);
  if (r.concurrency === 8) goalLines.push(`- ${r.backend}, 8 shoppers: ${r.perSecond.toFixed(1)} checkouts/s (goal >= 40: ${r.perSecond >= 40 ? "met" : `missed by ${(40 - r.perSecond).toFixed(1)}`})`);
  if (r.concurrency === 1) goalLines.push(`- ${r.backend}, 1 shopper: add-to-cart p50 ${r.addP50.toFixed(1)} ms (goal <= 10: ${r.addP50 <= 10 ? "met" : `missed by ${(r.addP50 - 10).toFixed(1)}`})`);
}
say(`Goals (issue 11):\n${goalLines.join("\n")}\n`);
if (findings.length) say(`Findings:\n${findings.map((f) => `- ${f}`).join("\n")}\n`);
process.exit(findings.some((f) => f.includes("invariants FAILED")) ? 1 : 0);
