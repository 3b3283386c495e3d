/**
 * Product read and search against the floor (issue 11), side by side in one run:
 *
 *   (a) `GET /v1/products/{id}`: CPU per request of the product service (and of gateway +
 *       product through the gateway) against bare Express 5 + node-sqlite3 running
 *       `SELECT ... WHERE id = ?` on the same SQLite file; requests/s at 20 connections.
 *   (b) `GET /v1/products?q=...` first page on a catalog of --products (default 100,000):
 *       CPU per request against the same floor running the capped count and the first page
 *       as FTS5 queries.
 *
 * The services run from the production build (`make build`: dist/main.js under plain node,
 * NODE_ENV=production, response validation off, request logging at info to a file); the
 * floor is scripts/bench/floor/server.mjs. CPU is each server process's own (from /proc),
 * so the load generator (autocannon, in this process) is not counted. Not part of `make test`.
 *
 * Each path's rows are measured in interleaved rounds (floor, product, gateway, floor, ...): a
 * row shows its median round, and a ratio is the median of the rounds' own ratios, so a drift of
 * the machine's speed between minutes lands on the floor and on ours alike.
 *
 *   make build && npx tsx scripts/bench/floor/run.ts [--products 100000] [--seconds 3] [--rounds 7] [--warmup 5] [--connections 20]
 *     [--only read|search] [--profile <dir>]   also write a V8 CPU profile of each service (node --cpu-prof) into <dir>
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startPlatform } from "../../platform.js";
import { load, quietMachine, say, startScript, uptime, type LoadResult } from "../lib/measure.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const products = Number(arg("products", "100000"));
const seconds = Number(arg("seconds", "3"));
const roundCount = Number(arg("rounds", "7"));
// ours has more code to compile than the floor: with a 2 s warm-up its first round still ran ~20% above its others
const warmupSeconds = Number(arg("warmup", "5"));
const connections = Number(arg("connections", "20"));
const maxLoad = Number(arg("max-load", "1.5"));
const only = arg("only", "read,search").split(",");
const profileDir = args.includes("--profile") ? path.resolve(arg("profile", "profiles")) : undefined;
const PORTS = { auth: 38001, product: 38002, cart: 38003, order: 38004, gateway: 38080 };
const FLOOR_PORT = 38102;
const FLOOR = path.join(path.dirname(new URL(import.meta.url).pathname), "server.mjs");

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-floor-"));
const logFile = path.join(dataDir, "platform.log");
say(`DATA_DIR ${dataDir}; seeding ${products} products (service logs in ${logFile})`);
const started = Date.now();
const platform = await startPlatform({
  dataDir,
  ports: PORTS,
  include: ["product", "gateway"],
  built: true,
  output: logFile,
  nodeArgs: profileDir ? { product: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`], gateway: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] } : undefined,
  env: {
    NODE_ENV: "production",
    SERVICE_SECRET: crypto.randomBytes(24).toString("hex"),
    VALIDATE_RESPONSES: "false",
    SEED_DEMO_DATA: "true",
    SEED_PRODUCT_COUNT: String(products),
  },
});
const floor = await startScript(FLOOR, { FLOOR_DB: path.join(dataDir, "product.sqlite") }, FLOOR_PORT);
say(`product service, gateway and floor up in ${((Date.now() - started) / 1000).toFixed(0)} s`);

const readPaths = Array.from({ length: 1000 }, (_, k) => `/v1/products/${1 + ((k * 7919) % Math.min(products, 1000))}`);
const searchPaths = ["book", "management", "garden", "light"].map((q) => `/v1/products?q=${q}`);
const targets = {
  floor: { url: `http://127.0.0.1:${FLOOR_PORT}`, watch: { floor: floor.child.pid } },
  product: { url: platform.urls.product!, watch: { product: platform.pids.product } },
  gateway: { url: platform.urls.gateway!, watch: { gateway: platform.pids.gateway, product: platform.pids.product } },
};

interface Row {
  path: string;
  target: string;
  result: LoadResult;
  cpuUs: number;
  /** CPU us per request of every round, in the order run. */
  rounds: number[];
}
const rows: Row[] = [];

const cpuOfResult = (result: LoadResult) => Object.values(result.cpuUsPerRequest).reduce((a, b) => a + b, 0);
const median = <T>(items: T[], by: (item: T) => number): T => [...items].sort((a, b) => by(a) - by(b))[Math.floor(items.length / 2)]!;

/**
 * Measures the targets of one path in interleaved rounds (floor, ours, floor, ours, ...): this
 * machine's CPU per request drifts by a third between minutes, and a ratio of two rows
 * measured minutes apart carried that drift.
 */
