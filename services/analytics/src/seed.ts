import type { Logger } from "@disqo-commerce/kit";
import { syntheticActivity } from "./domain/synthetic.js";
import type { AnalyticsDomain } from "./handlers/index.js";

const BATCH = 500;

/** Development only: fills an empty analytics database with a few weeks of synthetic activity so the dashboard has something to show. */
export async function seedDemoActivity(domain: AnalyticsDomain, options: { days: number; logger?: Logger }): Promise<number> {
  if (!(await domain.store.isEmpty())) return 0;
  const events = syntheticActivity({ days: options.days, until: domain.now() });
  for (let i = 0; i < events.length; i += BATCH) await domain.ingest.record(events.slice(i, i + BATCH));
  options.logger?.info({ events: events.length, days: options.days }, "seeded synthetic analytics activity (development only)");
  return events.length;
}
