/**
 * `make test-cluster`: the cluster under fault. Starts the cluster (fresh databases), lets
 * shoppers check out continuously through the gateway, and `kill -9`s one replica of each
 * service in turn, restarting it at once (as a supervisor would), and the OpenSearch node once
 * mid-run (with SEARCH_BACKEND=opensearch, the cluster's default). Afterwards it checks the
 * checkout invariants (scripts/checkout/invariants.ts) and that every request a client saw
 * fail was retried with the same Idempotency-Key and succeeded. It reports the requests, the
 * failures clients saw, and the recovery of each kill. Exits 1 on any violation.
 *
 *   CLUSTER_PORT_BASE=35000 node --import tsx scripts/cluster/fault-test.ts [--shoppers 6] [--interval 15]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Sequelize } from "sequelize";
import { DisqoCommerce } from "@disqo-commerce/sdk";
import { ROOT } from "../platform.js";
import { checkInvariants, type CheckoutService } from "../checkout/invariants.js";
import { startCluster, type Cluster } from "./cluster.js";
import { clusterSettings, type ServiceName } from "./settings.js";
import { Shoppers, type LogicalRequest } from "./shoppers.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const shopperCount = Number(arg("shoppers", "6"));
const productCount = Number(arg("products", "4"));
const initialStock = Number(arg("stock", "100000"));
const warmupS = Number(arg("warmup", "10"));
const intervalS = Number(arg("interval", "15"));
const tailS = Number(arg("tail", "15"));
/** A request still failing after this long counts as not recovered. */
const requestDeadlineMs = Number(arg("request-deadline", "90")) * 1000;
const KILLED: ServiceName[] = ["auth", "product", "cart", "order", "analytics", "gateway"];

const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

// Short leases, so a saga or an Idempotency-Key left behind by a killed replica is taken over
// within the run (production keeps the defaults: 60 s and 2 min). Both still outlast the
// slowest request the services can be running (their own timeouts are 3-5 s).
const ABANDON = { IDEMPOTENCY_ABANDONED_MS: "15000" };
const settings = clusterSettings(process.env, {
  dir: path.resolve(process.env.CLUSTER_DIR ?? path.join(ROOT, ".cluster", "fault-test")),
  databasePrefix: process.env.CLUSTER_DB_PREFIX ?? "fault_test_",
  freshDatabases: true,
  seed: true,
  services: ["auth", "product", "cart", "order", "analytics", "gateway"],
  serviceEnv: {
    auth: ABANDON,
    product: { ...ABANDON, SEED_PRODUCT_COUNT: "50" },
    cart: ABANDON,
    order: { ...ABANDON, SAGA_LEASE_MS: "15000", RECOVERY_INTERVAL_MS: "2000" },
    // no synthetic history: every recorded checkout must be one of this run's orders
    analytics: { SEED_ANALYTICS_DAYS: "0" },
  },
});

interface KillReport {
  replica: string;
  at: number;
  /** From the kill until the restarted replica answered /readyz. */
  restartMs: number;
  /** Logical requests that first failed between this kill and the next. */
  failedRequests: number;
  failures: number;
  /** The longest a request that failed in this window took from its first failure to its success. */
  clientRecoveryMs: number;
}

