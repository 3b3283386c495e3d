import { createLogger, listen, migrate, openDatabase, RemoteJwks, responseValidationEnabled, seedDemoData, shutdownOnSignals, TokenVerifier } from "@disqo-commerce/kit";
import { createApp } from "./app.js";
import { imageDir, readConfig, searchIndexFile } from "./config.js";
import { FileImageStore } from "./images/image-store.js";
import { migrations } from "./migrations/index.js";
import { createSearchIndex } from "./search/index.js";
import { seedDemoCatalog } from "./seed.js";

const config = readConfig();
const logger = createLogger({ service: "product", level: config.LOG_LEVEL });
const sequelize = openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, name: "product", logger });
await migrate(sequelize, migrations, logger);
const images = new FileImageStore(imageDir(config));
if (seedDemoData(config)) await seedDemoCatalog(sequelize, images, config.SEED_PRODUCT_COUNT, logger);
const search = createSearchIndex(sequelize, {
  file: searchIndexFile(config),
  refreshMs: config.SEARCH_REFRESH_MS,
  logger,
  backend: config.SEARCH_BACKEND,
  opensearch: config.OPENSEARCH_URL ? { url: config.OPENSEARCH_URL, indexPrefix: config.OPENSEARCH_INDEX_PREFIX } : undefined,
});
// a replica answers only once its search index has caught up with the catalog; on OpenSearch it
// listens at once (liveness) and /readyz fails until the index is built or while it is unreachable
if (config.SEARCH_BACKEND !== "opensearch") await search.ready;
const verifier = new TokenVerifier(new RemoteJwks(config.AUTH_JWKS_URL), config.SERVICE_SECRET);
const { app } = createApp({ sequelize, logger, verifier, search, images, validateResponses: responseValidationEnabled(config), trustProxy: config.TRUSTED_PROXIES, idempotencyAbandonedMs: config.IDEMPOTENCY_ABANDONED_MS, analyticsUrl: config.ANALYTICS_URL, serviceSecret: config.SERVICE_SECRET });
const running = await listen(app, config.PORT, config.HOST);
logger.info({ url: running.url }, "product service listening");
shutdownOnSignals(running, logger, [() => search.close(), () => sequelize.close()]);
