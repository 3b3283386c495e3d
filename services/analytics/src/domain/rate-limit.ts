import { LRUCache } from "lru-cache";
import { AppError } from "@disqo-commerce/kit";

const WINDOW_MS = 60_000;

/**
 * Client events per client address and minute (a fixed window), in this replica's memory:
 * enough to stop one browser or script from flooding the store; N replicas allow N times the
 * limit, which the spec's number is for. The oldest addresses are forgotten first.
 */
export function createEventRateLimit(perMinute: number, now: () => number = Date.now) {
  const windows = new LRUCache<string, { startedAt: number; events: number }>({ max: 50_000 });
  return {
    /** Counts `events` for `client`, or throws 429 with Retry-After when they would go over. */
    take(client: string, events: number): void {
      const t = now();
      let window = windows.get(client);
      if (!window || t - window.startedAt >= WINDOW_MS) {
        window = { startedAt: t, events: 0 };
        windows.set(client, window);
      }
      if (window.events + events > perMinute) {
        const retryAfter = Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - t) / 1000));
        throw new AppError(429, "rate_limited", `At most ${perMinute} events a minute from one client; try again later.`, { headers: { "Retry-After": String(retryAfter) } });
      }
      window.events += events;
    },
  };
}
