import { createPublicKey, createSecretKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { JwksClient, type JSONWebKey, type SigningKey } from "jwks-rsa";
import { LRUCache } from "lru-cache";
import { unauthenticated, forbidden } from "./errors.js";

export const ACCESS_TOKEN_ISSUER = "disqo-auth";
export const ACCESS_TOKEN_AUDIENCE = "disqo-api";
export const SERVICE_TOKEN_AUDIENCE = "disqo-internal";

export type Role = "customer" | "admin";

/** How far ahead of this clock a token's `iat` may be (clocks of replicas drift a little). */
export const CLOCK_SKEW_SECONDS = 60;

/** Who is calling: a user with a role, or one of the platform's own services. */
export type Principal = { kind: "user"; userId: number; role: Role } | { kind: "service"; service: string };

/** Finds a verification key by its key id. */
export interface KeySource {
  getKey(kid: string): Promise<KeyObject | undefined>;
}

/**
 * The auth service's JWKS through jwks-rsa: keys cached by kid for `ttlMs`; a kid it does not
 * know (a rotated key) triggers a refetch, at most `refetchesPerMinute` a minute, so forged kids
 * cannot make it hammer the auth service; concurrent misses share one fetch; and when the auth
 * service is down after the cache went stale, the last good key keeps working for
 * `staleFallbackMs` more, so an auth outage does not log every shopper out.
 */
export class RemoteJwks implements KeySource {
  private readonly client: JwksClient;
  /** KeyObjects by the cached signing key: jwks-rsa hands out PEM text, and parsing it per call would be wasted work. */
  private readonly parsed = new WeakMap<SigningKey, KeyObject>();

  constructor(
    url: string,
    options: { ttlMs?: number; refetchesPerMinute?: number; staleFallbackMs?: number; fetch?: typeof fetch; timeoutMs?: number } = {},
  ) {
    const doFetch = options.fetch ?? fetch;
    const timeoutMs = options.timeoutMs ?? 3_000;
    this.client = new JwksClient({
      jwksUri: url,
      cache: true,
      cacheMaxEntries: 20,
      cacheMaxAge: options.ttlMs ?? 10 * 60_000,
      cacheMaxAgeFallback: options.staleFallbackMs ?? 60 * 60_000,
      rateLimit: true,
      jwksRequestsPerMinute: options.refetchesPerMinute ?? 10,
      // fetch (undici) rather than jwks-rsa's own http request, with a hard timeout
      fetcher: async (uri) => {
        const response = await doFetch(uri, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
        return (await response.json()) as { keys: JSONWebKey[] };
      },
    });
  }

  async getKey(kid: string): Promise<KeyObject | undefined> {
    let signing: SigningKey;
    try {
      signing = await this.client.getSigningKey(kid);
    } catch {
      // unknown kid, JWKS unreachable or refetches rate limited: the token is simply not verifiable
      return undefined;
    }
    let key = this.parsed.get(signing);
    if (!key) {
      key = createPublicKey(signing.getPublicKey());
      this.parsed.set(signing, key);
    }
    return key;
  }
}

/** Keys held in process (the auth service verifies its own tokens without a network hop). */
export class StaticKeys implements KeySource {
  constructor(private readonly keys: Map<string, KeyObject>) {}
  async getKey(kid: string) {
    return this.keys.get(kid);
  }
}

/** How long a verified token is trusted without checking its signature again (at most until it expires). */
const VERIFIED_TTL_MS = 60_000;

/**
 * Verification results by the token's exact text. A shopper's token is verified by every
 * service on every request (ES256: an elliptic-curve signature check each time, issue 11);
 * a token's text cannot change without missing the cache, and its claims are what was
 * verified, so a hit is as good as the check. An entry lives until the token expires or
 * VERIFIED_TTL_MS, whichever is first: that also bounds how long a token signed by a key
 * since withdrawn from the JWKS stays accepted. Failures are not cached.
 */
class VerifiedTokens {
  private readonly cache = new LRUCache<string, Principal>({ max: 10_000 });

  get(token: string): Principal | undefined {
    return this.cache.get(token);
  }

  remember(token: string, principal: Principal, expiresAtSeconds: number | undefined): void {
    const ttl = Math.min(VERIFIED_TTL_MS, (expiresAtSeconds ?? 0) * 1000 - Date.now());
    if (ttl > 0) this.cache.set(token, principal, { ttl });
  }
}

export class TokenVerifier {
  /** Built once: given a string, jsonwebtoken tries (and fails) to parse it as a public key on every call. */
  private readonly serviceKey: KeyObject;
  private readonly verified = new VerifiedTokens();

  constructor(
    private readonly keys: KeySource,
    serviceSecret: string,
  ) {
    this.serviceKey = createSecretKey(Buffer.from(serviceSecret, "utf8"));
  }

  /** Verifies a user's access token: ES256 only (so `alg: none` and HMAC forgeries fail), issuer and audience pinned. */
  async verifyAccessToken(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known?.kind === "user") return known;
    const decoded = jwt.decode(token, { complete: true });
    const kid = decoded?.header.kid;
    if (!decoded || decoded.header.alg !== "ES256" || !kid) throw unauthenticated("The access token is invalid.", "token_invalid");
    const key = await this.keys.getKey(kid);
    if (!key) throw unauthenticated("The access token is invalid.", "token_invalid");
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(token, key, { algorithms: ["ES256"], issuer: ACCESS_TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE }) as jwt.JwtPayload;
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw unauthenticated("The access token has expired.", "token_expired");
      throw unauthenticated("The access token is invalid.", "token_invalid");
    }
    // jsonwebtoken checks `exp` only when present: a token without one would never expire.
    // One issued in the future was minted by a wrong clock or a forger; refuse both.
    if (typeof payload.exp !== "number") throw unauthenticated("The access token is invalid.", "token_invalid");
    if (typeof payload.iat !== "number" || payload.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) throw unauthenticated("The access token is invalid.", "token_invalid");
    const userId = Number(payload.sub);
    const role = payload.role;
    if (!Number.isInteger(userId) || (role !== "customer" && role !== "admin")) throw unauthenticated("The access token is invalid.", "token_invalid");
    const principal: Principal = { kind: "user", userId, role };
    this.verified.remember(token, principal, payload.exp);
    return principal;
  }

  /** Verifies a service credential: HS256 with the shared secret and the internal audience only. */
  verifyServiceToken(token: string): Principal {
    const known = this.verified.get(token);
    if (known?.kind === "service") return known;
    try {
      const payload = jwt.verify(token, this.serviceKey, { algorithms: ["HS256"], audience: SERVICE_TOKEN_AUDIENCE }) as jwt.JwtPayload;
      if (typeof payload.sub !== "string" || !payload.sub.startsWith("service:")) throw new Error("not a service");
      const principal: Principal = { kind: "service", service: payload.sub.slice("service:".length) };
      this.verified.remember(token, principal, payload.exp);
      return principal;
    } catch {
      throw forbidden("This operation is for the platform's services only.");
    }
  }
}

/** Mints a short-lived service credential for calls to another service. */
export function signServiceToken(service: string, secret: string, ttlSeconds = 300): string {
  return jwt.sign({}, secret, { algorithm: "HS256", audience: SERVICE_TOKEN_AUDIENCE, subject: `service:${service}`, expiresIn: ttlSeconds });
}

/** A service token provider that re-mints before expiry. */
export function serviceTokenProvider(service: string, secret: string): () => string {
  let token = "";
  let expiresAt = 0;
  return () => {
    if (Date.now() > expiresAt - 60_000) {
      token = signServiceToken(service, secret);
      expiresAt = Date.now() + 300_000;
    }
    return token;
  };
}

/** Signs a user's access token (used by the auth service, and by tests of the other services). */
export function signAccessToken(privateKey: KeyObject, kid: string, claims: { userId: number; role: Role }, ttlSeconds: number): string {
  return jwt.sign({ role: claims.role }, privateKey, {
    algorithm: "ES256",
    keyid: kid,
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    subject: String(claims.userId),
    expiresIn: ttlSeconds,
  });
}
