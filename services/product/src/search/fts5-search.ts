import { facetsFromCounts, priceBandSql, type Facets } from "./facets.js";
import { PrefixExpander } from "./fts5-expansion.js";
import { COUNT_CAP, type SearchHits, type SearchPosition, type SearchQuery } from "./search-index.js";

/** Runs one parameterised SELECT against a SQLite database that holds `products` and `products_fts`. */
export type SqlRunner = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/** The FTS5 expressions of one search. */
export interface MatchExpressions {
  /** every word anywhere (name, description or sku) */
  all: string;
  /** every word in the name or sku */
  inName: string;
  /** every word somewhere, but not every word in the name or sku */
  descriptionOnly: string;
}

/**
 * Builds the expressions from one FTS5 expression per word (see PrefixExpander.expand).
 * The words are scoped to the text columns only when one of them could match the is_active
 * column's tokens "0" and "1"; the scope costs a position-list check per posting.
 */
export function matchExpressions(atoms: string[], words: string[]): MatchExpressions {
  const joined = atoms.join(" AND ");
  const all = words.some((w) => w === "0" || w === "1") ? `{name description sku} : (${joined})` : `(${joined})`;
  const inName = `{name sku} : (${joined})`;
  return { all, inName, descriptionOnly: `(${all}) NOT (${inName})` };
}

/** Only active products: `is_active` is indexed, so this needs no look at `products`. */
const activeOnly = (expr: string) => `(${expr}) NOT (is_active : "0")`;

/**
 * The search queries over SQLite FTS5, shared by both index implementations.
 *
 * Design (issue 3's measurements): ranking every match (bm25) and then taking the top 20
 * costs time in proportion to the number of matches, which for common words is a fifth of
 * the catalog. Instead each query walks one FTS5 doclist in rowid order and stops at the
 * page size: relevance is two tiers (every word in the name or sku, then description-only
 * matches), each newest first (highest id), so the first page of "book" touches a few dozen
 * index entries however large the catalog. The count walks at most COUNT_CAP + 1 matches.
 *
 * Without a price filter every statement reads the FTS5 index only (is_active is indexed, and
 * prefixes are expanded into exact terms that FTS5 merges lazily, see fts5-expansion.ts).
 * With one, matches are joined to `products` for the price; CROSS JOIN then pins the FTS
 * table as the outer loop, so SQLite follows the doclist order instead of sorting.
 */
export class Fts5Search {
  private readonly expander: PrefixExpander;

  constructor(private readonly run: SqlRunner) {
    this.expander = new PrefixExpander(run);
  }

  async search(q: SearchQuery): Promise<SearchHits> {
    const atoms = await this.expander.expand(q.terms);
    if (atoms === null) return { ids: [], next: null, total: 0, totalIsLowerBound: false, facets: q.facets ? { category: [], price: [] } : undefined };
    const exprs = matchExpressions(atoms, q.terms);
    const { total, lowerBound } = await this.count(exprs.all, q);
    const facets = q.facets ? (lowerBound ? null : await this.facets(exprs.all, q)) : undefined;
    if (total === 0) return { ids: [], next: null, total: 0, totalIsLowerBound: false, facets };
    let rows: { id: number; tier?: 0 | 1; price?: number }[];
    switch (q.sort) {
      case "relevance":
        rows = await this.byRelevance(exprs, q);
        break;
      case "newest":
        rows = (await this.newest(exprs.all, q, q.after?.sort === "newest" ? q.after.id : undefined, q.limit + 1)).map((r) => ({ id: r.id }));
        break;
      default:
        rows = await this.byPrice(exprs.all, q, lowerBound);
    }
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    let next: SearchPosition | null = null;
    if (rows.length > q.limit && last) {
      if (q.sort === "relevance") next = { sort: "relevance", tier: last.tier ?? 0, id: Number(last.id) };
      else if (q.sort === "newest") next = { sort: "newest", id: Number(last.id) };
      else next = { sort: q.sort, price: Number(last.price), id: Number(last.id) };
    }
    return { ids: page.map((r) => Number(r.id)), next, total, totalIsLowerBound: lowerBound, facets };
  }

  /** The matches (at most COUNT_CAP: the caller knows the count) grouped by category and price band. */
  private async facets(expr: string, q: SearchQuery): Promise<Facets> {
    const f = this.filters(q);
    const rows = await this.run<{ category: string; band: number; n: number }>(
      `SELECT p.category AS category, ${priceBandSql("p.price_amount")} AS band, COUNT(*) AS n
         FROM products_fts CROSS JOIN products p ON p.id = products_fts.rowid
         WHERE products_fts MATCH ?${f.sql} GROUP BY 1, 2`,
      [expr, ...f.params],
    );
    return facetsFromCounts(rows);
  }

  /** A condition only the products row answers (price, or the `ids` list): the statements join it. */
  private static hasProductFilter(q: SearchQuery): boolean {
    return q.minPrice !== undefined || q.maxPrice !== undefined || q.ids !== undefined || q.category !== undefined;
  }

