import { createRequire } from "node:module";
import type { Sequelize } from "sequelize";
import { analyticsRelay, buildApp, createEventRecorder, serviceTokenProvider, type BackgroundTask, type Logger, type OpenApiDocument, type TokenVerifier } from "@disqo-commerce/kit";
import { createCarts } from "./carts.js";
import { createCartReads } from "./data-access/cart-reads.js";
import { createHandlers } from "./handlers/index.js";
import { defineModels } from "./models/index.js";
import { DEFAULT_PRICING_RULES, type PricingRules } from "./pricing.js";
import { createProductClient, type ProductClient } from "./products.js";
import { createPromoCodes } from "./promo-codes.js";
import { createPromoRedemptions } from "./promo-redemptions.js";
import { createQuotes } from "./quotes.js";

const require = createRequire(import.meta.url);
export const spec = require("../../../openapi/dist/cart.json") as OpenApiDocument;

export interface CartAppDeps {
  sequelize: Sequelize;
  logger: Logger;
  verifier: TokenVerifier;
  validateResponses: boolean;
  /** Proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES); default loopback. */
  trustProxy?: string[];
  /** See the kit's IdempotencyStore; default 2 minutes. */
  idempotencyAbandonedMs?: number;
  /** Signs the cart's service credential for the product service. */
  serviceSecret: string;
  /** The product service's base URL; the client is the generated SDK with our service credential. */
  productUrl?: string;
  /** A ready product client instead of `productUrl` (e.g. one with a custom fetch). */
  products?: ProductClient;
  productTimeoutMs?: number;
  pricing?: Partial<PricingRules>;
  /** How long a quote (and its stock hold) lasts; 15 minutes unless set. */
  quoteTtlMs?: number;
  now?: () => Date;
  /** The analytics service's base URL: adds to cart and quotes are recorded (through the outbox) only when set. */
  analyticsUrl?: string;
}

export function createCartDomain(deps: CartAppDeps) {
  const models = defineModels(deps.sequelize);
  const now = deps.now ?? (() => new Date());
  let products = deps.products;
  if (!products) {
    if (!deps.productUrl) throw new Error("createApp needs productUrl or products");
    products = createProductClient({
      baseUrl: deps.productUrl,
      serviceToken: serviceTokenProvider("cart", deps.serviceSecret),
      timeoutMs: deps.productTimeoutMs ?? 3_000,
      logger: deps.logger,
    });
  }
  const rules: PricingRules = { ...DEFAULT_PRICING_RULES, ...deps.pricing };
  const promoCodes = createPromoCodes(models);
  const events = createEventRecorder(deps.sequelize, Boolean(deps.analyticsUrl));
  const reads = createCartReads(deps.sequelize);
  const carts = createCarts({ sequelize: deps.sequelize, models, products, now, events, reads });
  const redemptions = createPromoRedemptions(models);
  const quotes = createQuotes({ sequelize: deps.sequelize, products, carts, promoCodes, redemptions, rules, ttlMs: deps.quoteTtlMs ?? 15 * 60_000, now, logger: deps.logger, events, reads });
  return { models, carts, quotes, promoCodes };
}

/** The cart service's express app (never listens). */
export function createApp(deps: CartAppDeps) {
  const domain = createCartDomain(deps);
  const app = buildApp({ spec, handlers: createHandlers(domain), logger: deps.logger, verifier: deps.verifier, sequelize: deps.sequelize, validateResponses: deps.validateResponses, trustProxy: deps.trustProxy, idempotencyAbandonedMs: deps.idempotencyAbandonedMs });
  if (deps.analyticsUrl) (app.locals.backgroundTasks as BackgroundTask[]).push(analyticsRelay({ sequelize: deps.sequelize, url: deps.analyticsUrl, serviceToken: serviceTokenProvider("cart", deps.serviceSecret), logger: deps.logger }));
  return { app, domain };
}
