import { Op, QueryTypes } from "sequelize";
import { AppError } from "@disqo-commerce/kit";
import type { AuthModels } from "./models/index.js";

/** One limit: at most `max` attempts recorded under `bucket` within the last `windowSeconds`. */
export interface Limit {
  bucket: string;
  max: number;
  windowSeconds: number;
}

/** The attempts one call recorded; release() takes them back (the attempt should not count). */
export interface Reservation {
  release(): Promise<void>;
}

/**
 * Counts attempts in the database (so every replica sees the same counts) and lets through at
 * most `max` per bucket and window, also when attempts arrive in parallel.
 *
 * Increment, then check: each attempt first inserts its row, then counts the rows of its bucket
 * in the window up to and including its own id. That count is the attempt's rank, fixed once
 * its row exists, so of N parallel attempts only the first `max` ranks pass, whatever order
 * the counts run in. On MariaDB the count is a locking read, so it waits for a lower id that
 * is inserted but not yet committed instead of skipping it. A rejected attempt removes its row
 * again: being refused does not extend the lockout.
 */
export function createAttemptLimiter(models: AuthModels) {
  const { LoginFailure } = models;
  const sequelize = LoginFailure.sequelize!;
  const lockingRead = sequelize.getDialect() === "mysql" || sequelize.getDialect() === "mariadb" ? " LOCK IN SHARE MODE" : "";
  const table = LoginFailure.getTableName() as string;

  async function rank(limit: Limit, id: number, now: number): Promise<{ count: number; oldest: number }> {
    const [row] = await sequelize.query<{ n: number | string; oldest: string | Date | null }>(
      `SELECT COUNT(*) AS n, MIN(failed_at) AS oldest FROM ${table} WHERE bucket = ? AND failed_at >= ? AND id <= ?${lockingRead}`,
      { replacements: [limit.bucket, new Date(now - limit.windowSeconds * 1000), id], type: QueryTypes.SELECT },
    );
    return { count: Number(row?.n ?? 0), oldest: row?.oldest ? new Date(row.oldest).getTime() : now };
  }

  const remove = async (ids: number[]) => {
    if (ids.length) await LoginFailure.destroy({ where: { id: { [Op.in]: ids } } });
  };

  return {
    /**
     * Records one attempt under every limit, or throws 429 `rate_limited` with Retry-After
     * (seconds until the oldest counted attempt leaves its window) when any is over.
     */
    async reserve(limits: Limit[], message: string): Promise<Reservation> {
      const now = Date.now();
      const ids: number[] = [];
      for (const limit of limits) {
        const row = await LoginFailure.create({ bucket: limit.bucket, failed_at: new Date(now) });
        ids.push(row.id);
        const { count, oldest } = await rank(limit, row.id, now);
        if (count > limit.max) {
          await remove(ids);
          const retryAfter = Math.max(1, Math.ceil((oldest + limit.windowSeconds * 1000 - Date.now()) / 1000));
          throw new AppError(429, "rate_limited", message, { headers: { "Retry-After": String(retryAfter) } });
        }
      }
      return { release: () => remove(ids) };
    },

    /** Forgets every attempt of a bucket (e.g. an email's failures after a successful login). */
    async clear(bucket: string): Promise<void> {
      await LoginFailure.destroy({ where: { bucket } });
    },

    async purgeOlderThan(seconds: number): Promise<void> {
      await LoginFailure.destroy({ where: { failed_at: { [Op.lt]: new Date(Date.now() - seconds * 1000) } } });
    },
  };
}

export type AttemptLimiter = ReturnType<typeof createAttemptLimiter>;
