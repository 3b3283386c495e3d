import { QueryTypes, type Sequelize } from "sequelize";

/*
 * The SQLite FTS5 index shared by both search index implementations: on the SQLite backend
 * it lives in the service's own database next to `products`; on MariaDB each replica keeps
 * it in a local SQLite file over a mirror of the searchable columns. The same layout and the
 * same queries (fts5-search.ts) serve both.
 *
 * External content (content='products'): the index stores only the inverted lists, the text
 * stays in `products`. Triggers keep it in step; the update trigger fires only for the
 * indexed columns, so stock and reservation writes never touch the index.
 * `prefix='2 3'` keeps prefix indexes for 2- and 3-character prefixes, which the shortest
 * (and so most expensive) prefix queries use; longer prefixes are expanded into the exact
 * terms they stand for (fts5-expansion.ts), listed by the `products_fts_vocab` table.
 *
 * `is_active` is indexed too (its tokens are "1" and "0"), so that a shopper's search,
 * count included, is answered by the index alone: joining each match to `products` to read
 * is_active cost one random page read per match, 20 ms for a capped count of a two-word
 * query at 1M products.
 */

/**
 * The first layout, as migration 004 created it. Frozen: a migration must keep doing what
 * it did. ensureFts5Layout() replaces it with FTS5_LAYOUT when the search index starts.
 */
export const FTS5_DDL = [
  `CREATE VIRTUAL TABLE IF NOT EXISTS products_fts USING fts5(
     name, description, sku,
     content='products', content_rowid='id',
     tokenize='unicode61 remove_diacritics 2', prefix='2 3'
   )`,
  `CREATE TRIGGER IF NOT EXISTS products_fts_ai AFTER INSERT ON products BEGIN
     INSERT INTO products_fts(rowid, name, description, sku) VALUES (new.id, new.name, new.description, new.sku);
   END`,
  `CREATE TRIGGER IF NOT EXISTS products_fts_ad AFTER DELETE ON products BEGIN
     INSERT INTO products_fts(products_fts, rowid, name, description, sku) VALUES ('delete', old.id, old.name, old.description, old.sku);
   END`,
  `CREATE TRIGGER IF NOT EXISTS products_fts_au AFTER UPDATE OF name, description, sku ON products BEGIN
     INSERT INTO products_fts(products_fts, rowid, name, description, sku) VALUES ('delete', old.id, old.name, old.description, old.sku);
     INSERT INTO products_fts(rowid, name, description, sku) VALUES (new.id, new.name, new.description, new.sku);
   END`,
];

/** The current layout: every object the search queries rely on, by name. */
const FTS5_LAYOUT: Record<string, string> = {
  products_fts: `CREATE VIRTUAL TABLE products_fts USING fts5(
     name, description, sku, is_active,
     content='products', content_rowid='id',
     tokenize='unicode61 remove_diacritics 2', prefix='2 3'
   )`,
  products_fts_vocab: `CREATE VIRTUAL TABLE products_fts_vocab USING fts5vocab(products_fts, 'row')`,
  products_fts_ai: `CREATE TRIGGER products_fts_ai AFTER INSERT ON products BEGIN
     INSERT INTO products_fts(rowid, name, description, sku, is_active) VALUES (new.id, new.name, new.description, new.sku, new.is_active);
   END`,
  products_fts_ad: `CREATE TRIGGER products_fts_ad AFTER DELETE ON products BEGIN
     INSERT INTO products_fts(products_fts, rowid, name, description, sku, is_active) VALUES ('delete', old.id, old.name, old.description, old.sku, old.is_active);
   END`,
  products_fts_au: `CREATE TRIGGER products_fts_au AFTER UPDATE OF name, description, sku, is_active ON products BEGIN
     INSERT INTO products_fts(products_fts, rowid, name, description, sku, is_active) VALUES ('delete', old.id, old.name, old.description, old.sku, old.is_active);
     INSERT INTO products_fts(rowid, name, description, sku, is_active) VALUES (new.id, new.name, new.description, new.sku, new.is_active);
   END`,
};

const normalise = (sql: string | null | undefined) => (sql ?? "").replace(/\s+/g, " ").trim();

/**
 * Brings the FTS5 objects over `products` in this SQLite database to FTS5_LAYOUT. The index
 * is derived data, so any difference (a database migrated with the first layout, a replica
 * file written by an older version) is settled by dropping it and rebuilding it from
 * `products`, in one transaction; a database that already has the layout is left alone.
 * Returns whether it rebuilt.
 */
export async function ensureFts5Layout(sequelize: Sequelize): Promise<boolean> {
  const names = Object.keys(FTS5_LAYOUT);
  const present = async () =>
    new Map(
      (
        await sequelize.query<{ name: string; sql: string | null }>(`SELECT name, sql FROM sqlite_master WHERE name IN (${names.map(() => "?").join(", ")})`, {
          replacements: names,
          type: QueryTypes.SELECT,
        })
      ).map((r) => [r.name, normalise(r.sql)]),
    );
  const current = (found: Map<string, string>) => names.every((n) => found.get(n) === normalise(FTS5_LAYOUT[n]));
  if (current(await present())) return false;
  return sequelize.transaction(async (t) => {
    // another process may have upgraded meanwhile: the write lock of this transaction settles it
    if (current(await present())) return false;
    for (const trigger of ["products_fts_ai", "products_fts_ad", "products_fts_au"]) await sequelize.query(`DROP TRIGGER IF EXISTS ${trigger}`, { transaction: t });
    await sequelize.query("DROP TABLE IF EXISTS products_fts_vocab", { transaction: t });
    await sequelize.query("DROP TABLE IF EXISTS products_fts", { transaction: t });
    for (const sql of Object.values(FTS5_LAYOUT)) await sequelize.query(sql, { transaction: t });
    await sequelize.query("INSERT INTO products_fts(products_fts) VALUES ('rebuild')", { transaction: t });
    return true;
  });
}
