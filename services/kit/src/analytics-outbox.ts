import { randomUUID } from "node:crypto";
import { DataTypes, QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { Logger } from "pino";
import { backoffDelay } from "./backoff.js";
import { currentVisitorId } from "./context.js";
import { writeStatement, type Migration } from "./db.js";
import type { BackgroundTask } from "./server.js";

/**
 * Analytics events of a service, written to its own `analytics_outbox` table in the same
 * transaction as the fact they describe (a signup, an order), then delivered by a relay to the
 * analytics service's `POST /v1/internal/events`. A fact that rolls back leaves no event; an
 * event survives the analytics service being down and a crash of this service; a redelivery
 * (the relay died after sending, before deleting) is counted once, by the event's id.
 */
export type AnalyticsEventType = "signup" | "search" | "cart_item_added" | "quote_created" | "checkout_succeeded" | "checkout_declined" | "order_cancelled";

export interface AnalyticsEvent {
  id: string;
  type: AnalyticsEventType;
  occurred_at: string;
  visitor_id: string | null;
  user_id: number | null;
  properties: Record<string, unknown>;
}

/** The outbox table; each service adds it under its own next migration name. */
export function analyticsOutboxMigration(name: string): Migration {
  return {
    name,
    async up({ context: qi }) {
      await qi.createTable("analytics_outbox", {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        payload: { type: DataTypes.TEXT, allowNull: false },
        created_at: { type: DataTypes.DATE(3), allowNull: false },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        // null once an event was refused for good (kept for inspection, never resent)
        next_attempt_at: { type: DataTypes.DATE(3), allowNull: true },
      });
      await qi.addIndex("analytics_outbox", ["next_attempt_at"], { name: "analytics_outbox_due" });
    },
  };
}

export interface EventRecorder {
  /** True when events are recorded at all (an analytics service is configured). */
  readonly enabled: boolean;
  /**
   * Writes one event to the outbox: in `transaction` when the fact is written in one (so they
   * commit or roll back together), else on its own. The visitor id comes from the request.
   * No email, name or address ever goes in `properties`.
   */
  record(type: AnalyticsEventType, who: { userId?: number | null }, properties: Record<string, unknown>, transaction?: Transaction): Promise<void>;
}

const sqlNow = (date: Date) => date.toISOString().replace("T", " ").replace("Z", "");

export function createEventRecorder(sequelize: Sequelize, enabled: boolean): EventRecorder {
  return {
    enabled,
    async record(type, who, properties, transaction) {
      if (!enabled) return;
      const now = new Date();
      const event: AnalyticsEvent = { id: randomUUID(), type, occurred_at: now.toISOString(), visitor_id: currentVisitorId() ?? null, user_id: who.userId ?? null, properties };
      // straight on the driver (one per cart change, quote, checkout and search); outside a
      // transaction, on SQLite, in the writer's queue rather than on the shared connection
      await writeStatement(sequelize, "INSERT INTO analytics_outbox (id, payload, created_at, attempts, next_attempt_at) VALUES (?, ?, ?, 0, ?)", [event.id, JSON.stringify(event), sqlNow(now), sqlNow(now)], transaction);
    },
  };
}

export interface RelayOptions {
  sequelize: Sequelize;
  /** The analytics service's base URL. */
  url: string;
  serviceToken: () => string;
  logger: Logger;
  intervalMs?: number;
  batchSize?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** 1 s, 2 s, 4 s ... up to 5 minutes between attempts of an event that could not be delivered. */
function backoffMs(attempts: number): number {
  return backoffDelay(attempts, { baseMs: 1_000, maxMs: 300_000 });
}

/**
 * Delivers due outbox events in batches and deletes what the analytics service accepted. Every
 * replica may run it: two replicas sending the same rows cause duplicates, which analytics
 * counts once. A batch refused as invalid (4xx) is retried event by event, and an event refused
 * on its own is set aside (logged, kept, never resent) so it cannot block the others.
 */
export function analyticsRelay(options: RelayOptions): BackgroundTask & { deliverDue(): Promise<number> } {
  const { sequelize, logger } = options;
  const doFetch = options.fetch ?? fetch;
  const batchSize = options.batchSize ?? 200;

  async function post(events: AnalyticsEvent[]): Promise<number> {
    const response = await doFetch(`${options.url}/v1/internal/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${options.serviceToken()}` },
      body: JSON.stringify({ events }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
    await response.arrayBuffer();
    return response.status;
  }

  async function settle(rows: { id: string; attempts: number }[], status: "sent" | "retry" | "refused"): Promise<void> {
    if (!rows.length) return;
    const ids = rows.map((r) => r.id);
    const list = ids.map(() => "?").join(",");
    if (status === "sent") {
      await sequelize.query(`DELETE FROM analytics_outbox WHERE id IN (${list})`, { replacements: ids });
      return;
    }
    if (status === "refused") {
      await sequelize.query(`UPDATE analytics_outbox SET next_attempt_at = NULL, attempts = attempts + 1 WHERE id IN (${list})`, { replacements: ids });
      return;
    }
    const attempts = Math.max(...rows.map((r) => r.attempts)) + 1;
    await sequelize.query(`UPDATE analytics_outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id IN (${list})`, {
      replacements: [sqlNow(new Date(Date.now() + backoffMs(attempts))), ...ids],
    });
  }

  /** One pass: sends what is due; answers how many events were delivered. */
  async function deliverDue(): Promise<number> {
    const rows = await sequelize.query<{ id: string; payload: string; attempts: number }>(
      `SELECT id, payload, attempts FROM analytics_outbox WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ? ORDER BY created_at LIMIT ${batchSize}`,
      { replacements: [sqlNow(new Date())], type: QueryTypes.SELECT },
    );
    if (!rows.length) return 0;
    const status = await post(rows.map((r) => JSON.parse(r.payload) as AnalyticsEvent)).catch(() => 0);
    if (status >= 200 && status < 300) {
      await settle(rows, "sent");
      return rows.length;
    }
    if (status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429) {
      let delivered = 0;
      for (const row of rows) {
        const one = await post([JSON.parse(row.payload) as AnalyticsEvent]).catch(() => 0);
        if (one >= 200 && one < 300) {
          await settle([row], "sent");
          delivered++;
        } else if (one >= 400 && one < 500 && one !== 401 && one !== 403 && one !== 429) {
          logger.error({ event_id: row.id, status: one }, "analytics refused an event; it is kept in analytics_outbox and not resent");
          await settle([row], "refused");
        } else await settle([row], "retry");
      }
      return delivered;
    }
    logger.warn({ status, events: rows.length }, "analytics did not take the events; will retry");
    await settle(rows, "retry");
    return 0;
  }

  const start: BackgroundTask = () => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const loop = async () => {
      if (stopped) return;
      try {
        // a full batch means more may be waiting: go again at once
        while (!stopped && (await deliverDue()) >= batchSize);
      } catch (err) {
        logger.warn({ err }, "analytics relay pass failed");
      }
      if (!stopped) timer = setTimeout(loop, options.intervalMs ?? 1_000).unref();
    };
    timer = setTimeout(loop, options.intervalMs ?? 1_000).unref();
    return {
      stop() {
        stopped = true;
        clearTimeout(timer);
      },
    };
  };
  return Object.assign(start, { deliverDue });
}
