import type { Sequelize } from "sequelize";
import type { Logger } from "@disqo-commerce/kit";
import { Fts5Search, type SqlRunner } from "./fts5-search.js";
import { ensureFts5Layout } from "./fts5-schema.js";
import type { SearchHits, SearchIndex, SearchQuery } from "./search-index.js";

type RawSqlite = {
  all(sql: string, params: unknown[], callback: (error: Error | null, rows: unknown[]) => void): void;
  exec(sql: string, callback: (error: Error | null) => void): void;
};

/**
 * Runs the search statements on a SQLite connection of their own, straight through
 * node-sqlite3: a search is 3-4 statements, and each sequelize.query() costs ~0.6 ms of
 * overhead on this machine class, as much as an FTS5 page walk. The connection comes from
 * Sequelize's connection manager (so it gets the same setup, and closes with Sequelize);
 * WAL lets it read while the service's connection writes, and it sees every committed write.
 * Its page cache is larger than the default 2 MB so that the index pages common words walk
 * stay in memory.
 */
export function sqliteReader(sequelize: Sequelize): SqlRunner {
  const manager = sequelize.connectionManager as unknown as { getConnection(options: { uuid: string; type: string }): Promise<RawSqlite> };
  let connection: Promise<RawSqlite> | undefined;
  const open = async () => {
    const db = await manager.getConnection({ uuid: "search-reader", type: "read" });
    await new Promise<void>((resolve, reject) => db.exec(`PRAGMA cache_size = -${READER_CACHE_KIB}`, (e) => (e ? reject(e) : resolve())));
    return db;
  };
  return <T>(sql: string, params: unknown[]) => {
    connection ??= open().catch((error) => {
      connection = undefined;
      throw error;
    });
    return connection.then((db) => new Promise<T[]>((resolve, reject) => db.all(sql, params, (e, rows) => (e ? reject(e) : resolve(rows as T[])))));
  };
}

const READER_CACHE_KIB = 64 * 1024;

/**
 * SQLite backend: the FTS5 index lives in the service's own database and triggers update it
 * in the same transaction as the product row, so it is never behind. `ready` settles once the
 * index has the current layout (a database migrated with an older one is re-indexed first).
 */
export class SqliteSearchIndex implements SearchIndex {
  private readonly fts: Fts5Search;
  readonly ready: Promise<void>;

  constructor(sequelize: Sequelize, logger: Logger) {
    this.fts = new Fts5Search(sqliteReader(sequelize));
    this.ready = ensureFts5Layout(sequelize).then((rebuilt) => {
      if (rebuilt) logger.info("search index (re)built with the current layout");
    });
    this.ready.catch((err) => logger.error({ err }, "search index could not be built"));
  }

  async search(query: SearchQuery): Promise<SearchHits> {
    await this.ready;
    return this.fts.search(query);
  }

  async sync(): Promise<void> {
    // the triggers already did it
  }

  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
  }
}
