/*
 * Test support for the order service: the real product and cart services in process on
 * port 0 (each on a fresh database of the backend under test), the order service talking to
 * them through the generated SDK with a switch that can take either peer "down", the built-in
 * test payment processor (one ledger across restarts, like a real processor), and helpers
 * that arrange carts and quotes as a shopper would.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { QueryTypes, type Sequelize } from "sequelize";
import { createLogger, listen, migrate, openDatabase, serviceTokenProvider, type RunningServer } from "@disqo-commerce/kit";
import { freshDatabase, testTokens, type FreshDatabase, type TestTokens } from "@disqo-commerce/kit/testing";
import { CartApi, Configuration as CartConfiguration, QuotesApi, type Quote, type QuoteInput } from "../../../sdk/src/generated/cart/index.js";
import { Configuration as ProductConfiguration, InventoryApi, ProductsApi, type Product } from "../../../sdk/src/generated/product/index.js";
import { createApp as createProductApp } from "../../product/src/app.js";
import { migrations as productMigrations } from "../../product/src/migrations/index.js";
import { createSearchIndex } from "../../product/src/search/index.js";
import { createApp as createCartApp } from "../../cart/src/app.js";
import { migrations as cartMigrations } from "../../cart/src/migrations/index.js";
import { createApp, type OrderSettings } from "../src/app.js";
import { migrations } from "../src/migrations/index.js";
import { createRemotes } from "../src/remote/clients.js";
import { TestPaymentProcessor } from "../src/payments/test-processor.js";
import type { SagaHooks } from "../src/checkout/saga.js";

export type Backend = "sqlite" | "mariadb";

const silent = createLogger({ service: "order-test", level: process.env.ORDER_TEST_LOG ?? "silent" });

/** Short deadlines and backoffs, so fault tests settle in well under a second. */
export const FAST_SETTINGS: Partial<OrderSettings> = {
  remoteTimeoutMs: 5_000,
  gatewayTimeoutMs: 300,
  leaseMs: 60_000,
  lookupAttempts: 2,
  lookupDelayMs: 10,
  outboxBaseDelayMs: 20,
  outboxMaxDelayMs: 200,
};

