import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { requestLineLogger } from "./logger.js";

/**
 * One log line per answered request: `request completed` (or `request errored` for a 5xx,
 * whose cause the problem middleware has logged with its stack) with the request id, method,
 * url, status and response time in ms. Health probes are not logged.
 *
 * Replaces pino-http (issue 11's profile): it built two child loggers per request (each
 * serialising bindings) and ran the serializers and redaction on every line; this writes the
 * same fields with one call and nothing per request when info is off.
 */
export function requestLogger(logger: Logger): RequestHandler {
  const lines = requestLineLogger(logger);
  return (req, res, next) => {
    if (req.url === "/healthz" || req.url === "/readyz" || !logger.isLevelEnabled("info")) return next();
    const started = performance.now();
    const done = () => {
      res.removeListener("finish", done);
      res.removeListener("close", done);
      const status = res.statusCode;
      lines.info(
        { request_id: res.getHeader("X-Request-Id"), req: { method: req.method, url: req.originalUrl }, res: { status }, responseTime: Math.round(performance.now() - started) },
        status >= 500 ? "request errored" : res.writableFinished ? "request completed" : "request aborted",
      );
    };
    res.on("finish", done);
    res.on("close", done);
    next();
  };
}
