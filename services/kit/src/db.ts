import fs from "node:fs";
import path from "node:path";
import { Sequelize, Transaction, type QueryInterface } from "sequelize";
import { Umzug, SequelizeStorage } from "umzug";
import type { Logger } from "pino";
import { sleep } from "./backoff.js";

export type Migration = {
  name: string;
  up: (ctx: { context: QueryInterface; sequelize: Sequelize }) => Promise<void>;
  down?: (ctx: { context: QueryInterface; sequelize: Sequelize }) => Promise<void>;
};

export interface DatabaseOptions {
  /** mysql://user:pass@host:port/db for MySQL/MariaDB; absent for the embedded SQLite default. */
  url?: string;
  /** SQLite file path (default `<dataDir>/<name>.sqlite`). */
  sqliteFile?: string;
  dataDir?: string;
  name: string;
  logger?: Logger;
}

/**
 * Opens the service's own database: MySQL/MariaDB from a URL, else a SQLite file.
 * SQLite gets WAL, a busy timeout and IMMEDIATE transactions, so concurrent writers queue
 * instead of failing with SQLITE_BUSY half-way through a transaction.
 */
export function openDatabase(options: DatabaseOptions): Sequelize {
  // Sequelize builds the log line of every query when logging is a function: only when trace is on
  const logging = options.logger?.isLevelEnabled("trace") ? (sql: string) => options.logger!.trace({ sql }, "sql") : false;
  if (options.url && /^mysql|^mariadb/.test(options.url)) {
    const sequelize = new Sequelize(options.url.replace(/^mariadb:/, "mysql:"), {
      dialect: "mysql",
      logging,
      pool: { max: 10, min: 0, idle: 10_000 },
      timezone: "+00:00",
      // maxPreparedStatements: the SqlReader's statements (see sql.ts) are prepared per connection; the
      // server's limit (max_prepared_stmt_count, 16382 by default) is shared by every connection and service
      dialectOptions: { dateStrings: false, supportBigNumbers: true, maxPreparedStatements: 200 },
      define: { underscored: true },
    });
    hardenTransactions(sequelize);
    return sequelize;
  }
  const file = options.sqliteFile ?? path.join(options.dataDir ?? "data", `${options.name}.sqlite`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sequelize = new Sequelize({
    dialect: "sqlite",
    storage: file,
    logging,
    transactionType: Transaction.TYPES.IMMEDIATE,
    define: { underscored: true },
    retry: { max: 10, match: [/SQLITE_BUSY/] },
  });
  configureSqliteConnections(sequelize);
  hardenTransactions(sequelize);
  return sequelize;
}

export function isMysql(sequelize: Sequelize): boolean {
  return sequelize.getDialect() === "mysql" || sequelize.getDialect() === "mariadb";
}

/**
 * A write outside any transaction of the caller (one statement, or a few that need no lock).
 * On SQLite it runs as a managed transaction, i.e. on the process's one writer connection in
 * its queue: an autocommit write on the shared connection would instead busy-wait (up to the
 * busy timeout) for the writer's lock while holding a libuv threadpool thread, and a few of
 * those stall the whole service (issue 11's checkout benchmark: p99 10 s at 8 shoppers). On
 * MariaDB row locks make autocommit fine, and it saves the BEGIN/COMMIT round trips.
 * Never call it inside a managed transaction: it would wait for that transaction to end.
 */
export function writeOutsideTransaction<T>(sequelize: Sequelize, write: (transaction: Transaction | undefined) => Promise<T>): Promise<T> {
  return isMysql(sequelize) ? write(undefined) : sequelize.transaction((t) => write(t));
}

/** The in-process queue of the SQLite writer connection (set by hardenTransactions). */
const writerQueues = new WeakMap<Sequelize, <T>(run: () => Promise<T>) => Promise<T>>();

type SqliteRunner = {
  run(sql: string, params: unknown[], cb: (this: { changes: number }, e: Error | null) => void): void;
  all(sql: string, params: unknown[], cb: (e: Error | null, rows: unknown[]) => void): void;
};
type MysqlRunner = { execute(sql: string, params: unknown[], cb: (e: Error | null, result: { affectedRows?: number } & unknown[]) => void): void };

function connectionOf(transaction: Transaction): SqliteRunner & MysqlRunner {
  const connection = (transaction as unknown as { connection?: SqliteRunner & MysqlRunner }).connection;
  if (!connection) throw new Error("the transaction has no connection (has it ended?)");
  return connection;
}

/**
 * What a selectInTransaction appends to lock the rows it reads until the transaction ends:
 * `FOR UPDATE` on MariaDB; nothing on SQLite, whose write transactions run one at a time.
 */
export function forUpdate(sequelize: Sequelize): string {
  return isMysql(sequelize) ? " FOR UPDATE" : "";
}

/**
 * A read in a managed transaction, straight on its connection with bound parameters (no
 * Sequelize query, no model instances): rows as the driver gives them (see SqlReader). For
 * the hot reads of a transaction: the row locks and sums of a stock reservation.
 */
export function selectInTransaction<T>(sequelize: Sequelize, transaction: Transaction, sql: string, params: unknown[]): Promise<T[]> {
  const connection = connectionOf(transaction);
  return new Promise<T[]>((resolve, reject) =>
    isMysql(sequelize)
      ? connection.execute(sql, params, (e, rows) => (e ? reject(e) : resolve(rows as unknown as T[])))
      : connection.all(sql, params.map(sqliteBindable), (e, rows) => (e ? reject(e) : resolve(rows as T[]))),
  );
}

/**
 * A Date as a replacement that compares with DATE(3) columns to the millisecond: Sequelize's
 * own formatting of a Date replacement drops the milliseconds on MariaDB (a cut-off 300 ms
 * after a row's time did not find the row).
 */
export function dateReplacement(sequelize: Sequelize, date: Date): string {
  return isMysql(sequelize) ? date.toISOString().replace("T", " ").replace("Z", "") : (sqliteBindable(date) as string);
}

/** `?, ?, ?` for a list of n values (an IN list bound value by value). */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

/**
 * One write statement outside any transaction of the caller, with bound parameters, straight
 * on the driver: answers the rows it changed. For the hot lone writes (the idempotency keys of
 * every keyed request): `writeOutsideTransaction` with a Sequelize query costs three statements
 * on SQLite (BEGIN, the write, COMMIT), each through Sequelize's query layer.
 * - SQLite: in the writer connection's queue, as an autocommit statement on that connection
 *   (so it never busy-waits for the lock, see writeOutsideTransaction); SQLITE_BUSY is retried.
 * - MariaDB: mysql2's `execute` on a pooled connection, autocommit.
 * Errors are the driver's (isUniqueViolation and isLockConflict know them).
 * Inside a managed transaction, pass it as `transaction`: the statement then runs on that
 * transaction's connection (without one it would wait, on SQLite, for that transaction to end).
 */
export async function writeStatement(sequelize: Sequelize, sql: string, params: unknown[], transaction?: Transaction): Promise<number> {
  if (transaction) {
    const connection = connectionOf(transaction);
    return isMysql(sequelize) ? executeOnMysql(connection, sql, params) : runOnSqlite(connection, sql, params);
  }
  if (isMysql(sequelize)) {
    const manager = sequelize.connectionManager as unknown as { getConnection(o: object): Promise<MysqlRunner>; releaseConnection(c: MysqlRunner): Promise<void> | void };
    const connection = await manager.getConnection({ type: "write" });
    try {
      return await executeOnMysql(connection, sql, params);
    } finally {
      await manager.releaseConnection(connection);
    }
  }
  const queue = writerQueues.get(sequelize);
  if (!queue) throw new Error("writeStatement needs a database opened with openDatabase");
  const manager = sequelize.connectionManager as unknown as { getConnection(o: object): Promise<SqliteRunner> };
  for (let attempt = 1; ; attempt++) {
    try {
      return await queue(async () => runOnSqlite(await manager.getConnection({ uuid: WRITER }), sql, params));
    } catch (error) {
      if (attempt >= MAX_TRANSACTION_ATTEMPTS || !/SQLITE_BUSY/.test(String(error))) throw error;
      await sleep(Math.min(100, 3 * attempt) + Math.random() * 10 * attempt);
    }
  }
}

/**
 * Inserts rows of one table in one statement through writeStatement (in `transaction` when
 * given). Every row has the first row's columns; a missing value is NULL.
 */
export async function insertRows(sequelize: Sequelize, table: string, rows: object[], transaction?: Transaction): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = Object.keys(rows[0]!);
  const tuple = `(${placeholders(columns.length)})`;
  return writeStatement(
    sequelize,
    `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${rows.map(() => tuple).join(", ")}`,
    rows.flatMap((row) => columns.map((column) => (row as Record<string, unknown>)[column] ?? null)),
    transaction,
  );
}

