import type { Sequelize } from "sequelize";
import { isMysql, type Logger } from "@disqo-commerce/kit";
import { OpenSearchIndex } from "./opensearch-index.js";
import { ReplicaSearchIndex } from "./replica-index.js";
import type { SearchIndex } from "./search-index.js";
import { SqliteSearchIndex } from "./sqlite-index.js";

export * from "./search-index.js";
export { OpenSearchIndex } from "./opensearch-index.js";

export interface SearchIndexOptions {
  file: string;
  refreshMs: number;
  logger: Logger;
  /** `fts5` (default): SQLite FTS5 in the database itself on SQLite, a replica-local FTS5 mirror on MariaDB. */
  backend?: "fts5" | "opensearch";
  opensearch?: { url: string; indexPrefix?: string };
}

export type ProductSearchIndex = SearchIndex & { ready?: Promise<void> };

/** The search index of the configured backend for this database. */
export function createSearchIndex(sequelize: Sequelize, options: SearchIndexOptions): ProductSearchIndex {
  if (options.backend === "opensearch") {
    if (!options.opensearch?.url) throw new Error("SEARCH_BACKEND=opensearch needs OPENSEARCH_URL");
    return new OpenSearchIndex(sequelize, { url: options.opensearch.url, indexPrefix: options.opensearch.indexPrefix ?? "", refreshMs: options.refreshMs, logger: options.logger });
  }
  if (isMysql(sequelize)) return new ReplicaSearchIndex(sequelize, options);
  return new SqliteSearchIndex(sequelize, options.logger);
}
