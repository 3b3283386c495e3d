import { createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
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
 * The auth service's JWKS, fetched and cached. A key id it does not know triggers one
 * refetch (keys rotate), but at most once per `minRefetchMs`, so forged kids cannot
 * make it hammer the auth service.
 */
export class RemoteJwks implements KeySource {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly options: { ttlMs?: number; minRefetchMs?: number; fetch?: typeof fetch; timeoutMs?: number } = {},
  ) {}

  async getKey(kid: string): Promise<KeyObject | undefined> {
    const ttl = this.options.ttlMs ?? 10 * 60_000;
    const stale = Date.now() - this.fetchedAt > ttl;
    if (stale || (!this.keys.has(kid) && Date.now() - this.fetchedAt >= (this.options.minRefetchMs ?? 5_000))) {
      await this.refresh().catch(() => undefined);
    }
    return this.keys.get(kid);
  }

  private refresh(): Promise<void> {
    this.inflight ??= (async () => {
      try {
        const doFetch = this.options.fetch ?? fetch;
        const response = await doFetch(this.url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 3_000) });
        if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
        const body = (await response.json()) as { keys: (JsonWebKey & { kid: string })[] };
        const next = new Map<string, KeyObject>();
        for (const jwk of body.keys) next.set(jwk.kid, createPublicKey({ key: jwk, format: "jwk" }));
        this.keys = next;
        this.fetchedAt = Date.now();
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
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
