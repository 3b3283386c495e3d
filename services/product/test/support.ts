import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { createLogger, listen, migrate, openDatabase } from "@disqo-commerce/kit";
import { Client } from "@opensearch-project/opensearch";
import { freshDatabase, testBackends, testTokens, type TestTokens } from "@disqo-commerce/kit/testing";
import { createApp } from "../src/app.js";
import { migrations } from "../src/migrations/index.js";
import { createSearchIndex, OpenSearchIndex } from "../src/search/index.js";

/**
 * The backends a product suite runs on: the kit's database backends (FTS5 search), plus
 * OpenSearch search over SQLite (`opensearch`) and over MariaDB (`mariadb+opensearch`) when
 * TEST_OPENSEARCH_URL points at a running OpenSearch (scripts/opensearch.sh start).
 */
export type ProductBackend = "sqlite" | "mariadb" | "opensearch" | "mariadb+opensearch";

export function productTestBackends(): ProductBackend[] {
  const backends: ProductBackend[] = testBackends();
  if (process.env.TEST_OPENSEARCH_URL) {
    backends.push("opensearch");
    if (process.env.TEST_MYSQL_URL) backends.push("mariadb+opensearch");
  }
  return backends;
}

export interface ProductTestApp {
  url: string;
  tokens: TestTokens;
  domain: ReturnType<typeof createApp>["domain"];
  sequelize: ReturnType<typeof openDatabase>;
  /**
   * Brings the search index up to date with writes made around the API (bulk loads); writes
   * through the API are searchable when they answer on every backend. On OpenSearch a bulk
   * load would otherwise show up at the next feed poll plus refresh (~1.2 s in tests).
   */
  sync(): Promise<void>;
  /** The OpenSearch backend's index (undefined on FTS5). */
  opensearch?: OpenSearchIndex;
  /** Calls the API; returns status and parsed body (never throws on a status). */
  call(method: string, path: string, options?: { token?: string; body?: unknown; form?: Record<string, string>; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** The product service in process on a free port, on a fresh database of the given backend. */
export async function startProductApp(backend: ProductBackend, name: string, options: { opensearchUrl?: string } = {}): Promise<ProductTestApp> {
  const saved = process.env.TEST_MYSQL_URL;
  if (backend === "sqlite" || backend === "opensearch") delete process.env.TEST_MYSQL_URL;
  const db = await freshDatabase(name).finally(() => {
    if (saved !== undefined) process.env.TEST_MYSQL_URL = saved;
  });
  const logger = createLogger({ service: "product-test", level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const sequelize = openDatabase({ url: db.url, sqliteFile: db.sqliteFile, name: "product", logger });
  await migrate(sequelize, migrations);
  const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), "disqo-product-index-"));
  const onOpenSearch = backend.endsWith("opensearch");
  // every test file gets its own indices (products_v1, products, products_feed) under a unique prefix
  const indexPrefix = `t_${name.replace(/\W/g, "_").toLowerCase()}_${db.url ? "m" : "s"}${process.pid}_${Date.now().toString(36)}_`;
  const search = createSearchIndex(sequelize, {
    file: path.join(indexDir, "index.sqlite"),
    refreshMs: 200,
    logger,
    backend: onOpenSearch ? "opensearch" : "fts5",
    opensearch: onOpenSearch ? { url: options.opensearchUrl ?? process.env.TEST_OPENSEARCH_URL!, indexPrefix } : undefined,
  });
  await search.ready;
  const opensearch = search instanceof OpenSearchIndex ? search : undefined;
  const tokens = testTokens();
  const { app, domain } = createApp({ sequelize, logger, verifier: tokens.verifier, search, validateResponses: true });
  const running = await listen(app, 0);
  return {
    url: running.url,
    tokens,
    domain,
    sequelize,
    opensearch,
    sync: () => (opensearch ? opensearch.flush() : search.sync()),
    async call(method, p, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.form) {
        headers["content-type"] = "application/x-www-form-urlencoded";
        body = new URLSearchParams(options.form).toString();
      } else if (options.body !== undefined) {
        headers["content-type"] = "application/json";
        body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      }
      const res = await fetch(running.url + p, { method, headers, body });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    },
    async close() {
      await running.close();
      if (opensearch) {
        const admin = new Client({ node: process.env.TEST_OPENSEARCH_URL! });
        await admin.indices.delete({ index: `${indexPrefix}*` }).catch(() => undefined);
        await admin.close();
      }
      await search.close();
      await sequelize.close();
      fs.rmSync(indexDir, { recursive: true, force: true });
      await db.drop();
    },
  };
}

let skuCounter = 0;
/** A product body with a unique sku; override any field. */
export function buildProduct(overrides: Record<string, unknown> = {}) {
  skuCounter += 1;
  return {
    name: `Test Widget ${skuCounter}`,
    description: "A plain test product.",
    sku: `TST-${process.pid}-${skuCounter}`,
    price: { amount: 1999, currency: "USD" },
    stock: 10,
    ...overrides,
  };
}

export const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
