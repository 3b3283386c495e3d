import type { EventsStore, StepDay, StoredEvent } from "../data-access/events-store.js";
import { rollupChanges } from "./funnel-rollup.js";
import { dayOf } from "../data-access/events-store.js";
import { FUNNEL_STEP_OF, type EventType } from "./event-types.js";
import { personOf } from "./people.js";

/** A validated event on its way into the store. */
export interface IncomingEvent {
  id: string;
  type: EventType;
  occurredAt: Date;
  visitorId: string | null;
  userId: number | null;
  properties: Record<string, unknown>;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

function stored(event: IncomingEvent, person: string | null): StoredEvent {
  const p = event.properties;
  const total = p.total as { amount?: number; currency?: string } | undefined;
  return {
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt,
    person,
    visitorId: event.visitorId,
    userId: event.userId,
    amount: typeof total?.amount === "number" ? total.amount : null,
    currency: typeof total?.currency === "string" ? total.currency : null,
    term: typeof p.term === "string" ? p.term : null,
    resultCount: typeof p.result_count === "number" ? p.result_count : null,
    properties: p,
  };
}

function funnelDays(events: StoredEvent[]): StepDay[] {
  return events.flatMap((e) => {
    if (!e.person) return [];
    const day = dayOf(e.occurredAt);
    const step = FUNNEL_STEP_OF[e.type as EventType];
    return step ? [{ step: "visitors", day, person: e.person }, { step, day, person: e.person }] : [{ step: "visitors", day, person: e.person }];
  });
}

/**
 * Records a batch in one transaction: events whose id is already stored (or repeats within
 * the batch) are duplicates and change nothing, so an outbox that redelivers after a lost
 * answer is counted once. The funnel rollup rows are written with the events.
 */
export function createIngest(store: EventsStore, now: () => Date = () => new Date()) {
  return {
    async record(events: IncomingEvent[]): Promise<IngestResult> {
      const unique = [...new Map(events.map((e) => [e.id, e])).values()];
      return store.transaction(async (t) => {
        const existing = await store.existingIds(
          unique.map((e) => e.id),
          t,
        );
        const fresh = unique.filter((e) => !existing.has(e.id));
        const duplicates = events.length - fresh.length;
        if (fresh.length === 0) return { accepted: 0, duplicates };
        const pairs = fresh.flatMap((e) => (e.visitorId && e.userId !== null ? [{ userId: e.userId, visitorId: e.visitorId }] : []));
        if (pairs.length) await store.link(pairs, t);
        const unlinked = fresh.flatMap((e) => (!e.visitorId && e.userId !== null ? [e.userId] : []));
        const linked = unlinked.length ? await store.visitorsOf(unlinked, t) : new Map<number, string>();
        const rows = fresh.map((e) => stored(e, personOf(e.visitorId, e.userId, linked)));
        await store.insertEvents(rows, now(), t);
        const reached = funnelDays(rows);
        if (reached.length) await store.applyRollup(rollupChanges(await store.rollupRowsOf(reached.map((r) => r.person), t), reached), t);
        return { accepted: fresh.length, duplicates };
      });
    },
  };
}

export type Ingest = ReturnType<typeof createIngest>;
