import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

/** A clearly marked development default; production must set SERVICE_SECRET (see baseConfigSchema). */
export const DEV_SERVICE_SECRET = "dev-only-service-secret-do-not-use-in-production";

export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().default("127.0.0.1"),
  DATA_DIR: z.string().default(path.resolve(process.cwd(), "data")),
  DATABASE_URL: z.string().optional(),
  /** Where every service fetches the token verification keys. */
  AUTH_JWKS_URL: z.string().url().default("http://127.0.0.1:8001/.well-known/jwks.json"),
  SERVICE_SECRET: z.string().min(16).default(DEV_SERVICE_SECRET),
  /** The analytics service's base URL; unset or empty: this service records no analytics events. */
  ANALYTICS_URL: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.string().url().optional()),
  /** Response validation costs time; on outside production unless set. */
  VALIDATE_RESPONSES: z.enum(["true", "false"]).optional(),
  SEED_DEMO_DATA: z.enum(["true", "false"]).optional(),
  /**
   * The proxies (comma-separated addresses or CIDRs) whose X-Forwarded-For is believed, so that
   * `req.ip` is the real client behind them (the gateway, the storefront, an ingress). Anyone
   * else's forwarded header is ignored. Default: loopback only.
   */
  TRUSTED_PROXIES: z
    .string()
    .default("loopback")
    .transform((raw) => raw.split(",").map((s) => s.trim()).filter(Boolean))
    .refine((list) => list.length > 0 && list.every(isProxySpec), { message: "must be comma-separated IP addresses or CIDRs (or loopback, linklocal, uniquelocal)" }),
  /** When a retry may take over an Idempotency-Key whose request never finished (the process died); default 2 minutes. */
  IDEMPOTENCY_ABANDONED_MS: z.coerce.number().int().min(1_000).optional(),
});

const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** An address, a CIDR, or one of proxy-addr's names: what Express's `trust proxy` accepts. */
function isProxySpec(value: string): boolean {
  if (PROXY_NAMES.has(value)) return true;
  const [address, bits, ...rest] = value.split("/");
  if (rest.length > 0 || isIP(address) === 0) return false;
  if (bits === undefined) return true;
  const max = isIP(address) === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

export type BaseConfig = z.infer<typeof baseConfigSchema>;

/**
 * Reads and validates the environment once, at start. The only place a service reads
 * process.env; a bad value stops the process with a message naming the variable.
 */
export function loadConfig<S extends z.ZodRawShape>(
  extra: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<ReturnType<typeof baseConfigSchema.extend<S>>> {
  const schema = baseConfigSchema.extend(extra);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const config = parsed.data as BaseConfig;
  if (config.NODE_ENV === "production" && config.SERVICE_SECRET === DEV_SERVICE_SECRET) {
    throw new Error("Invalid configuration: SERVICE_SECRET must be set in production");
  }
  return parsed.data as never;
}

export function responseValidationEnabled(config: BaseConfig): boolean {
  if (config.VALIDATE_RESPONSES) return config.VALIDATE_RESPONSES === "true";
  return config.NODE_ENV !== "production";
}

export function seedDemoData(config: BaseConfig): boolean {
  if (config.SEED_DEMO_DATA) return config.SEED_DEMO_DATA === "true";
  return config.NODE_ENV !== "production";
}