let cluster: Cluster | undefined;
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true;
    say(`\n${signal}: stopping the cluster`);
    void (cluster?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function main(): Promise<boolean> {
  say(`Starting the cluster in ${settings.dir} (ports from ${settings.portBase}, search on ${settings.searchBackend}), fresh databases`);
  // fresh logs too: the report counts nginx's retries from its access log
  for (const file of [path.join(settings.dir, "logs"), path.join(settings.dir, "nginx", "access.log"), path.join(settings.dir, "nginx", "error.log")]) fs.rmSync(file, { recursive: true, force: true });
  cluster = await startCluster(settings, say);
  say(`  up after ${elapsed()}`);
  const gateway = cluster.urls.gateway;
  const client = () => new DisqoCommerce({ baseUrl: gateway, maxRetries: 0, timeoutMs: 20_000 });

  const admin = new DisqoCommerce({ baseUrl: gateway, maxRetries: 3 });
  await admin.auth.login({ email: "admin@example.com", password: "admin-demo-pass" });
  const productIds: number[] = [];
  for (let i = 0; i < productCount; i++) {
    const p = await admin.products.create({ name: `Fault item ${i}`, description: "Cluster fault test product", sku: `FAULT-${i}`, price: { amount: 1500 + 100 * i, currency: "USD" }, stock: initialStock });
    productIds.push(p.id);
  }
  const clients: DisqoCommerce[] = [];
  for (let s = 0; s < shopperCount; s++) {
    const c = new DisqoCommerce({ baseUrl: gateway, maxRetries: 3 });
    await c.auth.register({ email: `fault-shopper-${s}@example.com`, password: "fault-shopper-pass-2024", first_name: "Fault", last_name: `Shopper ${s}` });
    // the shoppers' own calls are not retried by the SDK: the loop does it and counts
    const shopper = client();
    await shopper.auth.login({ email: `fault-shopper-${s}@example.com`, password: "fault-shopper-pass-2024" });
    clients.push(shopper);
  }
  say(`  ${productCount} products (stock ${initialStock}), ${shopperCount} shoppers; shopping for ${warmupS} s before the first kill`);

  const shoppers = new Shoppers(clients, productIds, requestDeadlineMs);
  const runStart = Date.now();
  shoppers.start();
  await sleep(warmupS * 1000);

  /**
   * Restarts like a supervisor: again after a failed start. A port in the ephemeral range
   * (32768-60999 on Linux) can be held for a moment by some outgoing connection, and then the
   * restarted process cannot bind it.
   */
  const restartWithRetries = async (name: string, start: () => Promise<void>) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await start();
      } catch (error) {
        if (attempt >= 3) throw error;
        say(`  ${name} did not start (${(error as Error).message.split("\n")[0]}); trying again`);
        await sleep(2_000);
      }
    }
  };
  // one replica of each service, and the search engine mid-run, each crashed and restarted at once
  const faults: { name: string; crash: () => Promise<void> }[] = KILLED.map((service, i) => {
    const replica = cluster!.replicas.filter((r) => r.service === service)[i % settings.replicas]!;
    return {
      name: replica.name,
      crash: async () => {
        await replica.kill("SIGKILL");
        await restartWithRetries(replica.name, () => replica.start());
      },
    };
  });
  const search = cluster.search;
  if (search) {
    faults.splice(3, 0, {
      name: "opensearch",
      crash: async () => {
        await search.crash();
        await restartWithRetries("opensearch", () => search.start());
      },
    });
  }
  const kills: KillReport[] = [];
  for (const fault of faults) {
    if (interrupted) break;
    const at = Date.now();
    say(`  [${elapsed()}] kill -9 ${fault.name}; restarting`);
    await fault.crash();
    const restartMs = Date.now() - at;
    say(`  [${elapsed()}] ${fault.name} ready again after ${(restartMs / 1000).toFixed(1)} s`);
    kills.push({ replica: fault.name, at, restartMs, failedRequests: 0, failures: 0, clientRecoveryMs: 0 });
    await sleep(Math.max(0, intervalS * 1000 - restartMs));
  }
  await sleep(tailS * 1000);
  await shoppers.stop();
  const runS = (Date.now() - runStart) / 1000;
  say(`  [${elapsed()}] shoppers stopped after ${runS.toFixed(0)} s; checking the invariants`);

  // -------------------------------------------------------------- what the clients saw
  const { stats } = shoppers;
  const failed = stats.logical.filter((l) => l.failures.length > 0);
  const window = (l: LogicalRequest) => {
    const first = l.failures[0]!.at;
    let index = -1;
    for (const [k, kill] of kills.entries()) if (first >= kill.at) index = k;
    return index;
  };
  const outsideKills: LogicalRequest[] = [];
  for (const l of failed) {
    const k = window(l);
    if (k < 0) {
      outsideKills.push(l);
      continue;
    }
    kills[k]!.failedRequests++;
    kills[k]!.failures += l.failures.length;
    if (l.succeededAt) kills[k]!.clientRecoveryMs = Math.max(kills[k]!.clientRecoveryMs, l.succeededAt - l.failures[0]!.at);
  }
  const gaveUp = stats.logical.filter((l) => l.gaveUp);
  const keyless = failed.filter((l) => !l.key && l.step !== "search");
  const byKind = new Map<string, number>();
  for (const l of failed) {
    for (const f of l.failures) {
      const kind = `${f.step} ${f.status}${f.code ? ` ${f.code}` : ""}`;
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    }
  }

  // -------------------------------------------------------------- the databases
  const open = (service: CheckoutService) => new Sequelize(cluster!.databases.urls[service], { dialect: "mysql", logging: false, timezone: "+00:00" });
  const check = await checkInvariants({ open, gateway, productIds, initialStock, expected: stats.expected, settleMs: 60_000, orphanedHoldsLapse: true });
  const recorded = await checkoutsRecorded(cluster!.databases.urls.analytics, check.orders);
  const nginxRetried = countNginxRetries(path.join(settings.dir, "nginx", "access.log"));

  // -------------------------------------------------------------- report
  say("");
  say(`Requests: ${stats.requests} HTTP requests by ${shopperCount} shoppers in ${runS.toFixed(0)} s (${stats.logical.length} logical requests, ${stats.expected.checkouts} checkouts)`);
  say(`Failures seen by clients: ${failed.reduce((n, l) => n + l.failures.length, 0)} on ${failed.length} requests; every one retried with the same Idempotency-Key: ${gaveUp.length === 0 ? "all succeeded" : `${gaveUp.length} NOT recovered`}`);
  for (const [kind, n] of [...byKind].sort((a, b) => b[1] - a[1])) say(`  ${n} x ${kind}`);
  say(`Requests nginx moved to the other replica (never seen by clients): ${nginxRetried}`);
  say("");
  say("| killed (kill -9) | restarted and ready | requests that failed | failures | longest client recovery |");
  say("|---|---:|---:|---:|---:|");
  for (const k of kills) say(`| ${k.replica} | ${(k.restartMs / 1000).toFixed(1)} s | ${k.failedRequests} | ${k.failures} | ${(k.clientRecoveryMs / 1000).toFixed(1)} s |`);
  say(`Analytics: ${recorded} checkouts recorded for ${check.orders} orders (each through its service's outbox, across the kills)`);
  say("");
  say(`Invariants: ${check.orders} orders, ${check.charges} successful charges (${check.processorCharges} on the processor's books), ${check.acceptedQuotes} accepted quotes, ${check.products.reduce((n, p) => n + p.committed, 0)} units committed = ${check.products.reduce((n, p) => n + p.sold, 0)} units sold; ${check.orderTotal} cents ordered, ${check.chargedTotal} charged`);
  for (const p of check.products) say(`  product ${p.id}: initial ${p.initial} = available ${p.available} + sold ${p.sold} + held ${p.held}${p.orphaned ? ` (${p.orphaned} orphaned by a kill: they lapse at the quote's expiry)` : ""}; committed ${p.committed}`);

  const problems = [...check.problems];
  for (const l of gaveUp.slice(0, 10)) problems.push(`${l.step} (key ${l.key ?? "-"}) gave up after ${l.attempts} attempts: ${l.gaveUp}`);
  if (gaveUp.length > 10) problems.push(`... and ${gaveUp.length - 10} more requests gave up`);
  if (stats.addsAppliedTwice) problems.push(`${stats.addsAppliedTwice} add-to-cart requests were applied twice (a retry ran an add whose first run had committed)`);
  if (keyless.length) problems.push(`${keyless.length} failed unsafe requests had no Idempotency-Key`);
  if (outsideKills.length) problems.push(`${outsideKills.length} requests failed before the first kill`);
  if (recorded !== check.orders) problems.push(`analytics recorded ${recorded} checkouts for ${check.orders} orders: outbox events were lost or counted twice`);
  if (cluster.crashes.length) problems.push(`replicas died on their own: ${cluster.crashes.join("; ")}`);
  if (kills.length !== faults.length) problems.push(`only ${kills.length} of ${faults.length} kills ran`);
  say(problems.length ? `\nFAILED:\n${problems.map((p) => `- ${p}`).join("\n")}` : "\nOK: all invariants hold and every failed request was retried with its key and succeeded");
  say(`(total ${elapsed()}; 1-minute load average now ${os.loadavg()[0]!.toFixed(2)}; logs in ${settings.dir}/logs and ${settings.dir}/nginx)`);
  return problems.length === 0;
}

/**
 * The checkouts the analytics service counted, once the order replicas' outboxes have caught
 * up (their relay backs off while analytics is down): waits up to a minute for the number of
 * orders, then answers what it has.
 */
async function checkoutsRecorded(url: string, orders: number): Promise<number> {
  const db = new Sequelize(url, { dialect: "mysql", logging: false, timezone: "+00:00" });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [rows] = (await db.query("SELECT COUNT(*) AS n FROM analytics_events WHERE type = 'checkout_succeeded'")) as [{ n: number | string }[], unknown];
      const n = Number(rows[0]!.n);
      if (n === orders || Date.now() > deadline) return n;
      await sleep(1_000);
    }
  } finally {
    await db.close();
  }
}

/** Requests nginx passed to the second replica after the first failed ($upstream_addr lists both). */
function countNginxRetries(file: string): number {
  if (!fs.existsSync(file)) return 0;
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => /upstream=\S+, /.test(line)).length;
}

let ok = false;
try {
  ok = await main();
} catch (error) {
  say(`fault test aborted: ${(error as Error)?.stack ?? error}`);
} finally {
  await cluster?.stop();
}
process.exit(ok ? 0 : 1);