export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface OrderInstance {
  url: string;
  sequelize: Sequelize;
  domain: ReturnType<typeof createApp>["domain"];
  /** The "act" client: any request, answering status and body, never throwing on a status. */
  call(method: string, path: string, options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<Reply>;
  /** Stops like a killed process: the listener and the connection go, nothing is finished. */
  kill(): Promise<void>;
}

export interface OrderPlatform {
  backend: Backend;
  tokens: TestTokens;
  processor: TestPaymentProcessor;
  /** Switches that make the order service's calls to a peer fail as if it were down. */
  down: { cart: boolean; product: boolean };
  productUrl: string;
  cartUrl: string;
  productAdmin: ProductsApi;
  productDb: Sequelize;
  cartDb: Sequelize;
  order: OrderInstance;
  /** Starts a new order service "process" on the same database (the previous one should be killed first). */
  restartOrder(options?: { hooks?: SagaHooks; settings?: Partial<OrderSettings> }): Promise<OrderInstance>;
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** Every service records its analytics events and delivers them here (see services/analytics). */
  analyticsUrl?: string;
  hooks?: SagaHooks;
  settings?: Partial<OrderSettings>;
  quoteTtlMs?: number;
  clock?: () => Date;
}

export async function startPlatform(backend: Backend, options: PlatformOptions = {}): Promise<OrderPlatform> {
  const tokens = testTokens();
  const processor = new TestPaymentProcessor();
  const down = { cart: false, product: false };
  const cleanups: (() => Promise<unknown>)[] = [];

  // product service
  const productDbInfo: FreshDatabase = await freshDatabase("order_product", backend);
  const productDb = openDatabase({ url: productDbInfo.url, sqliteFile: productDbInfo.sqliteFile, name: "product" });
  await migrate(productDb, productMigrations);
  const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), "disqo-order-search-"));
  const search = createSearchIndex(productDb, { file: path.join(indexDir, "index.sqlite"), refreshMs: 1_000, logger: silent });
  await search.ready;
  const product = await listen(createProductApp({ sequelize: productDb, logger: silent, verifier: tokens.verifier, search, validateResponses: true, analyticsUrl: options.analyticsUrl, serviceSecret: tokens.serviceSecret }).app, 0);
  cleanups.push(async () => {
    await product.close();
    await search.close();
    await productDb.close();
    fs.rmSync(indexDir, { recursive: true, force: true });
    await productDbInfo.drop();
  });

  // cart service, talking to the real product service
  const cartDbInfo: FreshDatabase = await freshDatabase("order_cart", backend);
  const cartDb = openDatabase({ url: cartDbInfo.url, sqliteFile: cartDbInfo.sqliteFile, name: "cart" });
  await migrate(cartDb, cartMigrations);
  const cart = await listen(
    createCartApp({
      sequelize: cartDb,
      logger: silent,
      verifier: tokens.verifier,
      validateResponses: true,
      serviceSecret: tokens.serviceSecret,
      productUrl: product.url,
      productTimeoutMs: 10_000,
      quoteTtlMs: options.quoteTtlMs,
      analyticsUrl: options.analyticsUrl,
    }).app,
    0,
  );
  cleanups.push(async () => {
    await cart.close();
    await cartDb.close();
    await cartDbInfo.drop();
  });

  // order service
  const orderDbInfo: FreshDatabase = await freshDatabase("order", backend);
  const switchedFetch: typeof fetch = (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if ((down.cart && url.startsWith(cart.url)) || (down.product && url.startsWith(product.url))) {
      return Promise.reject(new TypeError("fetch failed: connect ECONNREFUSED"));
    }
    return fetch(input, init);
  };

  async function startOrder(hooks?: SagaHooks, settings?: Partial<OrderSettings>): Promise<OrderInstance> {
    const sequelize = openDatabase({ url: orderDbInfo.url, sqliteFile: orderDbInfo.sqliteFile, name: "order" });
    await migrate(sequelize, migrations);
    const merged = { ...FAST_SETTINGS, ...options.settings, ...settings };
    const remotes = createRemotes({
      cartUrl: cart.url,
      productUrl: product.url,
      serviceToken: serviceTokenProvider("order", tokens.serviceSecret),
      timeoutMs: merged.remoteTimeoutMs!,
      fetch: switchedFetch,
    });
    const { app, domain } = createApp({
      sequelize,
      logger: silent,
      verifier: tokens.verifier,
      validateResponses: true,
      processor,
      remotes,
      settings: merged,
      clock: options.clock,
      hooks: hooks ?? options.hooks,
      analytics: options.analyticsUrl ? { url: options.analyticsUrl, serviceSecret: tokens.serviceSecret } : undefined,
    });
    const running: RunningServer = await listen(app, 0);
    let killed = false;
    return {
      url: running.url,
      sequelize,
      domain,
      async call(method, p, o = {}) {
        const headers: Record<string, string> = { ...o.headers };
        if (o.token) headers.authorization = `Bearer ${o.token}`;
        let body: string | undefined = o.rawBody;
        if (o.body !== undefined) body = JSON.stringify(o.body);
        if (body !== undefined) headers["content-type"] ??= "application/json";
        const res = await fetch(running.url + p, { method, headers, body });
        const text = await res.text();
        return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
      },
      async kill() {
        if (killed) return;
        killed = true;
        await domain.stop();
        running.server.closeAllConnections();
        await running.close();
        await sequelize.close();
      },
    };
  }

  const platform: OrderPlatform = {
    backend,
    tokens,
    processor,
    down,
    productUrl: product.url,
    cartUrl: cart.url,
    productAdmin: new ProductsApi(new ProductConfiguration({ basePath: product.url, accessToken: tokens.admin() })),
    productDb,
    cartDb,
    order: await startOrder(),
    async restartOrder(o = {}) {
      platform.order = await startOrder(o.hooks, o.settings);
      return platform.order;
    },
    async close() {
      await platform.order.kill();
      await orderDbInfo.drop();
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
  return platform;
}

let nextUser = Math.floor(Math.random() * 1_000_000) + 10_000;
/** A fresh shopper id: every test makes its own users. */
export function newUserId(): number {
  return nextUser++;
}

export async function createProduct(p: OrderPlatform, overrides: { stock?: number; price?: number; name?: string } = {}): Promise<Product> {
  const tag = randomBytes(4).toString("hex");
  return p.productAdmin.createProduct({
    ProductCreate: {
      name: overrides.name ?? `Order test product ${tag}`,
      description: `A product made by an order test (${tag}).`,
      sku: `ORD-${tag}`,
      price: { amount: overrides.price ?? 1999, currency: "USD" },
      stock: overrides.stock ?? 50,
      is_active: true,
    },
  });
}

export function cartClients(p: OrderPlatform, userId: number) {
  const config = new CartConfiguration({ basePath: p.cartUrl, accessToken: p.tokens.user(userId) });
  return { cart: new CartApi(config), quotes: new QuotesApi(config) };
}

/** Fills the shopper's cart and asks for a quote (which holds the stock): what a shopper does before paying. */
export async function quoteFor(p: OrderPlatform, userId: number, lines: { product: Product; quantity: number }[], input?: QuoteInput): Promise<Quote> {
  const { cart, quotes } = cartClients(p, userId);
  for (const line of lines) await cart.addCartItem({ CartItemInput: { product_id: line.product.id, quantity: line.quantity } });
  return quotes.createQuote({ QuoteInput: input });
}

export async function getQuote(p: OrderPlatform, userId: number, quoteId: string): Promise<Quote> {
  return cartClients(p, userId).quotes.getQuote({ id: quoteId });
}

export function checkout(p: OrderPlatform, userId: number, quoteId: string, options: { token?: string; key?: string } = {}): Promise<Reply> {
  return p.order.call("POST", "/v1/checkout", {
    token: p.tokens.user(userId),
    headers: { "Idempotency-Key": options.key ?? randomUUID() },
    body: { quote_id: quoteId, payment_method: { type: "card", token: options.token ?? "tok_visa" } },
  });
}

export async function productState(p: OrderPlatform, productId: number): Promise<{ stock: number; available: number }> {
  const product = await p.productAdmin.getProduct({ id: productId });
  return { stock: product.stock, available: product.available };
}

export async function reservationOf(p: OrderPlatform, id: string): Promise<{ status: string; expires_at: Date } | undefined> {
  const [row] = await p.productDb.query<{ status: string; expires_at: string | Date }>("SELECT status, expires_at FROM reservations WHERE id = ?", {
    replacements: [id],
    type: QueryTypes.SELECT,
  });
  return row ? { status: row.status, expires_at: new Date(row.expires_at) } : undefined;
}

/** Every row of the order service's own tables that a checkout touches, for asserting the final state. */
export async function orderTables(db: Sequelize) {
  const q = <T extends object>(sql: string) => db.query<T>(sql, { type: QueryTypes.SELECT });
  return {
    attempts: await q<{ id: string; quote_id: string; state: string; live: number | null }>("SELECT id, quote_id, state, live FROM checkout_attempts ORDER BY created_at"),
    transactions: await q<{ id: string; reference: string; type: string; status: string; amount: number; order_id: string | null; quote_id: string; response_code: string | null }>(
      "SELECT id, reference, type, status, amount, order_id, quote_id, response_code FROM transactions ORDER BY created_at",
    ),
    orders: await q<{ id: string; quote_id: string; status: string; total: number; user_id: number }>("SELECT id, quote_id, status, total, user_id FROM orders ORDER BY created_at"),
    orderItems: await q<{ order_id: string; product_id: number; quantity: number }>("SELECT order_id, product_id, quantity FROM order_items"),
    receipts: await q<{ id: string; order_id: string; kind: string; total: number }>("SELECT id, order_id, kind, total FROM receipts ORDER BY created_at"),
    outbox: await q<{ id: number; kind: string; state: string; aggregate: string }>("SELECT id, kind, state, aggregate FROM outbox ORDER BY id"),
  };
}

/** Polls until the condition holds (for work the outbox or recovery loops finish in the background). */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}
