import { z } from "zod";
import { loadConfig } from "@disqo-commerce/kit";

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      PORT: z.coerce.number().int().min(0).max(65535).default(8005),
      /** Client events (`POST /v1/events`) one client address may send per minute, per replica. */
      ANALYTICS_EVENTS_PER_MINUTE: z.coerce.number().int().positive().default(600),
      /** Raw events older than this are purged (daily); the per-day funnel rollup is kept. */
      ANALYTICS_RETENTION_DAYS: z.coerce.number().int().min(30).default(400),
      /** The platform's currency: revenue sums only events in it. */
      ANALYTICS_CURRENCY: z.string().regex(/^[A-Z]{3}$/).default("USD"),
      /** Development only: seed this many days of synthetic activity into an empty database (0 = none). */
      SEED_ANALYTICS_DAYS: z.coerce.number().int().min(0).max(366).default(28),
    },
    env,
  );
}

export type AnalyticsConfig = ReturnType<typeof readConfig>;