/** `a = ?, b = ?` and its values, for an UPDATE of the columns `fields` names (names from code, never from input). */
export function assignments(fields: Record<string, unknown>): [string, unknown[]] {
  const columns = Object.keys(fields);
  return [columns.map((column) => `${column} = ?`).join(", "), columns.map((column) => fields[column])];
}

function executeOnMysql(connection: MysqlRunner, sql: string, params: unknown[]): Promise<number> {
  return new Promise<number>((resolve, reject) => connection.execute(sql, params, (e, result) => (e ? reject(e) : resolve(result.affectedRows ?? 0))));
}

function runOnSqlite(connection: SqliteRunner, sql: string, params: unknown[]): Promise<number> {
  return new Promise<number>((resolve, reject) =>
    connection.run(sql, params.map(sqliteBindable), function (e) {
      if (e) reject(e);
      else resolve(this.changes);
    }),
  );
}

/**
 * A value as Sequelize writes it on SQLite: a Date as its UTC text (`2026-01-02
 * 03:04:05.678 +00:00`, so it compares with the rows Sequelize wrote), a boolean as 0/1.
 * (mysql2 binds a Date itself; the connection is UTC.)
 */
export function sqliteBindable(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return `${value.toISOString().replace("T", " ").replace("Z", "")} +00:00`;
  return value;
}

