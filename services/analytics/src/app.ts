import { createRequire } from "node:module";
import type { Sequelize } from "sequelize";
import { buildApp, type BackgroundTask, type Logger, type OpenApiDocument, type TokenVerifier } from "@disqo-commerce/kit";
import { EventsStore } from "./data-access/events-store.js";
import { createIngest } from "./domain/ingest.js";
import { createEventRateLimit } from "./domain/rate-limit.js";
import { retentionTask } from "./domain/retention.js";
import { createHandlers, type AnalyticsDomain } from "./handlers/index.js";

const require = createRequire(import.meta.url);
export const spec = require("../../../openapi/dist/analytics.json") as OpenApiDocument;

export interface AnalyticsAppDeps {
  sequelize: Sequelize;
  logger: Logger;
  verifier: TokenVerifier;
  validateResponses: boolean;
  trustProxy?: string[];
  idempotencyAbandonedMs?: number;
  eventsPerMinute?: number;
  retentionDays?: number;
  currency?: string;
  now?: () => Date;
}

export function createAnalyticsDomain(deps: AnalyticsAppDeps): AnalyticsDomain {
  const now = deps.now ?? (() => new Date());
  const store = new EventsStore(deps.sequelize);
  return { store, ingest: createIngest(store, now), rateLimit: createEventRateLimit(deps.eventsPerMinute ?? 600), currency: deps.currency ?? "USD", now };
}

/** The analytics service's express app (never listens). */
export function createApp(deps: AnalyticsAppDeps) {
  const domain = createAnalyticsDomain(deps);
  const app = buildApp({ spec, handlers: createHandlers(domain), logger: deps.logger, verifier: deps.verifier, sequelize: deps.sequelize, validateResponses: deps.validateResponses, trustProxy: deps.trustProxy, idempotencyAbandonedMs: deps.idempotencyAbandonedMs });
  if (deps.retentionDays) (app.locals.backgroundTasks as BackgroundTask[]).push(retentionTask(domain.store, deps.retentionDays, deps.logger));
  return { app, domain };
}
