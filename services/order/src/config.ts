import { z } from "zod";
import { loadConfig } from "@disqo-commerce/kit";

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      PORT: z.coerce.number().int().min(0).max(65535).default(8004),
      CART_URL: z.string().url().default("http://127.0.0.1:8003"),
      PRODUCT_URL: z.string().url().default("http://127.0.0.1:8002"),
      /** Deadline of each call to the cart and product services. */
      REMOTE_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
      /** Deadline of each call to the payment gateway; after it the outcome is looked up. */
      GATEWAY_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
      /** How long a checkout holds the quote's stock once it starts paying. */
      CHECKOUT_HOLD_SECONDS: z.coerce.number().int().positive().max(29 * 86_400).default(86_400),
      /** After this, a half-done saga is taken over by recovery (must exceed a checkout's longest run). */
      SAGA_LEASE_MS: z.coerce.number().int().positive().default(60_000),
      RECOVERY_INTERVAL_MS: z.coerce.number().int().positive().default(15_000),
      OUTBOX_INTERVAL_MS: z.coerce.number().int().positive().default(1_000),
      /** The payment processor adapter; `test` is the built-in test gateway (test card tokens). */
      PAYMENT_GATEWAY: z.enum(["test"]).default("test"),
    },
    env,
  );
}

export type OrderConfig = ReturnType<typeof readConfig>;