/** Applies the pending migrations in order; migrations are the only way the schema changes (no sync()). */
export async function migrate(sequelize: Sequelize, migrations: Migration[], logger?: Logger): Promise<void> {
  const umzug = new Umzug({
    migrations: migrations.map((m) => ({
      name: m.name,
      up: ({ context }: { context: QueryInterface }) => m.up({ context, sequelize }),
      down: m.down ? ({ context }: { context: QueryInterface }) => m.down!({ context, sequelize }) : undefined,
    })),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize }),
    logger: logger
      ? { info: (m: object) => logger.debug(m, "migration"), warn: (m: object) => logger.warn(m), error: (m: object) => logger.error(m), debug: () => {} }
      : undefined,
  });
  await umzug.up();
}

/** True for a unique-constraint violation on either backend. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { name?: string; code?: string; original?: { code?: string; errno?: number } } | undefined;
  // Sequelize's error, or the driver's own (writeStatement): mysql2's code, node-sqlite3's message
  return e?.name === "SequelizeUniqueConstraintError" || e?.original?.code === "ER_DUP_ENTRY" || e?.code === "ER_DUP_ENTRY" || /UNIQUE constraint failed/.test(String(error));
}

type SqliteConnection = {
  configure(o: "busyTimeout", ms: number): void;
  exec(sql: string, cb: (e: Error | null) => void): void;
  __disqoReady?: Promise<void>;
  __disqoNulSafe?: boolean;
} & Record<string, unknown>;
type SqliteManager = {
  getConnection(options?: { uuid?: string }): Promise<SqliteConnection>;
  releaseConnection(connection: SqliteConnection, force?: boolean): unknown;
  destroyConnection(connection: SqliteConnection): Promise<unknown>;
  connections: Record<string, SqliteConnection>;
};

/** The key of the one connection every transaction of the process uses (see configureSqliteConnections). */
const WRITER = "disqo-writer";
/**
 * A transaction asks for its connection under its id, a v4 UUID (Sequelize's Transaction);
 * other named connections (e.g. the product search's reader) keep their own.
 */
const TRANSACTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The node-sqlite3 methods Sequelize's SQLite dialect runs statements with. */
const SQLITE_STATEMENT_METHODS = ["all", "run", "get", "each", "exec", "prepare"] as const;

/**
 * Sequelize's finders (and `replacements`) write values into the SQL text as quoted literals;
 * bound parameters exist only for raw queries with `bind`. SQLite reads the statement as a
 * C string, so a NUL byte inside a literal ends the statement there (SQLITE_ERROR:
 * unrecognized token): any string reaching a finder (an email, a search word) broke the
 * query. A NUL can only be in SQL text inside such a literal (identifiers and keywords never
 * hold one), so it is rewritten as a concatenation, `'a' || char(0) || 'b'`, the same value.
 * MySQL's escaping already writes it as `\0`.
 */
export function nulSafeSql(sql: string): string {
  return sql.includes("\0") ? sql.replace(/\0/g, "' || char(0) || '") : sql;
}

function keepNulBytesAsData(connection: SqliteConnection): void {
  if (connection.__disqoNulSafe) return;
  connection.__disqoNulSafe = true;
  for (const method of SQLITE_STATEMENT_METHODS) {
    const original = connection[method] as ((sql: string, ...rest: unknown[]) => unknown) | undefined;
    if (typeof original !== "function") continue;
    connection[method] = function (this: unknown, sql: string, ...rest: unknown[]) {
      return original.call(this, typeof sql === "string" ? nulSafeSql(sql) : sql, ...rest);
    };
  }
}

