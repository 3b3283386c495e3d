import { createLogger, listen, migrate, openDatabase, responseValidationEnabled, seedDemoData, shutdownOnSignals } from "@disqo-commerce/kit";
import { createApp } from "./app.js";
import { readConfig } from "./config.js";
import { migrations } from "./migrations/index.js";
import { seedDemoAccounts } from "./seed.js";
import { loadSigningKey } from "./signing-key.js";

const config = readConfig();
const logger = createLogger({ service: "auth", level: config.LOG_LEVEL });
const sequelize = openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, name: "auth", logger });
await migrate(sequelize, migrations, logger);
const key = loadSigningKey({ pem: config.JWT_PRIVATE_KEY, dataDir: config.DATA_DIR, production: config.NODE_ENV === "production" });
const { app, domain } = createApp({
  sequelize,
  logger,
  key,
  serviceSecret: config.SERVICE_SECRET,
  validateResponses: responseValidationEnabled(config), trustProxy: config.TRUSTED_PROXIES,
  idempotencyAbandonedMs: config.IDEMPOTENCY_ABANDONED_MS,
  accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
  analyticsUrl: config.ANALYTICS_URL,
  limiter: {
    windowSeconds: config.LOGIN_WINDOW_SECONDS,
    maxPerEmail: config.LOGIN_MAX_FAILURES_PER_EMAIL,
    maxPerClient: config.LOGIN_MAX_FAILURES_PER_CLIENT,
    registerMaxPerClient: config.REGISTER_MAX_PER_CLIENT,
    registerWindowSeconds: config.REGISTER_WINDOW_SECONDS,
    passwordMaxPerUser: config.PASSWORD_CHANGE_MAX_FAILURES,
  },
});
if (seedDemoData(config)) await seedDemoAccounts(domain.models, domain.accounts);
const running = await listen(app, config.PORT, config.HOST);
logger.info({ url: running.url }, "auth service listening");
const housekeeping = setInterval(() => {
  void domain.limits.purgeOld().catch((err) => logger.warn({ err }, "purge failed"));
  void domain.sessions.purgeExpired().catch((err) => logger.warn({ err }, "purge failed"));
}, 60 * 60_000);
housekeeping.unref();
shutdownOnSignals(running, logger, [() => sequelize.close()]);
