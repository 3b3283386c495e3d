import { RemoteJwks, TokenVerifier, createLogger, listen, migrate, openDatabase, responseValidationEnabled, shutdownOnSignals } from "@disqo-commerce/kit";
import { createApp } from "./app.js";
import { readConfig } from "./config.js";
import { migrations } from "./migrations/index.js";
import { TestPaymentProcessor } from "./payments/test-processor.js";
import { SqlLedger } from "./payments/test-processor-ledger.js";

const config = readConfig();
const logger = createLogger({ service: "order", level: config.LOG_LEVEL });
const sequelize = openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, name: "order", logger });
await migrate(sequelize, migrations, logger);
if (config.NODE_ENV === "production") logger.warn("the built-in test payment processor is in use; no real money moves");
const { app, domain } = createApp({
  sequelize,
  logger,
  verifier: new TokenVerifier(new RemoteJwks(config.AUTH_JWKS_URL), config.SERVICE_SECRET),
  validateResponses: responseValidationEnabled(config), trustProxy: config.TRUSTED_PROXIES,
  idempotencyAbandonedMs: config.IDEMPOTENCY_ABANDONED_MS,
  // its books live in this service's database, so every replica and every restart can look a charge up
  processor: new TestPaymentProcessor(new SqlLedger(sequelize)),
  remotes: { cartUrl: config.CART_URL, productUrl: config.PRODUCT_URL, serviceSecret: config.SERVICE_SECRET },
  settings: {
    remoteTimeoutMs: config.REMOTE_TIMEOUT_MS,
    gatewayTimeoutMs: config.GATEWAY_TIMEOUT_MS,
    holdSeconds: config.CHECKOUT_HOLD_SECONDS,
    leaseMs: config.SAGA_LEASE_MS,
  },
  analytics: config.ANALYTICS_URL ? { url: config.ANALYTICS_URL, serviceSecret: config.SERVICE_SECRET } : undefined,
});
const running = await listen(app, config.PORT, config.HOST);
logger.info({ url: running.url }, "order service listening");
// resume every saga a previous process left half-way
await domain.start({ outboxMs: config.OUTBOX_INTERVAL_MS, recoveryMs: config.RECOVERY_INTERVAL_MS });
shutdownOnSignals(running, logger, [() => domain.stop(), () => sequelize.close()]);
