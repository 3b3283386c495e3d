import type { Sequelize } from "sequelize";
import { isMysql, sqliteBindable } from "./db.js";

/**
 * A thin read path for hot queries, beside Sequelize and through its own connections.
 *
 * Why (issue 11's profile of `GET /v1/products/{id}`): every `sequelize.query` builds a
 * Query object, formats the SQL with escaped replacements, captures and formats a stack trace
 * (SQLite dialect, also on success), and maps rows through model/type parsers; that was a
 * fifth of the request's CPU, more than the query itself. Here a statement is prepared once
 * and run with bound parameters:
 * - SQLite: node-sqlite3 prepared statements on a connection of their own that never writes
 *   (see READER), kept in a small cache by SQL text;
 * - MariaDB/MySQL: mysql2's `execute` (server-side prepared statements, cached per
 *   connection by mysql2) on a connection borrowed from Sequelize's pool.
 * Only for reads outside a transaction; writes stay in Sequelize's managed transactions.
 * Rows come back as the driver gives them (SQLite: dates as stored text, booleans as 0/1); a
 * Date parameter is bound as Sequelize stores it, so it compares with the stored dates.
 */
export interface SqlReader {
  all<T>(sql: string, params: unknown[]): Promise<T[]>;
}

type SqliteStatement = { all(params: unknown[], cb: (e: Error | null, rows: unknown[]) => void): void; finalize(cb?: () => void): void };
type SqliteDatabase = { prepare(sql: string, cb: (e: Error | null) => void): SqliteStatement };
type MysqlConnection = { execute(sql: string, params: unknown[], cb: (e: Error | null, rows: unknown) => void): void };
type Manager<C> = { getConnection(options?: object): Promise<C>; releaseConnection(c: C): Promise<void> | void };

const MAX_STATEMENTS = 100;

/**
 * The SQLite connection the reader's statements run on (Sequelize's connection manager keeps
 * it under this name). Not the shared "default" one, which also runs the autocommit writes:
 * once the order views read through the reader there, checkouts at 8 shoppers stalled for the
 * 10 s busy timeout (a transaction waiting on the database's write lock) in two benchmark
 * runs out of two, and on this connection of its own, which only reads and so never holds
 * the write lock, in none. The exact interleaving was not reproduced in a test.
 */
const READER = "disqo-reader";

export function createSqlReader(sequelize: Sequelize): SqlReader {
  if (isMysql(sequelize)) {
    const manager = sequelize.connectionManager as unknown as Manager<MysqlConnection>;
    return {
      async all<T>(sql: string, params: unknown[]) {
        const connection = await manager.getConnection({ type: "read" });
        try {
          return await new Promise<T[]>((resolve, reject) => connection.execute(sql, params, (e, rows) => (e ? reject(e) : resolve(rows as T[]))));
        } finally {
          await manager.releaseConnection(connection);
        }
      },
    };
  }
  const manager = sequelize.connectionManager as unknown as Manager<SqliteDatabase>;
  let database: Promise<SqliteDatabase> | undefined;
  // prepared once per SQL text; a statement that fails to prepare is not kept
  const statements = new Map<string, Promise<SqliteStatement>>();
  const finalize = (s: Promise<SqliteStatement>) => s.then((st) => new Promise<void>((resolve) => st.finalize(() => resolve())), () => undefined);
  const statement = (db: SqliteDatabase, sql: string): Promise<SqliteStatement> => {
    let s = statements.get(sql);
    if (!s) {
      // queries whose SQL varies (IN lists of many lengths) must not grow the cache without bound
      if (statements.size >= MAX_STATEMENTS) {
        const [oldest, old] = statements.entries().next().value as [string, Promise<SqliteStatement>];
        statements.delete(oldest);
        void finalize(old);
      }
      const prepared = new Promise<SqliteStatement>((resolve, reject) => {
        const st: SqliteStatement = db.prepare(sql, (e) => (e ? reject(e) : resolve(st)));
      });
      s = prepared;
      statements.set(sql, prepared);
      prepared.catch(() => {
        if (statements.get(sql) === prepared) statements.delete(sql);
      });
    }
    return s;
  };
  // SQLite refuses to close a connection with statements still prepared on it
  const close = sequelize.close.bind(sequelize);
  sequelize.close = async () => {
    const open = [...statements.values()];
    statements.clear();
    database = undefined;
    await Promise.all(open.map(finalize));
    return close();
  };
  return {
    async all<T>(sql: string, params: unknown[]) {
      database ??= manager.getConnection({ uuid: READER }).catch((error) => {
        database = undefined;
        throw error;
      });
      const s = await statement(await database, sql);
      // run to its last row, a statement has ended its read transaction (no reset needed: one
      // more threadpool hop: 290 against 254 us of CPU per product read in make bench-floor)
      return new Promise<T[]>((resolve, reject) => s.all(params.map(sqliteBindable), (e, rows) => (e ? reject(e) : resolve(rows as T[]))));
    },
  };
}

/**
 * A DATE column as either driver gives it: mysql2 a Date (the connection reads UTC), node-sqlite3
 * the text Sequelize stored (`2026-01-02 03:04:05.678 +00:00`); text without an offset is UTC.
 */
export function sqlDate(value: Date | string | number): Date {
  if (value instanceof Date) return value;
  if (typeof value === "string" && /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?$/.test(value)) return new Date(`${value.replace(" ", "T")}Z`);
  return new Date(value);
}

/** A nullable DATE column (see sqlDate). */
export function sqlDateOrNull(value: Date | string | number | null | undefined): Date | null {
  return value === null || value === undefined ? null : sqlDate(value);
}
