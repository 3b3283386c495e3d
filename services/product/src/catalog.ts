import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { conflict, createSqlReader, decodeCursor, encodeCursor, isUniqueViolation, notFound, unprocessable, type Logger, type Principal } from "@disqo-commerce/kit";
import type { components } from "./generated/openapi.js";
import type { ProductModel, ProductModels } from "./models/index.js";
import { assertStockCoversPromised } from "./stock-rule.js";
import { COUNT_CAP, searchTerms, type SearchIndex, type SearchPosition, type SearchSort } from "./search/search-index.js";
import { facetsFromCounts, priceBandSql, type Category, type Facets } from "./search/facets.js";
import { parseStoredImages, toImageDto } from "./images/product-images.js";

export type ProductDto = components["schemas"]["Product"];
export type ProductPage = components["schemas"]["ProductPage"];
export type ProductCreate = components["schemas"]["ProductCreate"];
export type ProductUpdate = components["schemas"]["ProductUpdate"];

export interface SearchParams {
  q?: string;
  min_price?: number;
  max_price?: number;
  sort?: SearchSort;
  limit?: number;
  cursor?: string;
  ids?: string;
  category?: Category;
  facets?: boolean;
}

/** Admins and the platform's services see inactive products; shoppers and anonymous callers do not. */
export function seesInactive(principal: Principal | null): boolean {
  return principal?.kind === "service" || (principal?.kind === "user" && principal.role === "admin");
}

type CursorShape = { s: string; a: number; b: number };
const SORT_CODES: Record<SearchSort, string> = { relevance: "r", newest: "n", price_asc: "pa", price_desc: "pd" };

function encodePosition(p: SearchPosition): string {
  const a = p.sort === "relevance" ? p.tier : p.sort === "newest" ? 0 : p.price;
  return encodeCursor({ s: SORT_CODES[p.sort], a, b: p.id });
}

function decodePosition(cursor: string | undefined, sort: SearchSort): SearchPosition | undefined {
  const c = decodeCursor<CursorShape>(cursor, ["s", "a", "b"]);
  if (!c) return undefined;
  if (c.s !== SORT_CODES[sort] || !Number.isInteger(c.a) || !Number.isInteger(c.b)) {
    throw unprocessable("validation_failed", "The cursor belongs to another sort order.", { errors: [{ path: "/query/cursor", message: "invalid cursor" }] });
  }
  if (sort === "relevance") return { sort, tier: c.a === 1 ? 1 : 0, id: c.b };
  if (sort === "newest") return { sort, id: c.b };
  return { sort, price: c.a, id: c.b };
}

/** A product as stored: a model instance, or a raw row (SQLite gives 0/1 and date text). */
type ProductRow = Pick<ProductModel, "id" | "name" | "description" | "sku" | "category" | "images" | "price_amount" | "currency" | "stock" | "committed"> & {
  is_active: boolean | number;
  created_at: Date | string;
  updated_at: Date | string;
  held?: number | string;
};

export function toProductDto(p: ProductRow, held: number): ProductDto {
  return {
    id: Number(p.id),
    name: p.name,
    description: p.description,
    sku: p.sku,
    category: p.category as Category,
    price: { amount: Number(p.price_amount), currency: p.currency },
    images: parseStoredImages(p.images).map(toImageDto),
    is_active: Boolean(p.is_active),
    stock: Number(p.stock),
    available: Math.max(0, Number(p.stock) - Number(p.committed) - held),
    created_at: new Date(p.created_at).toISOString(),
    updated_at: new Date(p.updated_at).toISOString(),
  };
}

const INDEXED_FIELDS = ["name", "description", "sku", "category", "price_amount", "is_active"] as const;

