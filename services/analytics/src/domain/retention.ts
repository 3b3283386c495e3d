import type { Logger } from "@disqo-commerce/kit";
import type { EventsStore } from "../data-access/events-store.js";

const DAY_MS = 86_400_000;

/** Purges raw events older than the retention once a day (and at start); the funnel rollup is kept. */
export function retentionTask(store: EventsStore, retentionDays: number, logger: Logger) {
  return () => {
    const purge = () =>
      store.purgeBefore(new Date(Date.now() - retentionDays * DAY_MS)).then(
        (n) => n && logger.info({ purged: n, retention_days: retentionDays }, "purged analytics events past retention"),
        (err) => logger.warn({ err }, "analytics retention purge failed"),
      );
    void purge();
    const timer = setInterval(purge, DAY_MS);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  };
}
