import { AppError } from "@disqo-commerce/kit";
import { createLoginFailures } from "./data-access/login-failures.js";
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
 * the counts run in (on MariaDB the count is a locking read, see data-access/login-failures.ts).
 * A rejected attempt removes its row again: being refused does not extend the lockout.
 */
export function createAttemptLimiter(models: AuthModels) {
  const failures = createLoginFailures(models);

  return {
    /**
     * Records one attempt under every limit, or throws 429 `rate_limited` with Retry-After
     * (seconds until the oldest counted attempt leaves its window) when any is over.
     */
    async reserve(limits: Limit[], message: string): Promise<Reservation> {
      const now = Date.now();
      const ids: number[] = [];
      for (const limit of limits) {
        const id = await failures.add(limit.bucket, new Date(now));
        ids.push(id);
        const { count, oldest } = await failures.rank(limit.bucket, new Date(now - limit.windowSeconds * 1000), id);
        if (count > limit.max) {
          await failures.remove(ids);
          const retryAfter = Math.max(1, Math.ceil(((oldest?.getTime() ?? now) + limit.windowSeconds * 1000 - Date.now()) / 1000));
          throw new AppError(429, "rate_limited", message, { headers: { "Retry-After": String(retryAfter) } });
        }
      }
      return { release: () => failures.remove(ids) };
    },

    /** Forgets every attempt of a bucket (e.g. an email's failures after a successful login). */
    clear: (bucket: string) => failures.removeBucket(bucket),

    purgeOlderThan: (seconds: number) => failures.removeBefore(new Date(Date.now() - seconds * 1000)),
  };
}

export type AttemptLimiter = ReturnType<typeof createAttemptLimiter>;