/**
 * Sequelize's SQLite dialect never fires the afterConnect hook, so each connection is set up
 * here: WAL (readers never wait for the writer) and a busy timeout (a statement waits for the
 * lock instead of failing at once).
 *
 * It also opens a new connection for every transaction and closes it after (file open, WAL
 * index mapping, pragmas: issue 11 counted 7 per checkout). The process's transactions
 * already run one at a time (hardenTransactions), so they all share one long-lived writer
 * connection instead; queries outside transactions keep the shared "default" connection.
 */
function configureSqliteConnections(sequelize: Sequelize): void {
  const manager = sequelize.connectionManager as unknown as SqliteManager;
  const getConnection = manager.getConnection.bind(manager);
  const releaseConnection = manager.releaseConnection.bind(manager);
  const destroyConnection = manager.destroyConnection.bind(manager);
  manager.getConnection = async (options?: { uuid?: string }) => {
    const forTransaction = options?.uuid !== undefined && TRANSACTION_ID.test(options.uuid);
    const connection = await getConnection(forTransaction ? { ...options, uuid: WRITER } : options);
    keepNulBytesAsData(connection);
    connection.__disqoReady ??= new Promise<void>((resolve, reject) => {
      connection.configure("busyTimeout", 10_000);
      connection.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", (e) => (e ? reject(e) : resolve()));
    });
    await connection.__disqoReady;
    return connection;
  };
  manager.releaseConnection = (connection: SqliteConnection, force?: boolean) => {
    if (connection === manager.connections[WRITER]) return;
    return releaseConnection(connection, force);
  };
  // a transaction that could not even roll back drops its connection: the next one opens afresh
  manager.destroyConnection = async (connection: SqliteConnection) => {
    if (connection !== manager.connections[WRITER]) return destroyConnection(connection);
    delete manager.connections[WRITER];
    await new Promise<void>((resolve) => (connection as unknown as { close(cb: () => void): void }).close(() => resolve()));
  };
}

/** Lock conflicts that roll the whole transaction back, so running it again is safe. */
export function isLockConflict(error: unknown): boolean {
  // Sequelize's error wraps the driver's; writeStatement throws the driver's own
  const e = error as { code?: string; original?: { code?: string }; parent?: { code?: string } } | undefined;
  const code = e?.original?.code ?? e?.parent?.code ?? e?.code;
  return code === "ER_LOCK_DEADLOCK" || code === "ER_LOCK_WAIT_TIMEOUT" || code === "SQLITE_BUSY";
}

const MAX_TRANSACTION_ATTEMPTS = 20;

/**
 * Every managed transaction (`sequelize.transaction(async (t) => ...)`) of every service:
 * - on MariaDB/MySQL it is READ COMMITTED: after `SELECT ... FOR UPDATE` is granted, the reads
 *   that follow see what was committed before it, and inserts take no gap locks (REPEATABLE
 *   READ deadlocked concurrent inserts of different shoppers' cart lines);
 * - on SQLite the process's write transactions queue in process: one writer at a time is all
 *   SQLite allows, and waiting inside SQLite parks node-sqlite3's few worker threads until the
 *   transaction holding the lock cannot get one to commit;
 * - a deadlock, lock wait timeout or SQLITE_BUSY runs the whole callback again, with backoff.
 * So a callback must not have effects outside the database that cannot run twice.
 */
function hardenTransactions(sequelize: Sequelize): void {
  const mysql = isMysql(sequelize);
  const original = sequelize.transaction.bind(sequelize) as (options?: object, fn?: (t: Transaction) => Promise<unknown>) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  const serialised = <T>(run: () => Promise<T>): Promise<T> => {
    const next = tail.then(run, run);
    tail = next.catch(() => undefined);
    return next;
  };
  writerQueues.set(sequelize, serialised);
  const managed = async (options: { isolationLevel?: string }, fn: (t: Transaction) => Promise<unknown>) => {
    const opts = mysql && !options.isolationLevel ? { ...options, isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED } : options;
    for (let attempt = 1; ; attempt++) {
      try {
        return mysql ? await original(opts, fn) : await serialised(() => original(opts, fn));
      } catch (error) {
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || !isLockConflict(error)) throw error;
        await sleep(Math.min(100, 3 * attempt) + Math.random() * 10 * attempt);
      }
    }
  };
  (sequelize as unknown as { transaction: unknown }).transaction = (optionsOrFn?: object | ((t: Transaction) => Promise<unknown>), maybeFn?: (t: Transaction) => Promise<unknown>) => {
    const fn = (typeof optionsOrFn === "function" ? optionsOrFn : maybeFn) as ((t: Transaction) => Promise<unknown>) | undefined;
    const options = (typeof optionsOrFn === "function" ? {} : (optionsOrFn ?? {})) as { isolationLevel?: string };
    if (!fn) return original(options);
    return managed(options, fn);
  };
}
