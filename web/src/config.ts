/**
 * The storefront's configuration, read and checked once at start (a zod schema, as in the
 * services). The only module that reads process.env; bad values stop the process with a
 * message naming every bad variable.
 */
import { isIP } from "node:net";
import { z } from "zod";

/** A clearly marked development default; production must set COOKIE_SECRET. */
export const DEV_COOKIE_SECRET = "dev-only-storefront-cookie-secret-do-not-use-in-production";

export interface WebConfig {
  nodeEnv: "development" | "test" | "production";
  host: string;
  port: number;
  /** The gateway: the one origin of the API. */
  apiBaseUrl: string;
  /** Signs the flash cookie and keys the CSRF tokens; shared by every replica. */
  cookieSecret: string;
  /** Secure cookies need HTTPS; on by default in production only. */
  cookieSecure: boolean;
  /** Milliseconds the storefront waits for one API call. */
  apiTimeoutMs: number;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /**
   * Proxies in front of the storefront (addresses or CIDRs, or loopback/linklocal/uniquelocal)
   * whose X-Forwarded-For names the shopper; the shopper's address is passed on to the API.
   */
  trustedProxies: string[];
}

const PROXY_NAMES = ["loopback", "linklocal", "uniquelocal"];

/** What Express's `trust proxy` accepts: an address, a CIDR, or one of proxy-addr's names. */
function isProxySpec(value: string): boolean {
  if (PROXY_NAMES.includes(value)) return true;
  const [address, bits, ...rest] = value.split("/");
  if (rest.length > 0 || isIP(address!) === 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address!) === 4 ? 32 : 128));
}

const integer = (min: number, max: number) => z.coerce.number({ message: `must be an integer from ${min} to ${max}` }).int(`must be an integer from ${min} to ${max}`).min(min, `must be an integer from ${min} to ${max}`).max(max, `must be an integer from ${min} to ${max}`);

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    HOST: z.string().default("127.0.0.1"),
    PORT: integer(0, 65535).default(3000),
    API_TIMEOUT_MS: integer(100, 120000).default(10000),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    API_BASE_URL: z
      .string()
      .default("http://127.0.0.1:8080")
      .transform((url) => url.replace(/\/+$/, ""))
      .refine((url) => /^https?:\/\/[^/]+/.test(url), "must be an http(s) URL"),
    COOKIE_SECRET: z.string().min(32, "must be at least 32 characters").default(DEV_COOKIE_SECRET),
    COOKIE_SECURE: z.enum(["true", "false"], { message: "must be true or false" }).optional(),
    TRUSTED_PROXIES: z
      .string()
      .default("loopback")
      .transform((list) => list.split(",").map((p) => p.trim()).filter(Boolean))
      .refine((list) => list.length > 0 && list.every(isProxySpec), "must be comma-separated IP addresses or CIDRs (or loopback, linklocal, uniquelocal)"),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.COOKIE_SECRET === DEV_COOKIE_SECRET) ctx.addIssue({ code: "custom", path: ["COOKIE_SECRET"], message: "must be set in production" });
  });

export function loadConfig(env: NodeJS.ProcessEnv = process.env): WebConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const c = parsed.data;
  return {
    nodeEnv: c.NODE_ENV,
    host: c.HOST,
    port: c.PORT,
    apiBaseUrl: c.API_BASE_URL,
    cookieSecret: c.COOKIE_SECRET,
    // secure cookies need HTTPS: on by default in production only
    cookieSecure: (c.COOKIE_SECURE ?? (c.NODE_ENV === "production" ? "true" : "false")) === "true",
    apiTimeoutMs: c.API_TIMEOUT_MS,
    logLevel: c.LOG_LEVEL,
    trustedProxies: c.TRUSTED_PROXIES,
  };
}
