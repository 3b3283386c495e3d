import fs from "node:fs";
import path from "node:path";
import { Sequelize, Transaction, type QueryInterface } from "sequelize";
import { Umzug, SequelizeStorage } from "umzug";
import type { Logger } from "pino";

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
  const logging = options.logger ? (sql: string) => options.logger!.trace({ sql }, "sql") : false;
  if (options.url && /^mysql|^mariadb/.test(options.url)) {
    return new Sequelize(options.url.replace(/^mariadb:/, "mysql:"), {
      dialect: "mysql",
      logging,
      pool: { max: 10, min: 0, idle: 10_000 },
      timezone: "+00:00",
      dialectOptions: { dateStrings: false, supportBigNumbers: true },
      define: { underscored: true },
    });
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
  sequelize.addHook("afterConnect", async (connection: unknown) => {
    const db = connection as { configure(o: "busyTimeout", ms: number): void; exec(sql: string, cb: (e: Error | null) => void): void };
    db.configure("busyTimeout", 10_000);
    await new Promise<void>((resolve, reject) => db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", (e) => (e ? reject(e) : resolve())));
  });
  return sequelize;
}

export function isMysql(sequelize: Sequelize): boolean {
  return sequelize.getDialect() === "mysql" || sequelize.getDialect() === "mariadb";
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
  const e = error as { name?: string; original?: { code?: string; errno?: number } } | undefined;
  return e?.name === "SequelizeUniqueConstraintError" || e?.original?.code === "ER_DUP_ENTRY" || /UNIQUE constraint failed/.test(String(error));
}