  /** The conditions on `products p` for the statements that join it. */
  private filters(q: SearchQuery): { sql: string; params: unknown[] } {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (!q.includeInactive) parts.push("p.is_active = 1");
    if (q.minPrice !== undefined) {
      parts.push("p.price_amount >= ?");
      params.push(q.minPrice);
    }
    if (q.maxPrice !== undefined) {
      parts.push("p.price_amount <= ?");
      params.push(q.maxPrice);
    }
    if (q.category !== undefined) {
      parts.push("p.category = ?");
      params.push(q.category);
    }
    if (q.ids !== undefined) {
      parts.push(`p.id IN (${q.ids.map(() => "?").join(", ") || "NULL"})`);
      params.push(...q.ids);
    }
    return { sql: parts.map((p) => ` AND ${p}`).join(""), params };
  }

  private async count(expr: string, q: SearchQuery): Promise<{ total: number; lowerBound: boolean }> {
    let rows: { n: number }[];
    if (Fts5Search.hasProductFilter(q)) {
      const f = this.filters(q);
      rows = await this.run<{ n: number }>(
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM products_fts CROSS JOIN products p ON p.id = products_fts.rowid
           WHERE products_fts MATCH ?${f.sql} LIMIT ${COUNT_CAP + 1}) AS matches`,
        [expr, ...f.params],
      );
    } else {
      rows = await this.run<{ n: number }>(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM products_fts WHERE products_fts MATCH ? LIMIT ${COUNT_CAP + 1}) AS matches`, [
        q.includeInactive ? expr : activeOnly(expr),
      ]);
    }
    const n = Number(rows[0]?.n ?? 0);
    return n > COUNT_CAP ? { total: COUNT_CAP, lowerBound: true } : { total: n, lowerBound: false };
  }

  /** Matches of one expression, newest first, below `beforeId`. */
  private newest(expr: string, q: SearchQuery, beforeId: number | undefined, limit: number) {
    const keyset = beforeId === undefined ? "" : " AND products_fts.rowid < ?";
    const keysetParams = beforeId === undefined ? [] : [beforeId];
    if (!Fts5Search.hasProductFilter(q)) {
      return this.run<{ id: number }>(
        `SELECT products_fts.rowid AS id FROM products_fts WHERE products_fts MATCH ?${keyset} ORDER BY products_fts.rowid DESC LIMIT ${limit}`,
        [q.includeInactive ? expr : activeOnly(expr), ...keysetParams],
      );
    }
    const f = this.filters(q);
    return this.run<{ id: number }>(
      `SELECT p.id AS id FROM products_fts CROSS JOIN products p ON p.id = products_fts.rowid
         WHERE products_fts MATCH ?${f.sql}${keyset} ORDER BY products_fts.rowid DESC LIMIT ${limit}`,
      [expr, ...f.params, ...keysetParams],
    );
  }

  private async byRelevance(exprs: MatchExpressions, q: SearchQuery) {
    const after = q.after?.sort === "relevance" ? q.after : undefined;
    const out: { id: number; tier: 0 | 1 }[] = [];
    if (!after || after.tier === 0) {
      for (const r of await this.newest(exprs.inName, q, after?.id, q.limit + 1)) out.push({ id: r.id, tier: 0 });
    }
    if (out.length <= q.limit) {
      const beforeId = after?.tier === 1 ? after.id : undefined;
      for (const r of await this.newest(exprs.descriptionOnly, q, beforeId, q.limit + 1 - out.length)) out.push({ id: r.id, tier: 1 });
    }
    return out;
  }

  /**
   * Price order needs every match sorted, unless there are many: up to COUNT_CAP matches are
   * sorted directly; beyond that (a common word) walking the price index and probing the FTS
   * index per product finds a page after ~limit / share-of-matches probes, which is bounded
   * because the share is then at least COUNT_CAP / catalog size.
   */
  private byPrice(expr: string, q: SearchQuery, many: boolean) {
    const f = this.filters(q);
    const asc = q.sort === "price_asc";
    const dir = asc ? "ASC" : "DESC";
    const cmp = asc ? ">" : "<";
    const after = q.after && (q.after.sort === "price_asc" || q.after.sort === "price_desc") && q.after.sort === q.sort ? q.after : undefined;
    const keyset = after ? ` AND (p.price_amount ${cmp} ? OR (p.price_amount = ? AND p.id ${cmp} ?))` : "";
    const keysetParams = after ? [after.price, after.price, after.id] : [];
    if (!many) {
      return this.run<{ id: number; price: number }>(
        `SELECT p.id AS id, p.price_amount AS price FROM products_fts CROSS JOIN products p ON p.id = products_fts.rowid
           WHERE products_fts MATCH ?${f.sql}${keyset} ORDER BY p.price_amount ${dir}, p.id ${dir} LIMIT ${q.limit + 1}`,
        [expr, ...f.params, ...keysetParams],
      );
    }
    return this.run<{ id: number; price: number }>(
      `SELECT p.id AS id, p.price_amount AS price FROM products p INDEXED BY products_price
         WHERE 1 = 1${f.sql}${keyset}
           AND EXISTS (SELECT 1 FROM products_fts WHERE products_fts MATCH ? AND products_fts.rowid = p.id)
         ORDER BY p.price_amount ${dir}, p.id ${dir} LIMIT ${q.limit + 1}`,
      [...f.params, ...keysetParams, expr],
    );
  }
}
