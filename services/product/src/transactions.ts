import type { Sequelize, Transaction } from "sequelize";
import type { Logger } from "@disqo-commerce/kit";

/**
 * Runs `work` in one transaction. The kit's database makes every managed transaction safe
 * under concurrency (READ COMMITTED on MariaDB, one writer at a time on SQLite, retries on
 * lock conflicts); this stays as the product service's one entry point for writes.
 */
export async function inTransaction<T>(sequelize: Sequelize, _logger: Logger, work: (t: Transaction) => Promise<T>): Promise<T> {
  return sequelize.transaction(work);
}
