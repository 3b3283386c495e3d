/**
 * The floor the product service is measured against (issue 11): bare Express 5 + node-sqlite3
 * on the product service's own SQLite file, the same statements a product read and a search
 * first page need, and nothing else (no validation, auth, logging or ORM). The search runs
 * the service's own FTS5 statements (Fts5Search from the production build: prefix expansion,
 * the count capped at 10,001, the two relevance tiers) over this raw connection, so the ratio
 * is what our stack adds to the same query. Plain JavaScript so it runs as is under `node`,
 * like the built services (run `make build` first).
 *
 *   FLOOR_DB=<product.sqlite> PORT=38102 node scripts/bench/floor/server.mjs
 */
import express from "express";
import sqlite3 from "sqlite3";
import { Fts5Search } from "../../../services/product/dist/search/fts5-search.js";
import { searchTerms } from "../../../services/product/dist/search/search-index.js";

const db = new sqlite3.Database(process.env.FLOOR_DB, sqlite3.OPEN_READONLY);
db.configure("busyTimeout", 10_000);
const all = (sql, params) => new Promise((resolve, reject) => db.all(sql, params, (e, rows) => (e ? reject(e) : resolve(rows))));
const get = (sql, params) => new Promise((resolve, reject) => db.get(sql, params, (e, row) => (e ? reject(e) : resolve(row))));

// the columns a product read returns, images (JSON, null for the bench catalog) and category included
const COLUMNS = "id, name, description, sku, category, price_amount, currency, is_active, stock, committed, images, created_at, updated_at";
const app = express();
app.disable("x-powered-by");
app.get("/healthz", (_req, res) => res.json({ status: "ok" }));

// the product read's one statement, as the service runs it: the row and its units held by reservations
const READ = `SELECT ${COLUMNS.split(", ").map((c) => `p.${c}`).join(", ")},
  (SELECT COALESCE(SUM(r.quantity), 0) FROM reservation_items r WHERE r.product_id = p.id AND r.held_until > ?) AS held
  FROM products p WHERE p.id = ?`;
app.get("/v1/products/:id", async (req, res) => {
  const row = await get(READ, [Date.now(), Number(req.params.id)]);
  if (!row) return res.status(404).json({ code: "not_found" });
  res.json(row);
});

// the search first page: the service's FTS5 statements, then the page's products
const fts = new Fts5Search(all);
app.get("/v1/products", async (req, res) => {
  const hits = await fts.search({ terms: searchTerms(String(req.query.q ?? "")), includeInactive: false, sort: "relevance", limit: 20 });
  const rows = hits.ids.length ? await all(`SELECT ${COLUMNS} FROM products WHERE id IN (${hits.ids.map(() => "?").join(", ")})`, hits.ids) : [];
  res.json({ data: rows, total_count: hits.total });
});

const server = app.listen(Number(process.env.PORT), "127.0.0.1");
server.keepAliveTimeout = 65_000;
process.once("SIGTERM", () => server.close(() => db.close(() => process.exit(0))));