export function createCatalog(deps: { sequelize: Sequelize; models: ProductModels; search: SearchIndex; logger: Logger }) {
  const { sequelize, models, search, logger } = deps;
  const { Product } = models;

  const reader = createSqlReader(sequelize);

  /** Units held by unexpired reservations, per product (inside `transaction` when given: the stock rule's check). */
  async function heldUnits(ids: number[], options: { transaction?: Transaction } = {}): Promise<Map<number, number>> {
    if (ids.length === 0) return new Map();
    const rows = await sequelize.query<{ product_id: number; held: number | string }>(
      "SELECT product_id, SUM(quantity) AS held FROM reservation_items WHERE product_id IN (?) AND held_until > ? GROUP BY product_id",
      { replacements: [ids, Date.now()], type: QueryTypes.SELECT, transaction: options.transaction },
    );
    return new Map(rows.map((r) => [Number(r.product_id), Number(r.held)]));
  }

  /**
   * The products with these ids, in this order, with their available stock: one prepared
   * statement that also sums the units held by unexpired reservations (the hot read path).
   */
  async function load(ids: number[]): Promise<ProductDto[]> {
    if (ids.length === 0) return [];
    const rows = await reader.all<ProductRow>(
      `SELECT p.id, p.name, p.description, p.sku, p.category, p.images, p.price_amount, p.currency, p.is_active, p.stock, p.committed, p.created_at, p.updated_at,
         (SELECT COALESCE(SUM(r.quantity), 0) FROM reservation_items r WHERE r.product_id = p.id AND r.held_until > ?) AS held
       FROM products p WHERE p.id IN (${ids.map(() => "?").join(", ")})`,
      [Date.now(), ...ids],
    );
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    return ids.flatMap((id) => {
      const p = byId.get(id);
      return p ? [toProductDto(p, Number(p.held))] : [];
    });
  }

  /** Increments the catalog change sequence inside `t` (see migration 002) and returns the new value. */
  async function nextChangeSeq(t: Transaction): Promise<number> {
    await sequelize.query("UPDATE product_changes SET seq = seq + 1 WHERE id = 1", { transaction: t });
    const [row] = await sequelize.query<{ seq: number | string }>("SELECT seq FROM product_changes WHERE id = 1", { type: QueryTypes.SELECT, transaction: t });
    return Number(row.seq);
  }

  async function afterWrite(): Promise<void> {
    // the write is committed either way; a lagging index catches up on its next refresh
    await search.sync().catch((err) => logger.warn({ err }, "search index sync after write failed"));
  }

  /** Catalog browsing without text: straight from the products table, keyset-paginated. */
  async function browse(params: {
    includeInactive: boolean;
    ids?: number[];
    minPrice?: number;
    maxPrice?: number;
    category?: Category;
    facets?: boolean;
    sort: SearchSort;
    after?: SearchPosition;
    limit: number;
  }) {
    const where: string[] = [];
    const repl: unknown[] = [];
    if (!params.includeInactive) where.push("is_active = 1");
    if (params.category !== undefined) {
      where.push("category = ?");
      repl.push(params.category);
    }
    if (params.ids) {
      where.push("id IN (?)");
      repl.push(params.ids);
    }
    if (params.minPrice !== undefined) {
      where.push("price_amount >= ?");
      repl.push(params.minPrice);
    }
    if (params.maxPrice !== undefined) {
      where.push("price_amount <= ?");
      repl.push(params.maxPrice);
    }
    const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const [countRow] = await sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM products ${filter} LIMIT ${COUNT_CAP + 1}) AS matches`, {
      replacements: repl,
      type: QueryTypes.SELECT,
    });
    const count = Number(countRow?.n ?? 0);
    let facets: Facets | null | undefined;
    if (params.facets) {
      // counted only while the count is exact (see search/facets.ts): at most COUNT_CAP rows
      facets = count > COUNT_CAP ? null : facetsFromCounts(
        await sequelize.query<{ category: string; band: number; n: number }>(
          `SELECT category, ${priceBandSql("price_amount")} AS band, COUNT(*) AS n FROM products ${filter} GROUP BY category, band`,
          { replacements: repl, type: QueryTypes.SELECT },
        ),
      );
    }
    const keyset: string[] = [...where];
    const keyRepl = [...repl];
    let order: string;
    const after = params.after;
    if (params.sort === "price_asc" || params.sort === "price_desc") {
      const asc = params.sort === "price_asc";
      const cmp = asc ? ">" : "<";
      if (after && "price" in after) {
        keyset.push(`(price_amount ${cmp} ? OR (price_amount = ? AND id ${cmp} ?))`);
        keyRepl.push(after.price, after.price, after.id);
      }
      order = asc ? "price_amount ASC, id ASC" : "price_amount DESC, id DESC";
    } else {
      if (after) {
        keyset.push("id < ?");
        keyRepl.push(after.id);
      }
      order = "id DESC";
    }
    const rows = await sequelize.query<{ id: number; price_amount: number }>(
      `SELECT id, price_amount FROM products ${keyset.length ? `WHERE ${keyset.join(" AND ")}` : ""} ORDER BY ${order} LIMIT ${params.limit + 1}`,
      { replacements: keyRepl, type: QueryTypes.SELECT },
    );
    const page = rows.slice(0, params.limit);
    const last = page[page.length - 1];
    let next: SearchPosition | null = null;
    if (rows.length > params.limit && last) {
      next = params.sort === "price_asc" || params.sort === "price_desc" ? { sort: params.sort, price: Number(last.price_amount), id: Number(last.id) } : { sort: "newest", id: Number(last.id) };
    }
    return { ids: page.map((r) => Number(r.id)), next, total: Math.min(count, COUNT_CAP), totalIsLowerBound: count > COUNT_CAP, facets };
  }

  return {
    load,

    async search(params: SearchParams, principal: Principal | null): Promise<ProductPage> {
      const includeInactive = seesInactive(principal);
      const limit = params.limit ?? 20;
      const text = params.q?.trim() ? params.q : undefined;
      // a valid request by the contract (it cannot relate two parameters): an empty range matches nothing
      const noFacets = params.facets ? { facets: { category: [], price: [] } } : {};
      if (params.min_price !== undefined && params.max_price !== undefined && params.min_price > params.max_price) {
        return { data: [], next_cursor: null, total_count: 0, total_count_is_lower_bound: false, ...noFacets };
      }
      // relevance needs words to rank by; without them the catalog is browsed newest first
      const sort: SearchSort = params.sort === "relevance" && text === undefined ? "newest" : (params.sort ?? (text !== undefined ? "relevance" : "newest"));
      const after = decodePosition(params.cursor, sort);
      // with `q`, `ids` narrows the matches to the listed products
      const ids = params.ids ? [...new Set(params.ids.split(",").map(Number))] : undefined;
      const filters = { includeInactive, ids, minPrice: params.min_price, maxPrice: params.max_price, category: params.category, facets: params.facets === true };
      let hits;
      if (text !== undefined) {
        const terms = searchTerms(text);
        if (terms.length === 0) return { data: [], next_cursor: null, total_count: 0, total_count_is_lower_bound: false, ...noFacets };
        hits = await search.search({ terms, ...filters, sort, after, limit });
      } else {
        hits = await browse({ ...filters, sort, after, limit });
      }
      let data = await load(hits.ids);
      // a replica's index may lag the database by a refresh interval: the database has the last word on visibility
      if (!includeInactive) data = data.filter((p) => p.is_active);
      return {
        data,
        next_cursor: hits.next ? encodePosition(hits.next) : null,
        total_count: hits.total,
        total_count_is_lower_bound: hits.totalIsLowerBound,
        ...(params.facets ? { facets: hits.facets ?? null } : {}),
      };
    },

    async get(id: number, principal: Principal | null): Promise<ProductDto> {
      const [product] = await load([id]);
      if (!product || (!product.is_active && !seesInactive(principal))) throw notFound("No such product.");
      return product;
    },

    async create(input: ProductCreate): Promise<ProductDto> {
      let created: ProductModel;
      try {
        created = await sequelize.transaction(async (t) => {
          const seq = await nextChangeSeq(t);
          return Product.create(
            {
              name: input.name.trim(),
              description: input.description,
              sku: input.sku.toUpperCase(),
              category: input.category ?? "other",
              price_amount: input.price.amount,
              currency: input.price.currency,
              stock: input.stock ?? 0,
              is_active: input.is_active ?? true,
              change_seq: seq,
            },
            { transaction: t },
          );
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict("sku_taken", `A product with sku ${input.sku.toUpperCase()} already exists.`);
        throw error;
      }
      await afterWrite();
      return toProductDto(created, 0);
    },

    async update(id: number, changes: ProductUpdate): Promise<ProductDto> {
      try {
        await sequelize.transaction(async (t) => {
          const product = await Product.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
          if (!product) throw notFound("No such product.");
          if (changes.name !== undefined) product.name = changes.name.trim();
          if (changes.description !== undefined) product.description = changes.description;
          if (changes.sku !== undefined) product.sku = changes.sku.toUpperCase();
          if (changes.category !== undefined) product.category = changes.category;
          if (changes.price !== undefined) {
            product.price_amount = changes.price.amount;
            product.currency = changes.price.currency;
          }
          if (changes.stock !== undefined && changes.stock < product.stock) {
            // locked above, and every hold takes this lock first: the units promised cannot grow meanwhile
            const held = (await heldUnits([id], { transaction: t })).get(id) ?? 0;
            assertStockCoversPromised(changes.stock, { held, committed: Number(product.committed) });
          }
          if (changes.stock !== undefined) product.stock = changes.stock;
          if (changes.is_active !== undefined) product.is_active = changes.is_active;
          if (INDEXED_FIELDS.some((f) => product.changed(f))) product.change_seq = await nextChangeSeq(t);
          await product.save({ transaction: t });
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict("sku_taken", `A product with sku ${changes.sku?.toUpperCase()} already exists.`);
        throw error;
      }
      await afterWrite();
      const [product] = await load([id]);
      return product;
    },

    async deactivate(id: number): Promise<ProductDto> {
      await sequelize.transaction(async (t) => {
        const product = await Product.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
        if (!product) throw notFound("No such product.");
        if (!product.is_active) return;
        product.is_active = false;
        product.change_seq = await nextChangeSeq(t);
        await product.save({ transaction: t });
      });
      await afterWrite();
      const [product] = await load([id]);
      return product;
    },

    /** The original write-up's search: up to 100 active matches in relevance order, prices in dollars. */
    async legacySearch(term: string | undefined) {
      const terms = searchTerms(term ?? "");
      if (terms.length === 0) return { products: [] };
      const hits = await search.search({ terms, includeInactive: false, sort: "relevance", limit: 100 });
      const products = (await load(hits.ids)).filter((p) => p.is_active);
      return {
        products: products.map((p) => ({ id: p.id, product_name: p.name, product_description: p.description, price: p.price.amount / 100, product_sku: p.sku })),
      };
    },
  };
}

export type Catalog = ReturnType<typeof createCatalog>;
