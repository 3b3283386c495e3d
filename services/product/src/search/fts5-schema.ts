/*
 * The SQLite FTS5 index shared by both search index implementations: on the SQLite backend
 * it lives in the service's own database next to `products`; on MariaDB each replica keeps
 * it in a local SQLite file over a mirror of the searchable columns. The same DDL and the
 * same queries (fts5-search.ts) serve both.
 *
 * External content (content='products'): the index stores only the inverted lists, the text
 * stays in `products`. Triggers keep it in step; the update trigger fires only for the
 * indexed columns, so stock and reservation writes never touch the index.
 * `prefix='2 3'` keeps prefix indexes for 2- and 3-character prefixes, which the shortest
 * (and so most expensive) prefix queries use.
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
