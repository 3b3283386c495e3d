import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { createSqlReader, isMysql, writeStatement, type SqlReader } from "@disqo-commerce/kit";

/** An event as stored: the envelope, the person it counts for, and the properties the KPIs read as columns. */
export interface StoredEvent {
  id: string;
  type: string;
  occurredAt: Date;
  person: string | null;
  visitorId: string | null;
  userId: number | null;
  amount: number | null;
  currency: string | null;
  term: string | null;
  resultCount: number | null;
  properties: Record<string, unknown>;
}

/** A person reached a funnel step on a day. */
export interface StepDay {
  step: string;
  day: string;
  person: string;
}

/** A rollup row: a StepDay and the person's previous day at that step ("" for none). */
export interface RollupRow extends StepDay {
  prevDay: string;
}

/** A change to the number of people of (step, day) whose previous day is prevDay. */
export interface CountDelta {
  step: string;
  day: string;
  prevDay: string;
  people: number;
}

/** What one batch writes to the rollup (domain/funnel-rollup.ts computes it). */
export interface RollupChanges {
  inserts: RollupRow[];
  /** Stored rows whose previous day changes (an earlier day arrived after them). */
  relinks: RollupRow[];
  deltas: CountDelta[];
}

const CHUNK = 200;

/** `YYYY-MM-DD HH:MM:SS.sss` in UTC: what both backends store in a DATETIME(3) and compare as text on SQLite. */
export function sqlTime(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/** A DATETIME read back: a Date from mysql2, the stored text from SQLite. */
export function fromSqlTime(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text.replace(" ", "T") : `${text.replace(" ", "T")}Z`);
}

export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/**
 * The analytics database: every statement and dialect difference of the service is here.
 * Writes run in one managed transaction per batch; reads use prepared statements (kit's
 * SqlReader) outside transactions.
 */
export class EventsStore {
  private readonly reader: SqlReader;
  private readonly insertIgnore: string;
  private readonly mysql: boolean;

  constructor(private readonly sequelize: Sequelize) {
    this.reader = createSqlReader(sequelize);
    this.mysql = isMysql(sequelize);
    this.insertIgnore = this.mysql ? "INSERT IGNORE" : "INSERT OR IGNORE";
  }

  transaction<T>(fn: (t: Transaction) => Promise<T>): Promise<T> {
    return this.sequelize.transaction(fn);
  }

