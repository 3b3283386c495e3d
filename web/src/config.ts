/**
 * The storefront's configuration, read and checked once at start. The only module that
 * reads process.env; a bad value stops the process with a message naming the variable.
 */
import { isIP } from "node:net";

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

const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
const NODE_ENVS = ["development", "test", "production"] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): WebConfig {
  const problems: string[] = [];

  const nodeEnv = oneOf(env.NODE_ENV ?? "development", NODE_ENVS, "NODE_ENV", problems);
  const port = integer(env.PORT ?? "3000", "PORT", 0, 65535, problems);
  const apiTimeoutMs = integer(env.API_TIMEOUT_MS ?? "10000", "API_TIMEOUT_MS", 100, 120000, problems);
  const logLevel = oneOf(env.LOG_LEVEL ?? "info", LOG_LEVELS, "LOG_LEVEL", problems);

  const apiBaseUrl = (env.API_BASE_URL ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+/.test(apiBaseUrl)) problems.push("API_BASE_URL: must be an http(s) URL");

  const cookieSecret = env.COOKIE_SECRET ?? DEV_COOKIE_SECRET;
  if (cookieSecret.length < 32) problems.push("COOKIE_SECRET: must be at least 32 characters");
  if (nodeEnv === "production" && cookieSecret === DEV_COOKIE_SECRET) problems.push("COOKIE_SECRET: must be set in production");

  const secureRaw = env.COOKIE_SECURE ?? (nodeEnv === "production" ? "true" : "false");
  if (secureRaw !== "true" && secureRaw !== "false") problems.push("COOKIE_SECURE: must be true or false");

  const trustedProxies = (env.TRUSTED_PROXIES ?? "loopback").split(",").map((p) => p.trim()).filter(Boolean);
  if (trustedProxies.length === 0 || !trustedProxies.every(isProxySpec)) problems.push("TRUSTED_PROXIES: must be comma-separated IP addresses or CIDRs (or loopback, linklocal, uniquelocal)");

  if (problems.length > 0) throw new Error(`Invalid configuration: ${problems.join("; ")}`);

  return {
    nodeEnv,
    host: env.HOST ?? "127.0.0.1",
    port,
    apiBaseUrl,
    cookieSecret,
    cookieSecure: secureRaw === "true",
    apiTimeoutMs,
    logLevel,
    trustedProxies,
  };
}

/** What Express's `trust proxy` accepts: an address, a CIDR, or one of proxy-addr's names. */
function isProxySpec(value: string): boolean {
  if (["loopback", "linklocal", "uniquelocal"].includes(value)) return true;
  const [address, bits, ...rest] = value.split("/");
  if (rest.length > 0 || isIP(address) === 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address) === 4 ? 32 : 128));
}

function integer(raw: string, name: string, min: number, max: number, problems: string[]): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name}: must be an integer from ${min} to ${max}`);
    return min;
  }
  return value;
}

function oneOf<T extends string>(raw: string, allowed: readonly T[], name: string, problems: string[]): T {
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  problems.push(`${name}: must be one of ${allowed.join(", ")}`);
  return allowed[0];
}
