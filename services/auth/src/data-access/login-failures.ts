import { Op, QueryTypes } from "sequelize";
import { isMysql } from "@disqo-commerce/kit";
import type { AuthModels } from "../models/index.js";

/**
 * The rows the attempt limiter counts (`login_failures`): one per attempt, by bucket. The
 * dialect difference (MariaDB's locking read) is kept here, out of the limiter's rule.
 */
export function createLoginFailures(models: AuthModels) {
  const { LoginFailure } = models;
  const sequelize = LoginFailure.sequelize!;
  // a locking read waits for a lower id that is inserted but not yet committed instead of skipping it
  const lockingRead = isMysql(sequelize) ? " LOCK IN SHARE MODE" : "";
  const table = LoginFailure.getTableName() as string;

  return {
    /** Records one attempt; answers its id. */
    async add(bucket: string, at: Date): Promise<number> {
      return (await LoginFailure.create({ bucket, failed_at: at })).id;
    },

    /** How many attempts of `bucket` since `since` have an id up to `id` (the attempt's rank), and the oldest of them. */
    async rank(bucket: string, since: Date, id: number): Promise<{ count: number; oldest: Date | null }> {
      const [row] = await sequelize.query<{ n: number | string; oldest: string | Date | null }>(
        `SELECT COUNT(*) AS n, MIN(failed_at) AS oldest FROM ${table} WHERE bucket = ? AND failed_at >= ? AND id <= ?${lockingRead}`,
        { replacements: [bucket, since, id], type: QueryTypes.SELECT },
      );
      return { count: Number(row?.n ?? 0), oldest: row?.oldest ? new Date(row.oldest) : null };
    },

    async remove(ids: number[]): Promise<void> {
      if (ids.length) await LoginFailure.destroy({ where: { id: { [Op.in]: ids } } });
    },

    async removeBucket(bucket: string): Promise<void> {
      await LoginFailure.destroy({ where: { bucket } });
    },

    async removeBefore(before: Date): Promise<void> {
      await LoginFailure.destroy({ where: { failed_at: { [Op.lt]: before } } });
    },
  };
}
