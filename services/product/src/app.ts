import { createRequire } from "node:module";
import type { Sequelize } from "sequelize";
import { analyticsRelay, buildApp, createEventRecorder, serviceTokenProvider, type BackgroundTask, type Logger, type OpenApiDocument, type TokenVerifier } from "@disqo-commerce/kit";
import { createCatalog } from "./catalog.js";
import { createHandlers } from "./handlers/index.js";
import { MemoryImageStore, type ImageStore } from "./images/image-store.js";
import { createProductImages } from "./images/product-images.js";
import { MAX_UPLOAD_BYTES } from "./images/renditions.js";
import { createInventory } from "./inventory.js";
import { defineModels } from "./models/index.js";
import type { SearchIndex } from "./search/search-index.js";
import { createSearchEvents } from "./search-events.js";

const require = createRequire(import.meta.url);
export const spec = require("../../../openapi/dist/product.json") as OpenApiDocument;

export interface ProductAppDeps {
  sequelize: Sequelize;
  logger: Logger;
  verifier: TokenVerifier;
  search: SearchIndex;
  /** Where product images are kept: main.ts passes the configured FileImageStore; tests get one in memory. */
  images?: ImageStore;
  validateResponses: boolean;
  /** Proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES); default loopback. */
  trustProxy?: string[];
  /** See the kit's IdempotencyStore; default 2 minutes. */
  idempotencyAbandonedMs?: number;
  /** The analytics service's base URL: searches are recorded (through the outbox) only when set. */
  analyticsUrl?: string;
  /** Signs the relay's service credential for the analytics service. */
  serviceSecret?: string;
}

export function createProductDomain(deps: ProductAppDeps) {
  const models = defineModels(deps.sequelize);
  const catalog = createCatalog({ sequelize: deps.sequelize, models, search: deps.search, logger: deps.logger });
  const images = createProductImages({ sequelize: deps.sequelize, models, store: deps.images ?? new MemoryImageStore(), logger: deps.logger });
  const inventory = createInventory({ sequelize: deps.sequelize, models, logger: deps.logger });
  const searchEvents = createSearchEvents(createEventRecorder(deps.sequelize, Boolean(deps.analyticsUrl)), deps.logger);
  return { models, catalog, images, inventory, searchEvents, verifier: deps.verifier };
}

/** The product service's express app (never listens). */
export function createApp(deps: ProductAppDeps) {
  const domain = createProductDomain(deps);
  const app = buildApp({
    spec,
    handlers: createHandlers(domain),
    logger: deps.logger,
    verifier: deps.verifier,
    sequelize: deps.sequelize,
    validateResponses: deps.validateResponses,
    trustProxy: deps.trustProxy,
    idempotencyAbandonedMs: deps.idempotencyAbandonedMs,
    uploadLimitBytes: MAX_UPLOAD_BYTES,
    readinessChecks: deps.search.check ? [() => deps.search.check!()] : [],
  });
  if (deps.analyticsUrl && deps.serviceSecret) {
    (app.locals.backgroundTasks as BackgroundTask[]).push(analyticsRelay({ sequelize: deps.sequelize, url: deps.analyticsUrl, serviceToken: serviceTokenProvider("product", deps.serviceSecret), logger: deps.logger }));
  }
  return { app, domain };
}
