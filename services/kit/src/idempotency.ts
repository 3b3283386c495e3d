import { createHash, randomUUID } from "node:crypto";
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { stringify as stableStringify } from "safe-stable-stringify";
import { conflict, unprocessable } from "./errors.js";
import { dateReplacement, isMysql, isUniqueViolation, writeStatement, type Migration } from "./db.js";

const RETENTION_MS = 24 * 60 * 60_000;
/**
 * An in-flight key older than this belongs to a request whose process died; a retry may take
 * it over. It must outlast the slowest request the service can still be running (its own
 * timeouts bound that), or a slow request and its retry would both run.
 */
export const DEFAULT_ABANDONED_MS = 2 * 60_000;

export const idempotencyMigration: Migration = {
  name: "000-kit-idempotency-keys",
  async up({ context: qi, sequelize }) {
    const { DataTypes } = await import("sequelize");
    await qi.createTable("idempotency_keys", {
      scope: { type: DataTypes.STRING(100), allowNull: false, primaryKey: true },
      idem_key: { type: DataTypes.STRING(200), allowNull: false, primaryKey: true },
      request_hash: { type: DataTypes.STRING(64), allowNull: false },
      state: { type: DataTypes.STRING(12), allowNull: false },
      lease: { type: DataTypes.STRING(40), allowNull: true },
      response_status: { type: DataTypes.INTEGER, allowNull: true },
      response_body: { type: isMysql(sequelize) ? DataTypes.TEXT("medium") : DataTypes.TEXT, allowNull: true },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
      updated_at: { type: DataTypes.DATE(3), allowNull: false },
    });
  },
};

/**
 * A key can be held by a durable process that outlives its request (order's checkout attempt,
 * whose outcome recovery may settle after a crash): the holder's name, e.g. `checkout:<id>`.
 * A held key is never taken over as abandoned, and a failing run does not free it: its holder
 * answers it (settleHeld) or frees it (forgetHeld). The index serves the holders' lookups.
 */
export const idempotencyHolderMigration: Migration = {
  name: "kit-idempotency-held-by",
  async up({ context: qi }) {
    const { DataTypes } = await import("sequelize");
    await qi.addColumn("idempotency_keys", "held_by", { type: DataTypes.STRING(100), allowNull: true });
    await qi.addIndex("idempotency_keys", ["held_by"], { name: "idempotency_keys_held_by" });
  },
};

/** `lease` names this run of the request: only the run holding the key's current lease may answer it. */
export type Begin = { kind: "new"; lease: string } | { kind: "replay"; status: number; body: unknown };

/** Whose keys these are: one user's keys never collide with another's. */
export function idempotencyScope(principal: { kind: "user"; userId: number } | { kind: "service"; service: string } | null, clientIp = "unknown"): string {
  if (!principal) return `anon:${clientIp}`;
  return principal.kind === "user" ? `user:${principal.userId}` : `service:${principal.service}`;
}

/** Keys are per operation, so one key sent to two operations are two keys. */
export function idempotencyStoreKey(operationId: string, key: string): string {
  return `${operationId}:${key}`;
}

/**
 * What identifies a request for its key: method, path and the body in a canonical JSON form
 * (object keys sorted at every depth), so the same body with its keys in another order is the
 * same request, not a key reuse.
 */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash("sha256").update(`${method} ${path}\n${stableStringify(body ?? null)}`).digest("hex");
}

/**
 * Idempotency keys kept in the service's database, so replicas share them (docs/ARCHITECTURE.md, "Conventions of the API"):
 * same key + same request replays the stored response, another request is 422, a key
 * still running is 409.
 */
export class IdempotencyStore {
  private readonly abandonedMs: number;

  constructor(
    private readonly sequelize: Sequelize,
    options: { abandonedMs?: number } = {},
  ) {
    this.abandonedMs = options.abandonedMs ?? DEFAULT_ABANDONED_MS;
  }

