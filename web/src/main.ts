/** The storefront process: config -> app -> listen -> graceful shutdown. */
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { sdkFactory } from "./shop.js";

const config = loadConfig();
const logger = createLogger(config.logLevel);

const app = createApp({
  sdkFactory: sdkFactory(config.apiBaseUrl, config.apiTimeoutMs),
  cookieSecret: config.cookieSecret,
  cookieSecure: config.cookieSecure,
  trustedProxies: config.trustedProxies,
  logger,
  staticMaxAge: config.nodeEnv === "production" ? "1h" : 0,
});

const server = app.listen(config.port, config.host, () => {
  logger.info({ port: config.port, host: config.host, api: config.apiBaseUrl }, "storefront listening");
});
server.on("error", (error) => {
  logger.error({ err: error }, "storefront could not listen");
  process.exit(1);
});

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "storefront stopping");
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // Requests still running after this long are cut off rather than holding the shutdown.
  setTimeout(() => {
    server.closeAllConnections();
    process.exit(0);
  }, 5000).unref();
}
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));
