import type { Sequelize, Transaction } from "sequelize";
import { assignments, createSqlReader, insertRows, placeholders, writeStatement } from "@disqo-commerce/kit";

/** An outbox entry as read: dates as the driver gives them (text on SQLite). */
export interface OutboxRow {
  id: number;
  aggregate: string;
  kind: string;
  payload: string;
  state: "pending" | "done" | "failed";
  attempts: number;
  next_attempt_at: Date | string;
}

/** What settling an entry writes. */
export interface OutboxSettlement {
  state?: "done" | "failed";
  attempts: number;
  done_at?: Date;
  next_attempt_at?: Date;
  last_error: string | null;
}

const COLUMNS = "id, aggregate, kind, payload, state, attempts, next_attempt_at";

/**
 * The outbox's SQL. Every checkout writes two entries and runs them before it answers
 * (claim, settle, the reads around them): reads as prepared statements (the kit's
 * SqlReader), each write one statement straight on the driver (writeStatement; on SQLite in
 * the writer's queue), instead of a model call in a transaction of its own each.
 */
export function createOutboxRows(sequelize: Sequelize) {
  const reader = createSqlReader(sequelize);
  const ofAggregates = (aggregates: string[] | undefined) => (aggregates ? ` AND aggregate IN (${placeholders(aggregates.length)})` : "");

  return {
    /** Writes entries in the caller's transaction: they exist if and only if the change that needs them commits. */
    async insert(entries: { aggregate: string; kind: string; payload: string }[], at: Date, t: Transaction): Promise<void> {
      await insertRows(
        sequelize,
        "outbox",
        entries.map((e) => ({ ...e, state: "pending", attempts: 0, next_attempt_at: at, created_at: at, updated_at: at })),
        t,
      );
    },

    /** Pending entries (of some aggregates), oldest first. */
    pending(aggregates?: string[], limit = 500): Promise<OutboxRow[]> {
      return reader.all<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE state = 'pending'${ofAggregates(aggregates)} ORDER BY id ASC LIMIT ${Math.floor(limit)}`, aggregates ?? []);
    },

    /** Entries not done (pending or failed for good), oldest first. */
    undone(aggregates?: string[]): Promise<OutboxRow[]> {
      return reader.all<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE state <> 'done'${ofAggregates(aggregates)} ORDER BY id ASC`, aggregates ?? []);
    },

    /** Entries of these aggregates a dispatcher holds an unexpired lease on. */
    async running(aggregates: string[], now: Date): Promise<number> {
      const [row] = await reader.all<{ n: number | string }>(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'${ofAggregates(aggregates)} AND claimed_until > ?`, [
        ...aggregates,
        now,
      ]);
      return Number(row?.n ?? 0);
    },

    /** Takes the entry for `by` until `until`, unless another dispatcher holds an unexpired lease: exactly one of two racing wins. */
    async claim(id: number, by: string, until: Date, now: Date): Promise<boolean> {
      const changed = await writeStatement(
        sequelize,
        "UPDATE outbox SET claimed_by = ?, claimed_until = ?, updated_at = ? WHERE id = ? AND state = 'pending' AND (claimed_until IS NULL OR claimed_until < ?)",
        [by, until, new Date(), id, now],
      );
      return changed === 1;
    },

    /** Writes the result and lets go of the lease, unless the lease ran out and another dispatcher took the entry. */
    async settle(id: number, by: string, settlement: OutboxSettlement): Promise<void> {
      const [set, values] = assignments({ ...settlement, claimed_by: null, claimed_until: null, updated_at: new Date() });
      await writeStatement(sequelize, `UPDATE outbox SET ${set} WHERE id = ? AND claimed_by = ?`, [...values, id, by]);
    },
  };
}
