import { createLogger, listen, migrate, openDatabase, RemoteJwks, responseValidationEnabled, seedDemoData, shutdownOnSignals, TokenVerifier } from "@disqo-commerce/kit";
import { createApp } from "./app.js";
import { readConfig } from "./config.js";
import { migrations } from "./migrations/index.js";
import { DEFAULT_TAX_RATES } from "./pricing.js";
import { seedDemoPromoCodes } from "./seed.js";

const config = readConfig();
const logger = createLogger({ service: "cart", level: config.LOG_LEVEL });
const sequelize = openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, name: "cart", logger });
await migrate(sequelize, migrations, logger);
const { app, domain } = createApp({
  sequelize,
  logger,
  verifier: new TokenVerifier(new RemoteJwks(config.AUTH_JWKS_URL), config.SERVICE_SECRET),
  validateResponses: responseValidationEnabled(config), trustProxy: config.TRUSTED_PROXIES,
  idempotencyAbandonedMs: config.IDEMPOTENCY_ABANDONED_MS,
  serviceSecret: config.SERVICE_SECRET,
  productUrl: config.PRODUCT_URL,
  productTimeoutMs: config.PRODUCT_TIMEOUT_MS,
  quoteTtlMs: config.QUOTE_TTL_SECONDS * 1000,
  analyticsUrl: config.ANALYTICS_URL,
  pricing: {
    taxRates: config.TAX_RATES ?? DEFAULT_TAX_RATES,
    flatShipping: config.SHIPPING_FLAT_AMOUNT,
    freeShippingThreshold: config.FREE_SHIPPING_THRESHOLD,
  },
});
if (seedDemoData(config)) await seedDemoPromoCodes(domain.models);
const running = await listen(app, config.PORT, config.HOST);
logger.info({ url: running.url }, "cart service listening");
shutdownOnSignals(running, logger, [() => sequelize.close()]);
