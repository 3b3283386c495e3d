/**
 * The analytics service at volume (issue 13), on SQLite and on MariaDB in one run:
 *
 *   (a) ingest over HTTP: the production build (`services/analytics/dist/main.js`, plain node,
 *       NODE_ENV=production, response validation off) receives `POST /v1/internal/events`
 *       batches of 500 server events (what the services' outboxes send) from --clients
 *       concurrent senders for --seconds: events/s, and the service's CPU per 1,000 events.
 *   (b) bulk load: synthetic shopping activity (the generator `make start` seeds with, scaled
 *       up) spread over --days days ending today, recorded through the service's own ingest
 *       (in this process, batches of 500) until each checkpoint of --events.
 *   (c) at each checkpoint: the KPI queries for the last 30 days, in this process on the same
 *       database (the data access and domain code the endpoints run): the funnel and the daily
 *       summary; the first (cold) run and the median of --repeat warm runs.
 *
 * Not part of `make test`. The goal (issue 13): the 30-day funnel < 200 ms at 10M events.
 *
 *   make build && npx tsx scripts/bench/analytics/run.ts [--events 1000000,10000000] [--days 60]
 *     [--backends sqlite,mariadb] [--mysql-url mysql://user:pass@127.0.0.1:3306] [--seconds 10] [--clients 4] [--repeat 5]
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Sequelize } from "sequelize";
import { migrate, openDatabase, signServiceToken } from "@disqo-commerce/kit";
import { ROOT } from "../../platform.js";
import { cpuOf, say, startScript, uptime } from "../lib/measure.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const checkpoints = arg("events", "1000000,10000000").split(",").map(Number).sort((a, b) => a - b);
const days = Number(arg("days", "60"));
const backends = arg("backends", "sqlite,mariadb").split(",");
const mysqlUrl = arg("mysql-url", process.env.TEST_MYSQL_URL ?? "mysql://disqo:disqo-ci-only@127.0.0.1:3306");
const seconds = Number(arg("seconds", "10"));
const clients = Number(arg("clients", "4"));
const repeat = Number(arg("repeat", "5"));
const PORT = 38205;
const BATCH = 500;
const DAY_MS = 86_400_000;

// the production build: the same modules the service runs
const DIST = path.join(ROOT, "services/analytics/dist");
if (!fs.existsSync(path.join(DIST, "main.js"))) throw new Error("services/analytics/dist is missing: run `make build` first");
const { createAnalyticsDomain } = await import(path.join(DIST, "app.js"));
const { migrations } = await import(path.join(DIST, "migrations/index.js"));
const { syntheticActivity, idOf: uuidOf } = await import(path.join(DIST, "domain/synthetic.js"));
const { funnel } = await import(path.join(DIST, "domain/funnel.js"));
const { summary } = await import(path.join(DIST, "domain/summary.js"));

const secret = crypto.randomBytes(24).toString("hex");
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let databases = 0;
/** A fresh database per backend: a SQLite file in its own DATA_DIR, or a MariaDB database created for the run. */
async function freshDatabase(backend: string): Promise<{ env: Record<string, string>; dataDir: string; url?: string; drop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-analytics-${backend}-`));
  if (backend === "sqlite") return { env: { DATA_DIR: dataDir }, dataDir, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  const name = `bench_analytics_${process.pid}_${++databases}`;
  const admin = new Sequelize(mysqlUrl, { dialect: "mysql", logging: false });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.close();
  const url = `${mysqlUrl.replace(/\/$/, "")}/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url },
    dataDir,
    url,
    drop: async () => {
      const again = new Sequelize(mysqlUrl, { dialect: "mysql", logging: false });
      await again.query(`DROP DATABASE IF EXISTS ${name}`);
      await again.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function serverBatch(): { events: unknown[] } {
  const now = new Date().toISOString();
  return {
    events: Array.from({ length: BATCH }, (_, k) => ({
      id: crypto.randomUUID(),
      type: k % 5 === 0 ? "search" : "cart_item_added",
      occurred_at: now,
      visitor_id: `v_bench_${crypto.randomBytes(6).toString("hex")}`,
      user_id: null,
      properties: k % 5 === 0 ? { term: "garden hose", result_count: k % 3 } : { product_id: 1 + (k % 40), quantity: 1 },
    })),
  };
}

/** (a) events/s through the production build's HTTP ingest. */
async function httpIngest(env: Record<string, string>): Promise<{ eventsPerS: number; cpuMsPer1k: number }> {
  const service = await startScript(path.join(DIST, "main.js"), { ...env, NODE_ENV: "production", SERVICE_SECRET: secret, VALIDATE_RESPONSES: "false", LOG_LEVEL: "warn", SEED_DEMO_DATA: "false" }, PORT);
  // a bench stopped half-way must not leave the service holding the port for the next run
  const orphan = () => service.child.kill("SIGKILL");
  process.once("exit", orphan);
  try {
    const token = signServiceToken("bench", secret, 3600);
    const send = async () => {
      const r = await fetch(`http://127.0.0.1:${PORT}/v1/internal/events`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, body: JSON.stringify(serverBatch()) });
      if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${await r.text()}`);
      await r.arrayBuffer();
    };
    for (let i = 0; i < 4; i++) await send(); // warm-up
    const pids = { analytics: service.child.pid };
    const cpuBefore = cpuOf(pids).analytics!;
    const started = performance.now();
    const until = started + seconds * 1000;
    let batches = 0;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < until) {
          await send();
          batches++;
        }
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const cpuS = cpuOf(pids).analytics! - cpuBefore;
    const events = batches * BATCH;
    return { eventsPerS: events / elapsedS, cpuMsPer1k: (cpuS * 1000 * 1000) / events };
  } finally {
    process.removeListener("exit", orphan);
    await service.stop();
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

interface Generator {
  next(): unknown[];
}

/** Synthetic activity in small slices, round-robin over the --days days ending today, so every checkpoint has the days evenly filled. */
function activity(visitorsPerDay: number): Generator {
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  let round = 0;
  let day = 0;
  let users = 1_000;
  return {
    next() {
      const dayStart = today - (days - 1 - day) * DAY_MS;
      const events = syntheticActivity({ days: 1, until: new Date(dayStart + DAY_MS - 1), seed: round * 1_000 + day + 1, visitorsPerDay, firstUserId: users });
      // every round's visitors are new people; the ids are unique per (round, day)
      for (const e of events as { id: string; visitorId: string | null }[]) {
        e.id = uuidOf(`${round} ${e.id}`);
        if (e.visitorId) e.visitorId = `${e.visitorId}r${round}`;
      }
      users += 10_000;
      day = (day + 1) % days;
      if (day === 0) round++;
      return events;
    },
  };
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

interface Row {
  backend: string;
  events: number;
  loadS: number;
  loadRate: number;
  funnelCold: number;
  funnelWarm: number;
  summaryCold: number;
  summaryWarm: number;
}

const rows: Row[] = [];
const ingestRows: { backend: string; eventsPerS: number; cpuMsPer1k: number }[] = [];
say(`analytics bench: checkpoints ${checkpoints.join(", ")} events over ${days} days; backends ${backends.join(", ")}; ${os.cpus().length} cores`);
for (const backend of backends) {
  const scratch = await freshDatabase(backend);
  try {
    const ingest = await httpIngest(scratch.env);
    ingestRows.push({ backend, ...ingest });
    say(`[${uptime()}] ${backend}: HTTP ingest ${ingest.eventsPerS.toFixed(0)} events/s, ${ingest.cpuMsPer1k.toFixed(1)} ms CPU per 1,000 events`);
  } finally {
    await scratch.drop();
  }
  // the loaded database starts empty: (a)'s events all fall on today
  const db = await freshDatabase(backend);
  try {

    const sequelize = openDatabase({ url: db.url, dataDir: db.dataDir, name: "analytics" });
    await migrate(sequelize, migrations);
    const domain = createAnalyticsDomain({ sequelize, logger: undefined as never, verifier: undefined as never, validateResponses: false });
    const to = isoDay(Date.now());
    const window = { from: isoDay(Date.now() - 29 * DAY_MS), to };
    // 500 new visitors (about 1,800 events) per slice
    const gen = activity(500);
    const counted = (await sequelize.query("SELECT COUNT(*) AS n FROM analytics_events", { plain: true })) as { n: number | string } | null;
    let loaded = Number(counted?.n ?? 0);
    let pending: unknown[] = [];
    for (const target of checkpoints) {
      const started = performance.now();
      const from = loaded;
      while (loaded < target) {
        if (pending.length < BATCH) pending = pending.concat(gen.next());
        const batch = pending.splice(0, Math.min(BATCH, target - loaded));
        const result = await domain.ingest.record(batch);
        loaded += result.accepted + result.duplicates;
      }
      const loadS = (performance.now() - started) / 1000;
      const funnelCold = await timeIt(() => funnel(domain.store, window));
      const summaryCold = await timeIt(() => summary(domain.store, window, { interval: "day", abandonAfterHours: 24, currency: "USD", now: new Date() }));
      const funnelRuns: number[] = [];
      const summaryRuns: number[] = [];
      for (let i = 0; i < repeat; i++) {
        funnelRuns.push(await timeIt(() => funnel(domain.store, window)));
        summaryRuns.push(await timeIt(() => summary(domain.store, window, { interval: "day", abandonAfterHours: 24, currency: "USD", now: new Date() })));
      }
      const row = { backend, events: loaded, loadS, loadRate: (loaded - from) / loadS, funnelCold, funnelWarm: median(funnelRuns), summaryCold, summaryWarm: median(summaryRuns) };
      rows.push(row);
      say(`[${uptime()}] ${backend} at ${loaded} events: loaded at ${row.loadRate.toFixed(0)} events/s; 30-day funnel ${row.funnelWarm.toFixed(0)} ms (cold ${row.funnelCold.toFixed(0)}), summary ${row.summaryWarm.toFixed(0)} ms (cold ${row.summaryCold.toFixed(0)})`);
    }
    await sequelize.close();
  } finally {
    await db.drop();
  }
}

const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });
say("");
say("| backend | HTTP ingest, events/s | service CPU per 1,000 events |");
say("|---|---:|---:|");
for (const r of ingestRows) say(`| ${r.backend} | ${fmt(r.eventsPerS)} | ${r.cpuMsPer1k.toFixed(1)} ms |`);
say("");
say("| backend | events stored | bulk load, events/s | 30-day funnel (warm / cold) | 30-day daily summary (warm / cold) | funnel goal < 200 ms |");
say("|---|---:|---:|---:|---:|---|");
for (const r of rows) say(`| ${r.backend} | ${fmt(r.events)} | ${fmt(r.loadRate)} | ${fmt(r.funnelWarm)} / ${fmt(r.funnelCold)} ms | ${fmt(r.summaryWarm)} / ${fmt(r.summaryCold)} ms | ${r.funnelWarm < 200 ? "met" : `missed (${(r.funnelWarm / 200).toFixed(1)}x)`} |`);
