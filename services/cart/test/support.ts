/*
 * Test support for the cart service's HTTP tests: the real product service and the cart
 * service in process on port 0, each on a fresh database of the backend under test, the
 * cart talking to the product service over HTTP through the generated SDK, and clients
 * built from the generated SDKs.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import type { Sequelize } from "sequelize";
import { createLogger, listen, migrate, openDatabase, type RunningServer } from "@disqo-commerce/kit";
import { freshDatabase, testTokens, type FreshDatabase, type TestTokens } from "@disqo-commerce/kit/testing";
import {
  CartApi,
  Configuration as CartConfiguration,
  PromoCodesApi,
  QuotesApi,
} from "../../../sdk/src/generated/cart/index.js";
import { Configuration as ProductConfiguration, ProductsApi, InventoryApi, type Product, type ProductCreate } from "../../../sdk/src/generated/product/index.js";
import { createApp as createProductApp } from "../../product/src/app.js";
import { migrations as productMigrations } from "../../product/src/migrations/index.js";
import { createSearchIndex } from "../../product/src/search/index.js";
import { createApp, type CartAppDeps } from "../src/app.js";
import { migrations } from "../src/migrations/index.js";
import { seedDemoPromoCodes } from "../src/seed.js";

export type Backend = "sqlite" | "mariadb";

const silent = createLogger({ service: "cart-test", level: "silent" });

export interface ProductHarness {
  url: string;
  /** Admin and service clients of the product service, for arranging stock and prices. */
  admin: ProductsApi;
  inventory: InventoryApi;
  close(): Promise<void>;
}

export async function startProduct(backend: Backend, tokens: TestTokens): Promise<ProductHarness> {
  const db: FreshDatabase = await freshDatabase("product", backend);
  const sequelize = openDatabase({ url: db.url, sqliteFile: db.sqliteFile, name: "product" });
  await migrate(sequelize, productMigrations);
  const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), "disqo-cart-search-"));
  const search = createSearchIndex(sequelize, { file: path.join(indexDir, "index.sqlite"), refreshMs: 100, logger: silent });
  await search.ready;
  const { app } = createProductApp({ sequelize, logger: silent, verifier: tokens.verifier, search, validateResponses: true });
  const running = await listen(app, 0);
  const admin = new ProductsApi(new ProductConfiguration({ basePath: running.url, accessToken: tokens.admin() }));
  const inventory = new InventoryApi(new ProductConfiguration({ basePath: running.url, accessToken: tokens.service("test") }));
  return {
    url: running.url,
    admin,
    inventory,
    async close() {
      await running.close();
      await search.close();
      await sequelize.close();
      await db.drop();
      fs.rmSync(indexDir, { recursive: true, force: true });
    },
  };
}

export interface CartHarness {
  url: string;
  sequelize: Sequelize;
  domain: ReturnType<typeof createApp>["domain"];
  client(token?: string): CartClients;
  close(): Promise<void>;
}

export interface CartClients {
  cart: CartApi;
  quotes: QuotesApi;
  promoCodes: PromoCodesApi;
}

export async function startCart(backend: Backend, tokens: TestTokens, deps: Partial<CartAppDeps> & Pick<CartAppDeps, "productUrl"> | Partial<CartAppDeps> & Pick<CartAppDeps, "products">): Promise<CartHarness> {
  const db: FreshDatabase = await freshDatabase("cart", backend);
  const sequelize = openDatabase({ url: db.url, sqliteFile: db.sqliteFile, name: "cart" });
  await migrate(sequelize, migrations);
  const { app, domain } = createApp({
    sequelize,
    logger: silent,
    verifier: tokens.verifier,
    validateResponses: true,
    serviceSecret: tokens.serviceSecret,
    productTimeoutMs: 2_000,
    ...deps,
  });
  await seedDemoPromoCodes(domain.models);
  const running: RunningServer = await listen(app, 0);
  return {
    url: running.url,
    sequelize,
    domain,
    client(token) {
      const config = new CartConfiguration({ basePath: running.url, accessToken: token });
      return { cart: new CartApi(config), quotes: new QuotesApi(config), promoCodes: new PromoCodesApi(config) };
    },
    async close() {
      await running.close();
      await sequelize.close();
      await db.drop();
    },
  };
}

/** The product service and a cart service that uses it: what most tests need. */
export interface Platform {
  tokens: TestTokens;
  product: ProductHarness;
  cart: CartHarness;
  close(): Promise<void>;
}

export async function startPlatform(backend: Backend, cartDeps: Partial<CartAppDeps> = {}): Promise<Platform> {
  const tokens = testTokens();
  const product = await startProduct(backend, tokens);
  const cart = await startCart(backend, tokens, { productUrl: product.url, ...cartDeps });
  return {
    tokens,
    product,
    cart,
    async close() {
      await cart.close();
      await product.close();
    },
  };
}

let nextUser = Math.floor(Math.random() * 1_000_000) + 1_000;
/** A fresh shopper id: every test makes its own users. */
export function newUserId(): number {
  return nextUser++;
}

export function buildProduct(overrides: Partial<ProductCreate> = {}): ProductCreate {
  const tag = randomBytes(4).toString("hex");
  return {
    name: `Test product ${tag}`,
    description: `A product made by a cart test (${tag}).`,
    sku: `CART-${tag}`,
    price: { amount: 1999, currency: "USD" },
    stock: 50,
    is_active: true,
    ...overrides,
  };
}

export async function createProduct(p: Platform | ProductHarness, overrides: Partial<ProductCreate> = {}): Promise<Product> {
  const harness = "admin" in p ? p : p.product;
  return harness.admin.createProduct({ ProductCreate: buildProduct(overrides) });
}

import { outcome, type Outcome } from "@disqo-commerce/kit/testing";
export { outcome, type Outcome };

/** A raw HTTP request, for what the SDK will not send (malformed JSON, wrong types). */
export async function rawRequest(url: string, init: { method: string; token?: string; body?: string; headers?: Record<string, string> }): Promise<Outcome> {
  const response = await fetch(url, {
    method: init.method,
    headers: { ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}), ...(init.body !== undefined ? { "Content-Type": "application/json" } : {}), ...init.headers },
    body: init.body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** A port on which nothing listens: a product service that is down. */
export async function deadUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A server that accepts requests and never answers: a product service that hangs. */
export async function hangingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(() => {
    /* never answers */
  });
  const running = await new Promise<http.Server>((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
  const { port } = running.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