  /** Which of these event ids are already stored. */
  async existingIds(ids: string[], t: Transaction): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks(ids)) {
      const rows = await this.sequelize.query<{ id: string }>(`SELECT id FROM analytics_events WHERE id IN (${part.map(() => "?").join(",")})`, { replacements: part, type: QueryTypes.SELECT, transaction: t });
      for (const row of rows) found.add(row.id);
    }
    return found;
  }

  /** The visitor id linked to each of these users (first one seen with them). */
  async visitorsOf(userIds: number[], t: Transaction): Promise<Map<number, string>> {
    const linked = new Map<number, string>();
    for (const part of chunks([...new Set(userIds)])) {
      const rows = await this.sequelize.query<{ user_id: number; visitor_id: string }>(
        `SELECT user_id, visitor_id FROM analytics_identities WHERE user_id IN (${part.map(() => "?").join(",")})`,
        { replacements: part, type: QueryTypes.SELECT, transaction: t },
      );
      for (const row of rows) linked.set(Number(row.user_id), row.visitor_id);
    }
    return linked;
  }

  /** Links users to visitors; a user already linked keeps its first visitor. */
  async link(pairs: { userId: number; visitorId: string }[], t: Transaction): Promise<void> {
    for (const part of chunks(pairs)) {
      await this.sequelize.query(`${this.insertIgnore} INTO analytics_identities (user_id, visitor_id) VALUES ${part.map(() => "(?, ?)").join(",")}`, {
        replacements: part.flatMap((p) => [p.userId, p.visitorId]),
        transaction: t,
      });
    }
  }

  async insertEvents(events: StoredEvent[], receivedAt: Date, t: Transaction): Promise<void> {
    const received = sqlTime(receivedAt);
    for (const part of chunks(events)) {
      await this.sequelize.query(
        `${this.insertIgnore} INTO analytics_events (id, type, occurred_at, day, person, visitor_id, user_id, amount, currency, term, result_count, properties, received_at) VALUES ${part.map(() => "(?,?,?,?,?,?,?,?,?,?,?,?,?)").join(",")}`,
        {
          replacements: part.flatMap((e) => [e.id, e.type, sqlTime(e.occurredAt), dayOf(e.occurredAt), e.person, e.visitorId, e.userId, e.amount, e.currency, e.term, e.resultCount, JSON.stringify(e.properties), received]),
          transaction: t,
        },
      );
    }
  }

  /**
   * Every stored rollup row of these people. On MariaDB each person's lock row is taken first
   * (created if new, then locked in one order), so two batches of the same person queue and
   * neither computes previous days from rows the other is writing.
   */
  async rollupRowsOf(people: string[], t: Transaction): Promise<RollupRow[]> {
    const sorted = [...new Set(people)].sort();
    const rows: RollupRow[] = [];
    for (const part of chunks(sorted)) {
      const marks = part.map(() => "?").join(",");
      if (this.mysql) {
        await this.sequelize.query(`INSERT IGNORE INTO analytics_funnel_people (person) VALUES ${part.map(() => "(?)").join(",")}`, { replacements: part, transaction: t });
        await this.sequelize.query(`SELECT person FROM analytics_funnel_people WHERE person IN (${marks}) ORDER BY person FOR UPDATE`, { replacements: part, type: QueryTypes.SELECT, transaction: t });
      }
      const found = await this.sequelize.query<{ step: string; day: string; person: string; prev_day: string }>(`SELECT step, day, person, prev_day FROM analytics_funnel_days WHERE person IN (${marks})`, {
        replacements: part,
        type: QueryTypes.SELECT,
        transaction: t,
      });
      for (const r of found) rows.push({ step: r.step, day: r.day, person: r.person, prevDay: r.prev_day });
    }
    return rows;
  }

  /** Writes a batch's rollup changes: new rows, re-linked rows, and the per-(step, day, previous day) counts. */
  async applyRollup(changes: RollupChanges, t: Transaction): Promise<void> {
    for (const part of chunks(changes.inserts)) {
      await this.sequelize.query(`INSERT INTO analytics_funnel_days (step, day, person, prev_day) VALUES ${part.map(() => "(?,?,?,?)").join(",")}`, {
        replacements: part.flatMap((r) => [r.step, r.day, r.person, r.prevDay]),
        transaction: t,
      });
    }
    for (const r of changes.relinks) {
      await this.sequelize.query("UPDATE analytics_funnel_days SET prev_day = ? WHERE step = ? AND day = ? AND person = ?", { replacements: [r.prevDay, r.step, r.day, r.person], transaction: t });
    }
    const upsert = this.mysql ? "ON DUPLICATE KEY UPDATE people = people + VALUES(people)" : "ON CONFLICT (step, day, prev_day) DO UPDATE SET people = people + excluded.people";
    for (const part of chunks(changes.deltas)) {
      await this.sequelize.query(`INSERT INTO analytics_funnel_counts (step, day, prev_day, people) VALUES ${part.map(() => "(?,?,?,?)").join(",")} ${upsert}`, {
        replacements: part.flatMap((d) => [d.step, d.day, d.prevDay, d.people]),
        transaction: t,
      });
    }
  }

  /** People per step over the days [from, to]: each person once, by their first day in the window (see domain/funnel-rollup.ts). */
  async funnelCounts(from: string, to: string): Promise<Map<string, number>> {
    const rows = await this.reader.all<{ step: string; people: number | string }>(
      "SELECT step, SUM(people) AS people FROM analytics_funnel_counts WHERE day >= ? AND day <= ? AND prev_day < ? GROUP BY step",
      [from, to, from],
    );
    return new Map(rows.map((r) => [r.step, Number(r.people)]));
  }

  /** Count and summed amount of one type of event per day and currency. */
  async dailyTotals(type: string, from: string, to: string): Promise<{ day: string; currency: string | null; events: number; amount: number }[]> {
    const rows = await this.reader.all<{ day: string; currency: string | null; events: number | string; amount: number | string | null }>(
      "SELECT day, currency, COUNT(*) AS events, SUM(amount) AS amount FROM analytics_events WHERE type = ? AND day >= ? AND day <= ? GROUP BY day, currency",
      [type, from, to],
    );
    return rows.map((r) => ({ day: r.day, currency: r.currency, events: Number(r.events), amount: Number(r.amount ?? 0) }));
  }

  /** Each person's events of a type in [fromTime, toTime), with their times. */
  async personEvents(type: string, fromTime: Date, toTime: Date): Promise<{ person: string; at: Date }[]> {
    const rows = await this.reader.all<{ person: string; occurred_at: unknown }>(
      // the day bounds let both engines range over the (type, day, person, occurred_at, ...) index, which covers the query
      "SELECT person, occurred_at FROM analytics_events WHERE type = ? AND day >= ? AND day <= ? AND occurred_at >= ? AND occurred_at < ? AND person IS NOT NULL",
      [type, dayOf(fromTime), dayOf(new Date(toTime.getTime() - 1)), sqlTime(fromTime), sqlTime(toTime)],
    );
    return rows.map((r) => ({ person: r.person, at: fromSqlTime(r.occurred_at) }));
  }

  /** The day of each of these people's first event of a type, ever (within retention). */
  async firstDays(type: string, people: string[]): Promise<Map<string, string>> {
    const first = new Map<string, string>();
    for (const part of chunks([...new Set(people)])) {
      const rows = await this.sequelize.query<{ person: string; first_day: string }>(
        `SELECT person, MIN(day) AS first_day FROM analytics_events WHERE type = ? AND person IN (${part.map(() => "?").join(",")}) GROUP BY person`,
        { replacements: [type, ...part], type: QueryTypes.SELECT },
      );
      for (const row of rows) first.set(row.person, row.first_day);
    }
    return first;
  }

  /** The most frequent search terms that found nothing over the days [from, to]. */
  async zeroResultSearches(from: string, to: string, limit: number): Promise<{ term: string; searches: number }[]> {
    const rows = await this.reader.all<{ term: string; searches: number | string }>(
      `SELECT term, COUNT(*) AS searches FROM analytics_events WHERE type = 'search' AND result_count = 0 AND day >= ? AND day <= ? AND term IS NOT NULL GROUP BY term ORDER BY searches DESC, term ASC LIMIT ${Math.max(1, Math.floor(limit))}`,
      [from, to],
    );
    return rows.map((r) => ({ term: r.term, searches: Number(r.searches) }));
  }

  /** Deletes raw events received before `before`; the funnel rollup stays. Answers how many went. */
  async purgeBefore(before: Date): Promise<number> {
    // through writeStatement: its count is the driver's (a plain query's metadata carried none on SQLite)
    return writeStatement(this.sequelize, "DELETE FROM analytics_events WHERE received_at < ?", [sqlTime(before)]);
  }

  async isEmpty(): Promise<boolean> {
    const rows = await this.reader.all<{ n: number }>("SELECT 1 AS n FROM analytics_events LIMIT 1", []);
    return rows.length === 0;
  }
}
