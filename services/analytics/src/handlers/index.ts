import type { HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { EventsStore } from "../data-access/events-store.js";
import type { Ingest } from "../domain/ingest.js";
import type { createEventRateLimit } from "../domain/rate-limit.js";
import { eventHandlers } from "./events.js";
import { kpiHandlers } from "./kpis.js";

export interface AnalyticsDomain {
  store: EventsStore;
  ingest: Ingest;
  rateLimit: ReturnType<typeof createEventRateLimit>;
  currency: string;
  now: () => Date;
}

/** Every operation of openapi/analytics.yaml, keyed by operationId. */
export function createHandlers(d: AnalyticsDomain): HandlerMap<operations> {
  return { ...eventHandlers(d), ...kpiHandlers(d) };
}
