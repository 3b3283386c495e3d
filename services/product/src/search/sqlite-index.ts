import { QueryTypes, type Sequelize } from "sequelize";
import { Fts5Search, type SqlRunner } from "./fts5-search.js";
import type { SearchHits, SearchIndex, SearchQuery } from "./search-index.js";

export function sequelizeRunner(sequelize: Sequelize): SqlRunner {
  return <T>(sql: string, params: unknown[]) => sequelize.query(sql, { replacements: params, type: QueryTypes.SELECT }) as Promise<T[]>;
}

/**
 * SQLite backend: the FTS5 index lives in the service's own database and triggers update it
 * in the same transaction as the product row, so it is never behind.
 */
export class SqliteSearchIndex implements SearchIndex {
  private readonly fts: Fts5Search;

  constructor(sequelize: Sequelize) {
    this.fts = new Fts5Search(sequelizeRunner(sequelize));
  }

  search(query: SearchQuery): Promise<SearchHits> {
    return this.fts.search(query);
  }

  async sync(): Promise<void> {
    // the triggers already did it
  }

  async close(): Promise<void> {}
}
