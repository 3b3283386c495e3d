import type { EventRecorder, Logger, Principal } from "@disqo-commerce/kit";

/**
 * The analytics `search` fact: a shopper's first page of a text search, with the term
 * (trimmed, lower-cased) and how many products matched. Next pages (a cursor), browsing without
 * a term, and the services' own reads are not searches. A search writes nothing else, so its
 * event goes to the outbox on its own; if that write fails the shopper still gets the results.
 */
export function createSearchEvents(events: EventRecorder, logger: Logger) {
  return {
    async searched(query: { q?: string; cursor?: string }, totalCount: number, viewer: Principal | null): Promise<void> {
      const term = query.q?.trim().toLowerCase();
      if (!events.enabled || !term || query.cursor || viewer?.kind === "service") return;
      await events
        .record("search", { userId: viewer?.kind === "user" ? viewer.userId : null }, { term: term.slice(0, 200), result_count: totalCount })
        .catch((err) => logger.warn({ err }, "could not record a search event"));
    },
  };
}

export type SearchEvents = ReturnType<typeof createSearchEvents>;