  async begin(scope: string, key: string, hash: string): Promise<Begin> {
    const now = new Date();
    const lease = randomUUID();
    try {
      await writeStatement(this.sequelize, "INSERT INTO idempotency_keys (scope, idem_key, request_hash, state, lease, created_at, updated_at) VALUES (?, ?, ?, 'in_flight', ?, ?, ?)", [
        scope,
        key,
        hash,
        lease,
        now,
        now,
      ]);
      return { kind: "new", lease };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const [row] = await this.sequelize.query<{ request_hash: string; state: string; response_status: number | null; response_body: string | null; created_at: string | Date; updated_at: string | Date }>(
      "SELECT request_hash, state, response_status, response_body, created_at, updated_at FROM idempotency_keys WHERE scope = ? AND idem_key = ?",
      { replacements: [scope, key], type: QueryTypes.SELECT },
    );
    if (!row) return this.begin(scope, key, hash);
    if (now.getTime() - new Date(row.created_at).getTime() > RETENTION_MS) {
      await this.forget(scope, key);
      return this.begin(scope, key, hash);
    }
    if (row.request_hash !== hash) {
      throw unprocessable("idempotency_key_reused", "This Idempotency-Key was used with a different request.");
    }
    if (row.state === "done") {
      return { kind: "replay", status: row.response_status ?? 200, body: row.response_body ? JSON.parse(row.response_body) : undefined };
    }
    if (now.getTime() - new Date(row.updated_at).getTime() > this.abandonedMs) {
      // Take over an abandoned key (not one a durable process holds): the conditional update
      // lets exactly one retry win the lease.
      const lease = randomUUID();
      const won = await writeStatement(this.sequelize, "UPDATE idempotency_keys SET lease = ?, updated_at = ? WHERE scope = ? AND idem_key = ? AND state = 'in_flight' AND held_by IS NULL AND updated_at < ?", [
        lease,
        now,
        scope,
        key,
        new Date(now.getTime() - this.abandonedMs),
      ]);
      if (won === 1) return { kind: "new", lease };
    }
    throw conflict("idempotency_key_in_flight", "A request with this Idempotency-Key is still being processed; retry shortly.");
  }

  /**
   * Stores the answer. With the run's `lease`, only while that run still holds the key: a run
   * whose key a retry took over (it was thought dead) does not overwrite the retry's answer.
   */
  async complete(scope: string, key: string, status: number, body: unknown, lease?: string): Promise<void> {
    const [sql, params] = answerStatement(scope, key, status, body, lease);
    await writeStatement(this.sequelize, sql, params);
  }

  /**
   * Stores the answer in the transaction that makes the request's effect, so the two commit
   * or roll back together: a process that dies after its commit leaves a replayable answer,
   * not an in-flight key that a retry would take over and run again. Throws a 409 (rolling
   * the effect back with it) when a retry has taken the key over meanwhile.
   */
  async completeWith(transaction: Transaction, scope: string, key: string, lease: string, status: number, body: unknown): Promise<void> {
    if ((await this.storeAnswer(transaction, scope, key, status, body, lease)) === 0) {
      throw conflict("idempotency_key_in_flight", "A retry with this Idempotency-Key took the request over; its answer is the one kept.");
    }
  }

  private async storeAnswer(transaction: Transaction, scope: string, key: string, status: number, body: unknown, lease: string): Promise<number> {
    const [sql, replacements] = answerStatement(scope, key, status, body, lease);
    // with the type, both drivers answer [_, rows changed]
    const [, changed] = (await this.sequelize.query(sql, { replacements, transaction, type: QueryTypes.UPDATE })) as [unknown, number];
    return changed;
  }

  /**
   * The request failed in a way that is safe to retry (a 5xx): let the next attempt run. With
   * `lease`: only if this run still holds the key, and no durable process holds it (its holder
   * settles it).
   */
  async forget(scope: string, key: string, lease?: string): Promise<void> {
    await writeStatement(this.sequelize, `DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ?${lease === undefined ? "" : " AND state = 'in_flight' AND lease = ? AND held_by IS NULL"}`, [
      scope,
      key,
      ...(lease === undefined ? [] : [lease]),
    ]);
  }

  /**
   * Hands the key of this run (`lease`) to a durable process, `holder`, in the holder's
   * transaction when given: from then on only the holder answers or frees it. A 409 when a
   * retry has taken the key over meanwhile.
   */
  async hold(scope: string, key: string, lease: string, holder: string, transaction?: Transaction): Promise<void> {
    const held = await writeStatement(this.sequelize, "UPDATE idempotency_keys SET held_by = ?, updated_at = ? WHERE scope = ? AND idem_key = ? AND state = 'in_flight' AND lease = ?", [holder, new Date(), scope, key, lease], transaction);
    if (held === 0) throw conflict("idempotency_key_in_flight", "A retry with this Idempotency-Key took the request over; its answer is the one kept.");
  }

  /** Gives the key back to its run (`lease`): the holder ended without an outcome of its own to keep. */
  async release(scope: string, key: string, lease: string, transaction?: Transaction): Promise<void> {
    await writeStatement(this.sequelize, "UPDATE idempotency_keys SET held_by = NULL, updated_at = ? WHERE scope = ? AND idem_key = ? AND state = 'in_flight' AND lease = ?", [new Date(), scope, key, lease], transaction);
  }

  /** The holder's outcome becomes the key's answer (replayed to every retry). How many keys it answered: 0 or 1. */
  async settleHeld(holder: string, status: number, body: unknown, transaction?: Transaction): Promise<number> {
    return writeStatement(
      this.sequelize,
      "UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ?, held_by = NULL, updated_at = ? WHERE held_by = ? AND state = 'in_flight'",
      [status, body === undefined ? null : JSON.stringify(body), new Date(), holder],
      transaction,
    );
  }

  /** The holder ended with nothing to answer (nothing happened): a retry with the key runs afresh. */
  async forgetHeld(holder: string, transaction?: Transaction): Promise<number> {
    return writeStatement(this.sequelize, "DELETE FROM idempotency_keys WHERE held_by = ? AND state = 'in_flight'", [holder], transaction);
  }

  /** Holders whose names start with `prefix` and that last touched their key before `before`: what a sweep settles. */
  async holders(prefix: string, before: Date, limit = 200): Promise<string[]> {
    if (!prefix) throw new Error("holders needs a prefix");
    // every recovery pass of every replica runs this over a day of keys, so it must use the
    // index: MariaDB does for a LIKE prefix; SQLite's LIKE is case-insensitive and never does,
    // so there a range (SQLite compares text bytewise; MariaDB's collations do not, and a
    // range would miss rows there)
    const upper = `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;
    const [match, values] = isMysql(this.sequelize) ? ["held_by LIKE ?", [`${prefix}%`]] : ["held_by >= ? AND held_by < ?", [prefix, upper]];
    const rows = await this.sequelize.query<{ held_by: string }>(`SELECT held_by FROM idempotency_keys WHERE ${match} AND state = 'in_flight' AND updated_at < ? ORDER BY updated_at LIMIT ?`, {
      replacements: [...values, dateReplacement(this.sequelize, before), limit],
      type: QueryTypes.SELECT,
    });
    return rows.map((r) => r.held_by);
  }

  /** Deletes keys past their retention. A plain conditional DELETE: safe when several replicas run it at once. */
  async purgeExpired(now = new Date()): Promise<void> {
    // a Date through replacements is written the way the rows' dates were (a bound Date would not compare on SQLite)
    await this.sequelize.query("DELETE FROM idempotency_keys WHERE created_at < ?", { replacements: [new Date(now.getTime() - RETENTION_MS)] });
  }

  /**
   * Purges expired keys every `everyMs` (and once now) until stopped. The timer is unref'd,
   * so it never keeps a process alive; a failed purge is logged and retried next time.
   */
  schedulePurge(everyMs: number, onError: (error: unknown) => void): { stop(): void } {
    const run = () => void this.purgeExpired().catch(onError);
    run();
    const timer = setInterval(run, everyMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }
}


/** The UPDATE that stores an answer; with the run's `lease`, only while that run holds the key. */
function answerStatement(scope: string, key: string, status: number, body: unknown, lease?: string): [string, unknown[]] {
  return [
    `UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ?, held_by = NULL, updated_at = ? WHERE scope = ? AND idem_key = ?${lease === undefined ? "" : " AND state = 'in_flight' AND lease = ?"}`,
    [status, body === undefined ? null : JSON.stringify(body), new Date(), scope, key, ...(lease === undefined ? [] : [lease])],
  ];
}
