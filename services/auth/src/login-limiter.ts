import { Op, fn, col } from "sequelize";
import { AppError } from "@disqo-commerce/kit";
import type { AuthModels } from "./models/index.js";

export interface LimiterOptions {
  windowSeconds: number;
  maxPerEmail: number;
  maxPerClient: number;
}

/**
 * Limits failed logins per email and per client within a sliding window. Failures live in
 * the database, so every replica sees the same counts.
 */
export function createLoginLimiter(models: AuthModels, options: LimiterOptions) {
  const { LoginFailure } = models;
  const buckets = (email: string, client: string) => [
    { bucket: `email:${email}`, max: options.maxPerEmail },
    { bucket: `client:${client}`, max: options.maxPerClient },
  ];

  return {
    /** Throws 429 with Retry-After when either the email or the client is over its limit. */
    async assertAllowed(email: string, client: string): Promise<void> {
      const since = new Date(Date.now() - options.windowSeconds * 1000);
      for (const { bucket, max } of buckets(email, client)) {
        const rows = (await LoginFailure.findAll({
          attributes: [[fn("COUNT", col("id")), "n"], [fn("MIN", col("failed_at")), "oldest"]],
          where: { bucket, failed_at: { [Op.gte]: since } },
          raw: true,
        })) as unknown as { n: number | string; oldest: string | Date | null }[];
        const count = Number(rows[0]?.n ?? 0);
        if (count >= max) {
          const oldest = rows[0]?.oldest ? new Date(rows[0].oldest).getTime() : Date.now();
          const retryAfter = Math.max(1, Math.ceil((oldest + options.windowSeconds * 1000 - Date.now()) / 1000));
          throw new AppError(429, "rate_limited", "Too many failed login attempts; try again later.", { headers: { "Retry-After": String(retryAfter) } });
        }
      }
    },

    async recordFailure(email: string, client: string): Promise<void> {
      const now = new Date();
      await LoginFailure.bulkCreate(buckets(email, client).map(({ bucket }) => ({ bucket, failed_at: now })));
    },

    async clearEmail(email: string): Promise<void> {
      await LoginFailure.destroy({ where: { bucket: `email:${email}` } });
    },

    async purgeOld(): Promise<void> {
      await LoginFailure.destroy({ where: { failed_at: { [Op.lt]: new Date(Date.now() - options.windowSeconds * 1000) } } });
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
