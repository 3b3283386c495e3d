import type { Sequelize } from "sequelize";
import { isMysql, type Logger } from "@disqo-commerce/kit";
import { ReplicaSearchIndex } from "./replica-index.js";
import type { SearchIndex } from "./search-index.js";
import { SqliteSearchIndex } from "./sqlite-index.js";

export * from "./search-index.js";

/** The search index for this database: FTS5 in the database itself on SQLite, a replica-local FTS5 mirror on MariaDB. */
export function createSearchIndex(sequelize: Sequelize, options: { file: string; refreshMs: number; logger: Logger }): SearchIndex & { ready?: Promise<void> } {
  if (isMysql(sequelize)) return new ReplicaSearchIndex(sequelize, options);
  return new SqliteSearchIndex(sequelize, options.logger);
}
