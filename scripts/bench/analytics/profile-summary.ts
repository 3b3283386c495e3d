/**
 * Where the KPI summary's time goes: loads --events synthetic events into a fresh SQLite (or
 * --mysql-url) analytics database, then times each query the summary runs for a 30-day window.
 *
 *   make build && npx tsx scripts/bench/analytics/profile-summary.ts [--events 1000000] [--mysql-url mysql://...]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Sequelize } from "sequelize";
import { migrate, openDatabase } from "@disqo-commerce/kit";
import { ROOT } from "../../platform.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const events = Number(arg("events", "1000000"));
const mysqlUrl = arg("mysql-url", "");
const DIST = path.join(ROOT, "services/analytics/dist");
const { createAnalyticsDomain } = await import(path.join(DIST, "app.js"));
const { migrations } = await import(path.join(DIST, "migrations/index.js"));
const { syntheticActivity, idOf } = await import(path.join(DIST, "domain/synthetic.js"));

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "profile-summary-"));
let url: string | undefined;
const dbName = `profile_summary_${process.pid}`;
if (mysqlUrl) {
  const admin = new Sequelize(mysqlUrl, { dialect: "mysql", logging: false });
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.close();
  url = `${mysqlUrl.replace(/\/$/, "")}/${dbName}`;
}
const sequelize = openDatabase({ url, dataDir, name: "analytics" });
await migrate(sequelize, migrations);
const domain = createAnalyticsDomain({ sequelize, logger: undefined as never, verifier: undefined as never, validateResponses: false });
const DAY = 86_400_000;
const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
let loaded = 0;
for (let round = 0; loaded < events; round++) {
  for (let d = 0; d < 60 && loaded < events; d++) {
    const dayStart = today - (59 - d) * DAY;
    const batch = (syntheticActivity({ days: 1, until: new Date(dayStart + DAY - 1), seed: round * 1000 + d + 1, visitorsPerDay: 500, firstUserId: 1000 + (round * 60 + d) * 10_000 }) as { id: string; visitorId: string | null }[]).map((e) => ({
      ...e,
      id: idOf(`${round} ${e.id}`),
      visitorId: e.visitorId ? `${e.visitorId}r${round}` : null,
    }));
    for (let i = 0; i < batch.length; i += 500) loaded += (await domain.ingest.record(batch.slice(i, i + 500))).accepted;
  }
}
const from = new Date(today - 29 * DAY);
const to = new Date(today + DAY);
const fromDay = from.toISOString().slice(0, 10);
const toDay = new Date(today).toISOString().slice(0, 10);
const time = async (label: string, fn: () => Promise<unknown>) => {
  await fn();
  const t = performance.now();
  const result = await fn();
  const size = Array.isArray(result) ? result.length : result instanceof Map ? result.size : "";
  process.stdout.write(`${label.padEnd(40)} ${(performance.now() - t).toFixed(0).padStart(6)} ms  ${size} rows\n`);
  return result;
};
process.stdout.write(`${loaded} events loaded\n`);
const store = domain.store;
await time("dailyTotals checkout_succeeded", () => store.dailyTotals("checkout_succeeded", fromDay, toDay));
const purchases = (await time("personEvents checkout_succeeded", () => store.personEvents("checkout_succeeded", from, to))) as { person: string }[];
await time("personEvents cart_item_added", () => store.personEvents("cart_item_added", from, to));
await time("zeroResultSearches", () => store.zeroResultSearches(fromDay, toDay, 10));
await time("firstDays (buyers)", () => store.firstDays("checkout_succeeded", purchases.map((p) => p.person)));
const { summary } = await import(path.join(DIST, "domain/summary.js"));
await time("summary (all of it)", () => summary(store, { from: fromDay, to: toDay }, { interval: "day", abandonAfterHours: 24, currency: "USD", now: new Date() }));
await sequelize.close();
if (mysqlUrl) {
  const admin = new Sequelize(mysqlUrl, { dialect: "mysql", logging: false });
  await admin.query(`DROP DATABASE ${dbName}`);
  await admin.close();
}
fs.rmSync(dataDir, { recursive: true, force: true });
