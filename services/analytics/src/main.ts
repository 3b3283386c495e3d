import { createLogger, listen, migrate, openDatabase, RemoteJwks, responseValidationEnabled, seedDemoData, shutdownOnSignals, TokenVerifier } from "@disqo-commerce/kit";
import { createApp } from "./app.js";
import { readConfig } from "./config.js";
import { migrations } from "./migrations/index.js";
import { seedDemoActivity } from "./seed.js";

const config = readConfig();
const logger = createLogger({ service: "analytics", level: config.LOG_LEVEL });
const sequelize = openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, name: "analytics", logger });
await migrate(sequelize, migrations, logger);
const { app, domain } = createApp({
  sequelize,
  logger,
  verifier: new TokenVerifier(new RemoteJwks(config.AUTH_JWKS_URL), config.SERVICE_SECRET),
  validateResponses: responseValidationEnabled(config),
  trustProxy: config.TRUSTED_PROXIES,
  idempotencyAbandonedMs: config.IDEMPOTENCY_ABANDONED_MS,
  eventsPerMinute: config.ANALYTICS_EVENTS_PER_MINUTE,
  retentionDays: config.ANALYTICS_RETENTION_DAYS,
  currency: config.ANALYTICS_CURRENCY,
});
if (seedDemoData(config) && config.SEED_ANALYTICS_DAYS > 0) await seedDemoActivity(domain, { days: config.SEED_ANALYTICS_DAYS, logger });
const running = await listen(app, config.PORT, config.HOST);
logger.info({ url: running.url }, "analytics service listening");
shutdownOnSignals(running, logger, [() => sequelize.close()]);
