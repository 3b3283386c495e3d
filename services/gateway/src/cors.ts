import type { IncomingMessage, ServerResponse } from "node:http";
import cors from "cors";

/** Request headers a browser app on another origin may send (the SDK's). */
const ALLOWED_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id", "X-Disqo-Visitor-Id"];
/** Response headers such an app may read: the SDK reads these for retries, redirects and support. */
const EXPOSED_HEADERS = ["Location", "Retry-After", "X-Request-Id"];

export type CorsHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * CORS for the configured origins only. No origins (the default) means no CORS headers at all:
 * the storefront is same-origin and needs none. A request from an origin not on the list gets no
 * CORS headers, so the browser refuses it; a preflight from an allowed origin is answered 204 here
 * without reaching a service.
 */
export function createCors(origins: readonly string[]): CorsHandler | undefined {
  if (origins.length === 0) return undefined;
  const allowed = new Set(origins);
  const middleware = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
  return (req, res, next) => middleware(req as never, res as never, next);
}

/** `CORS_ORIGINS` is a comma-separated list of exact origins (`https://shop.example.com`). */
export function parseOrigins(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((o) => o.trim().replace(/\/$/, ""))
    .filter((o) => o.length > 0);
}
