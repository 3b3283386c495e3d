import type { Sequelize } from "sequelize";
import { assignments, insertRows, writeStatement } from "@disqo-commerce/kit";
import type { AttemptState } from "../models/index.js";

/** What the saga writes when it opens an attempt. */
export interface NewAttempt {
  id: string;
  quote_id: string;
  user_id: number;
  state: AttemptState;
  step: string;
  amount: number;
  currency: string;
  quote_json: string;
  quote_expires_at: Date;
  payment_gateway_id: string;
  lease_until: Date;
}

/** The columns a step may change as it goes. */
export interface AttemptChange {
  state?: AttemptState;
  step?: string;
  live?: null;
  hold_extended?: boolean;
  lease_until?: Date;
  gateway_transaction_id?: string;
  response_code?: string;
  charged_at?: Date;
  last_error?: string;
}

/**
 * The checkout saga's log (`checkout_attempts`) as the steps write it outside a transaction:
 * one statement each, through the kit's writeStatement (no model instance, no BEGIN/COMMIT;
 * on SQLite in the writer's queue). Five of these ran per checkout through Sequelize's model
 * layer. Writes that belong to a transaction (the paid order, recovery) stay model calls.
 */
export function createAttemptLog(sequelize: Sequelize) {
  return {
    /** Inserts the attempt, live; a second live attempt of the quote fails the unique index (isUniqueViolation). */
    async open(attempt: NewAttempt): Promise<void> {
      const now = new Date();
      await insertRows(sequelize, "checkout_attempts", [{ ...attempt, live: 1, hold_extended: false, created_at: now, updated_at: now }]);
    },

    /** Changes the attempt (only while it is live, with `onlyLive`); answers whether it did. */
    async change(id: string, change: AttemptChange, options: { onlyLive?: boolean } = {}): Promise<boolean> {
      const [set, values] = assignments({ ...change, updated_at: new Date() });
      const changed = await writeStatement(sequelize, `UPDATE checkout_attempts SET ${set} WHERE id = ?${options.onlyLive ? " AND live = 1" : ""}`, [...values, id]);
      return changed > 0;
    },
  };
}

export type AttemptLog = ReturnType<typeof createAttemptLog>;