async function measure(label: string, names: (keyof typeof targets)[], paths: string[]): Promise<Row[]> {
  const results = new Map<string, LoadResult[]>(names.map((n) => [n, []]));
  // a first pass of each warms the JIT, the connection pools and the page cache
  for (const name of names) await load({ url: targets[name].url, paths, seconds: warmupSeconds, connections, watch: targets[name].watch });
  for (let round = 1; round <= roundCount; round++) {
    for (const name of names) {
      const result = await load({ url: targets[name].url, paths, seconds, connections, watch: targets[name].watch });
      say(`  ${label} ${name}, round ${round}: ${result.perSecond.toFixed(0)} req/s, CPU ${cpuOfResult(result).toFixed(0)} us/req (${Object.entries(result.cpuUsPerRequest).map(([n, v]) => `${n} ${v.toFixed(0)}`).join(", ")}), p50 ${result.p50ms} ms, non-2xx ${result.non2xx}, errors ${result.errors}`);
      if (result.non2xx || result.errors) throw new Error(`${label} ${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      results.get(name)!.push(result);
    }
  }
  const measured = names.map((name) => {
    const all = results.get(name)!;
    const result = median(all, cpuOfResult);
    return { path: label, target: name, result, cpuUs: cpuOfResult(result), rounds: all.map(cpuOfResult) };
  });
  rows.push(...measured);
  return measured;
}

let exitCode = 0;
try {
  const loadAvg = await quietMachine(maxLoad);
  say(`uptime: ${uptime()}`);
  const readLabel = "GET /v1/products/{id}";
  const searchLabel = `GET /v1/products?q= (${products} products)`;
  const [readFloor, readOurs, readGateway] = only.includes("read") ? await measure(readLabel, ["floor", "product", "gateway"], readPaths) : [];
  const [searchFloor, searchOurs] = only.includes("search") ? await measure(searchLabel, ["floor", "product"], searchPaths) : [];

  // each round's ratio pairs rows measured a few seconds apart; the printed ratio is their median
  const ratio = (ours: Row, base: Row) => median(ours.rounds.map((cpu, i) => cpu / base.rounds[i]!), (x) => x);
  const goals = [
    ...(readFloor ? [{ what: "product read, direct", row: readOurs!, base: readFloor, goal: 1.5 }, { what: "product read, through the gateway", row: readGateway!, base: readFloor, goal: 2 }] : []),
    ...(searchFloor ? [{ what: `search first page, ${products} products`, row: searchOurs!, base: searchFloor, goal: 2 }] : []),
  ];
  say("");
  say(`${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), 1-minute load at start ${loadAvg.toFixed(2)}; ${connections} connections; ${roundCount} interleaved rounds of ${seconds} s per row, each row its median round, each ratio the median of the rounds' ratios; production build, NODE_ENV=production, response validation off`);
  say("");
  say("| path | served by | requests/s | CPU us per request (rounds) | CPU ratio to floor | goal | requests/s ratio to floor |");
  say("|---|---|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const base = (r.path === readLabel ? readFloor : searchFloor)!;
    const goal = goals.find((g) => g.row === r);
    const served = r.target === "floor" ? "floor (Express 5 + node-sqlite3)" : r.target === "gateway" ? "gateway -> product" : "product service";
    say(`| \`${r.path}\` | ${served} | ${r.result.perSecond.toFixed(0)} | ${r.cpuUs.toFixed(0)} (${r.rounds.map((x) => x.toFixed(0)).join(", ")}) | ${ratio(r, base).toFixed(2)}x | ${goal ? `<= ${goal.goal}x ${ratio(r, base) <= goal.goal ? "met" : "MISSED"}` : ""} | ${(r.result.perSecond / base.result.perSecond).toFixed(2)}x |`);
  }
  say("");
  for (const g of goals) say(`- ${g.what}: ${ratio(g.row, g.base).toFixed(2)}x the floor's CPU per request (goal <= ${g.goal}x: ${ratio(g.row, g.base) <= g.goal ? "met" : `missed by ${(ratio(g.row, g.base) - g.goal).toFixed(2)}x`})`);
} catch (error) {
  say(`failed: ${(error as Error).stack ?? error}`);
  exitCode = 1;
} finally {
  await floor.stop();
  await platform.stop();
  if (profileDir) say(`CPU profiles in ${profileDir} (summarise: npx tsx scripts/bench/lib/profile-summary.ts ${profileDir}/<file>.cpuprofile)`);
  if (exitCode === 0) fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
