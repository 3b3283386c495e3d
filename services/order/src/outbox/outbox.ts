import { randomUUID } from "node:crypto";
import type { Transaction as DbTransaction } from "sequelize";
import { backoffDelay, sleep, sqlDate, type Logger } from "@disqo-commerce/kit";
import { createOutboxRows, type OutboxRow, type OutboxSettlement } from "../data-access/outbox-rows.js";
import type { OrderModels } from "../models/index.js";

/** A step for another service, to run after the local commit that needs it. */
export interface OutboxEntry {
  /** Entries of one aggregate run in the order they were written (a release never overtakes its commit). */
  aggregate: string;
  kind: string;
  payload: Record<string, unknown>;
}

/** The step is finished; or it can never succeed (`permanent`), so it stops retrying and is kept as `failed` for an operator. */
export type StepResult = { done: true } | { done: false; permanent: true; reason: string };

/** Runs one kind of entry; throwing means "not now" and the entry is retried with backoff. */
export type OutboxHandler = (payload: Record<string, unknown>) => Promise<StepResult>;

export interface OutboxOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a dispatcher owns an entry it picked, so two replicas do not run it at once. */
  claimMs: number;
  clock: () => Date;
}

export function createOutbox(models: OrderModels, handlers: Record<string, OutboxHandler>, logger: Logger, options: OutboxOptions) {
  const rows = createOutboxRows(models.sequelize);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;
  /** This dispatcher's name in the lease column (one per process, so replicas tell their claims apart). */
  const me = `${process.pid}-${randomUUID().slice(0, 8)}`;

  const backoff = (attempts: number) => backoffDelay(attempts, { baseMs: options.baseDelayMs, maxMs: options.maxDelayMs, jitter: "half" });

  /**
   * Takes the entry unless another dispatcher holds an unexpired lease on it: one conditional
   * UPDATE, so of two replicas racing for it exactly one wins. A dispatcher that died leaves
   * its lease to run out, and the entry is taken over then.
   */
  function claim(entry: OutboxRow, now: Date): Promise<boolean> {
    return rows.claim(entry.id, me, new Date(now.getTime() + options.claimMs), now);
  }

  /** Writes the result and lets go of the lease, unless the lease ran out and another dispatcher took the entry. */
  function settle(entry: OutboxRow, settlement: OutboxSettlement): Promise<void> {
    return rows.settle(entry.id, me, settlement);
  }

  async function runOne(entry: OutboxRow): Promise<void> {
    const handler = handlers[entry.kind];
    const attempts = Number(entry.attempts) + 1;
    try {
      if (!handler) throw new Error(`no handler for outbox kind ${entry.kind}`);
      const result = await handler(JSON.parse(entry.payload) as Record<string, unknown>);
      if (result.done) {
        await settle(entry, { state: "done", attempts, done_at: options.clock(), last_error: null });
      } else {
        logger.error({ outbox_id: entry.id, kind: entry.kind, aggregate: entry.aggregate, reason: result.reason }, "outbox step failed for good; needs an operator");
        await settle(entry, { state: "failed", attempts, last_error: result.reason.slice(0, 500) });
      }
    } catch (error) {
      const delay = backoff(attempts);
      logger.warn({ outbox_id: entry.id, kind: entry.kind, aggregate: entry.aggregate, attempts, retry_in_ms: delay, err: error }, "outbox step will be retried");
      await settle(entry, { attempts, next_attempt_at: new Date(options.clock().getTime() + delay), last_error: String((error as Error)?.message ?? error).slice(0, 500) });
    }
  }

  /**
   * Runs every entry that is due and first in line for its aggregate. `aggregates` limits the
   * pass to some aggregates and `force` ignores their backoff (right after the commit that
   * wrote them). Returns how many entries ran.
   */
  async function dispatch(filter: { aggregates?: string[]; force?: boolean } = {}): Promise<number> {
    const now = options.clock();
    const pending = await rows.pending(filter.aggregates);
    const firstOfAggregate = new Map<string, OutboxRow>();
    for (const entry of pending) if (!firstOfAggregate.has(entry.aggregate)) firstOfAggregate.set(entry.aggregate, entry);
    const due = [...firstOfAggregate.values()].filter((e) => filter.force || sqlDate(e.next_attempt_at).getTime() <= now.getTime());
    let ran = 0;
    await Promise.all(
      due.map(async (entry) => {
        if (!(await claim(entry, now))) return;
        ran++;
        await runOne(entry);
        // the next entry of the same aggregate may run now that this one is done
        const [next] = await rows.pending([entry.aggregate], 1);
        if (next && next.id !== entry.id && (filter.force || sqlDate(next.next_attempt_at).getTime() <= options.clock().getTime())) {
          if (await claim(next, options.clock())) {
            ran++;
            await runOne(next);
          }
        }
      }),
    );
    return ran;
  }

  function schedule(intervalMs: number) {
    if (stopped) return;
    timer = setTimeout(async () => {
      running = dispatch().catch((err) => {
        logger.warn({ err }, "outbox pass failed");
        return 0;
      });
      await running;
      running = undefined;
      schedule(intervalMs);
    }, intervalMs);
    timer.unref();
  }

  return {
    /** Writes entries inside the caller's DB transaction: they exist if and only if the change that needs them committed. */
    async enqueue(entries: OutboxEntry[], t: DbTransaction): Promise<void> {
      if (entries.length === 0) return;
      await rows.insert(
        entries.map((e) => ({ aggregate: e.aggregate, kind: e.kind, payload: JSON.stringify(e.payload) })),
        options.clock(),
        t,
      );
    },
    dispatch,
    /**
     * Waits (at most `timeoutMs`) while another dispatcher is running entries of these
     * aggregates: a forced dispatch leaves an entry another replica's pass has claimed alone,
     * and the caller may want its outcome before it answers. Entries that failed and wait for
     * their backoff are not waited for. Resolves true when none is running any more.
     */
    async settled(aggregates: string[], timeoutMs: number): Promise<boolean> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if ((await rows.running(aggregates, options.clock())) === 0) return true;
        if (Date.now() >= deadline) return false;
        await sleep(50);
      }
    },
    start(intervalMs: number) {
      if (!stopped) return;
      stopped = false;
      schedule(intervalMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    /** Undone entries, of some aggregates or all (tests and operators). */
    async pending(aggregates?: string[]): Promise<{ id: number; aggregate: string; kind: string; attempts: number; state: string }[]> {
      return (await rows.undone(aggregates)).map((r) => ({ id: Number(r.id), aggregate: r.aggregate, kind: r.kind, attempts: Number(r.attempts), state: r.state }));
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
