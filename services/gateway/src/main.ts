import { createLogger, listen, shutdownOnSignals } from "@disqo-commerce/kit";
import { createApp } from "./app.js";
import { parseOrigins } from "./cors.js";
import { readConfig } from "./config.js";

const config = readConfig();
const logger = createLogger({ service: "gateway", level: config.LOG_LEVEL });
const app = createApp({
  upstreams: { auth: config.AUTH_URL, product: config.PRODUCT_URL, cart: config.CART_URL, order: config.ORDER_URL, analytics: config.ANALYTICS_URL },
  logger,
  timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  corsOrigins: parseOrigins(config.CORS_ORIGINS),
});
const running = await listen(app, config.PORT, config.HOST);
logger.info({ url: running.url }, "gateway listening");
shutdownOnSignals(running, logger, []);
