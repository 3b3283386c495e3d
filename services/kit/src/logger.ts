import { pino, type Logger } from "pino";
import { currentRequestId } from "./context.js";

export type { Logger };

/** pino logger whose every line carries the request id of the request it runs in, when there is one. */
export function createLogger(options: { service: string; level?: string }): Logger {
  return pino({
    name: options.service,
    level: options.level ?? "info",
    mixin() {
      const requestId = currentRequestId();
      return requestId ? { request_id: requestId } : {};
    },
    redact: {
      paths: ["req.headers.authorization", "req.headers.cookie", "password", "*.password", "refresh_token", "*.refresh_token"],
      censor: "[redacted]",
    },
  });
}
