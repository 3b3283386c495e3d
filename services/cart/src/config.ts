import { z } from "zod";
import { loadConfig } from "@disqo-commerce/kit";
import { DEFAULT_PRICING_RULES } from "./pricing.js";

/** `{"CA":725,"NY":400}`: two-letter state codes to rates in basis points (725 = 7.25%). */
const taxRateTable = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must be a JSON object" });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().regex(/^[A-Z]{2}$/), z.number().int().min(0).max(10_000)));

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      PORT: z.coerce.number().int().min(0).max(65535).default(8003),
      PRODUCT_URL: z.string().url().default("http://127.0.0.1:8002"),
      /** How long the cart waits for the product service before answering 503. */
      PRODUCT_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
      QUOTE_TTL_SECONDS: z.coerce.number().int().positive().max(86_400).default(900),
      TAX_RATES: taxRateTable.optional(),
      SHIPPING_FLAT_AMOUNT: z.coerce.number().int().min(0).default(DEFAULT_PRICING_RULES.flatShipping),
      FREE_SHIPPING_THRESHOLD: z.coerce.number().int().min(0).default(DEFAULT_PRICING_RULES.freeShippingThreshold),
    },
    env,
  );
}

export type CartConfig = ReturnType<typeof readConfig>;
