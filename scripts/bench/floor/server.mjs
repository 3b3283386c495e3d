/**
 * The floor the product service is measured against (issue 11): bare Express 5 + node-sqlite3
 * on the product service's own SQLite file, the same statements a product read and a search
 * first page need at the least, and nothing else (no validation, auth, logging or ORM).
 * Plain JavaScript so it runs as is under `node`, like the built services.
 *
 *   FLOOR_DB=<product.sqlite> PORT=38102 node scripts/bench/floor/server.mjs
 */
import express from "express";
import sqlite3 from "sqlite3";

const db = new sqlite3.Database(process.env.FLOOR_DB, sqlite3.OPEN_READONLY);
db.configure("busyTimeout", 10_000);
const all = (sql, params) => new Promise((resolve, reject) => db.all(sql, params, (e, rows) => (e ? reject(e) : resolve(rows))));
const get = (sql, params) => new Promise((resolve, reject) => db.get(sql, params, (e, row) => (e ? reject(e) : resolve(row))));

// the columns a product read returns, images (JSON, null for the bench catalog) and category included
const COLUMNS = "id, name, description, sku, category, price_amount, currency, is_active, stock, committed, images, created_at, updated_at";
const app = express();
app.disable("x-powered-by");
app.get("/healthz", (_req, res) => res.json({ status: "ok" }));

app.get("/v1/products/:id", async (req, res) => {
  const row = await get(`SELECT ${COLUMNS} FROM products WHERE id = ?`, [Number(req.params.id)]);
  if (!row) return res.status(404).json({ code: "not_found" });
  res.json(row);
});

// the search first page: the capped count and the newest page of matches, each one FTS5 query
app.get("/v1/products", async (req, res) => {
  const match = `(${String(req.query.q ?? "")}) NOT (is_active : "0")`;
  const [count] = await all("SELECT COUNT(*) AS n FROM (SELECT 1 FROM products_fts WHERE products_fts MATCH ? LIMIT 1001)", [match]);
  const rows = await all(
    `SELECT ${COLUMNS.split(", ").map((c) => `p.${c}`).join(", ")} FROM products_fts CROSS JOIN products p ON p.id = products_fts.rowid
       WHERE products_fts MATCH ? ORDER BY products_fts.rowid DESC LIMIT 20`,
    [match],
  );
  res.json({ data: rows, total_count: count.n });
});

const server = app.listen(Number(process.env.PORT), "127.0.0.1");
server.keepAliveTimeout = 65_000;
process.once("SIGTERM", () => server.close(() => db.close(() => process.exit(0))));
