import { z } from "zod";
import { loadConfig } from "@disqo-commerce/kit";

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      PORT: z.coerce.number().int().min(0).max(65535).default(8080),
      AUTH_URL: z.string().url().default("http://127.0.0.1:8001"),
      PRODUCT_URL: z.string().url().default("http://127.0.0.1:8002"),
      CART_URL: z.string().url().default("http://127.0.0.1:8003"),
      ORDER_URL: z.string().url().default("http://127.0.0.1:8004"),
      ANALYTICS_URL: z.string().url().default("http://127.0.0.1:8005"),
      UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
      // comma-separated exact origins allowed to call the API from a browser; empty = no CORS
      CORS_ORIGINS: z.string().default(""),
    },
    env,
  );
}
