/**
 * The shopper's session: the API's token pair, kept only in httpOnly SameSite=Lax cookies
 * (page JavaScript never sees a token). Each request gets an SDK client carrying them; an
 * expired access token is renewed with the refresh token before the page's first call, and
 * whatever pair the SDK ends up with is written back to the cookies.
 */
import type { CookieOptions, NextFunction, Request, Response } from "express";
import { apiStatus } from "./errors.js";
import type { TokenPair } from "@disqo-commerce/sdk";
import type { Shop, SdkFactory } from "./shop.js";

export const ACCESS_COOKIE = "dc_access";
export const REFRESH_COOKIE = "dc_refresh";
export const FLASH_COOKIE = "dc_flash";

/** Refresh tokens outlive the access token; the API decides when one is really spent. */
const REFRESH_COOKIE_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
/** Renew a little before the access token's own expiry so a call never races it. */
const EXPIRY_SKEW_SECONDS = 15;

export interface SessionInfo {
  userId: number;
  role: string;
}

export interface Flash {
  kind: "success" | "error" | "info";
  text: string;
}

export interface Locals {
  shop: Shop;
  /** What the access token says about its holder: for the page chrome only; the API decides access. */
  session: SessionInfo | null;
  flash: Flash | null;
  csrfToken: string;
}

export function locals(res: Response): Locals {
  return res.locals as unknown as Locals;
}

/** The claims of a JWT, without verifying it: the API verifies every call anyway. */
export function decodeClaims(token: string): { sub?: string; role?: string; exp?: number } | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown;
    return claims && typeof claims === "object" ? (claims as { sub?: string; role?: string; exp?: number }) : null;
  } catch {
    return null;
  }
}

function isFresh(token: string, nowSeconds: number): boolean {
  const exp = decodeClaims(token)?.exp;
  return typeof exp === "number" && exp - EXPIRY_SKEW_SECONDS > nowSeconds;
}

function sessionFrom(token: string | undefined): SessionInfo | null {
  if (!token) return null;
  const claims = decodeClaims(token);
  const userId = Number(claims?.sub);
  if (!claims || !Number.isInteger(userId) || userId <= 0) return null;
  return { userId, role: typeof claims.role === "string" ? claims.role : "customer" };
}

export interface SessionOptions {
  sdkFactory: SdkFactory;
  cookieSecure: boolean;
  now?: () => number;
}

export function createSessions(options: SessionOptions) {
  const now = options.now ?? (() => Date.now());
  const base: CookieOptions = { httpOnly: true, sameSite: "lax", secure: options.cookieSecure, path: "/" };

  /**
   * Refresh tokens rotate on use and reusing a spent one revokes the whole family, so two
   * requests of one browser that race to refresh the same token must share one refresh.
   */
  const inFlight = new Map<string, Promise<TokenPair>>();
  function refreshOnce(refreshToken: string): Promise<TokenPair> {
    let pending = inFlight.get(refreshToken);
    if (!pending) {
      pending = options.sdkFactory({}).auth.refresh({ refresh_token: refreshToken });
      inFlight.set(refreshToken, pending);
      // Kept briefly after it settles so a request that arrives just behind still gets the new pair.
      const forget = () => setTimeout(() => inFlight.delete(refreshToken), 10_000).unref();
      pending.then(forget, forget);
    }
    return pending;
  }

  function storeTokens(res: Response, tokens: TokenPair): void {
    // The SDK reports a pair the app may also store itself (login): one Set-Cookie is enough.
    if (res.headersSent || res.locals.storedAccessToken === tokens.access_token) return;
    res.locals.storedAccessToken = tokens.access_token;
    noStore(res);
    res.cookie(ACCESS_COOKIE, tokens.access_token, { ...base, maxAge: Math.max(1, tokens.expires_in) * 1000 });
    res.cookie(REFRESH_COOKIE, tokens.refresh_token, { ...base, maxAge: REFRESH_COOKIE_MAX_AGE_MS });
  }

  function clearTokens(res: Response): void {
    if (res.headersSent) return;
    res.clearCookie(ACCESS_COOKIE, base);
    res.clearCookie(REFRESH_COOKIE, base);
  }

  function attach(res: Response, accessToken: string | undefined, refreshToken: string | undefined): void {
    const l = locals(res);
    l.session = sessionFrom(accessToken);
    if (l.session) noStore(res);
    l.shop = options.sdkFactory({
      accessToken,
      refreshToken,
      // Express links every response to its request; req.ip honours the trusted proxies.
      clientAddress: res.req?.ip,
      visitorId: typeof res.locals.visitorId === "string" ? res.locals.visitorId : undefined,
      onTokens: (tokens) => {
        storeTokens(res, tokens);
        l.session = sessionFrom(tokens.access_token);
      },
    });
  }

  /** Gives every request its SDK client and session, renewing an expired access token first. */
  async function middleware(req: Request, res: Response, next: NextFunction): Promise<void> {
    let access: string | undefined = req.cookies?.[ACCESS_COOKIE];
    const refresh: string | undefined = req.cookies?.[REFRESH_COOKIE];
    if (access && !isFresh(access, now() / 1000)) access = undefined;
    if (!access && refresh) {
      try {
        const tokens = await refreshOnce(refresh);
        storeTokens(res, tokens);
        attach(res, tokens.access_token, tokens.refresh_token);
        return next();
      } catch (error) {
        const status = apiStatus(error);
        // A spent or revoked refresh token ends the session; anything else (API down) is an error page.
        if (status === undefined || status >= 500) return next(error);
        clearTokens(res);
        attach(res, undefined, undefined);
        return next();
      }
    }
    attach(res, access, access ? refresh : undefined);
    next();
  }

  /** Logs a shopper in: stores the pair and gives the rest of the request a client carrying it. */
  function start(res: Response, tokens: TokenPair): void {
    storeTokens(res, tokens);
    attach(res, tokens.access_token, tokens.refresh_token);
  }

  function end(res: Response): void {
    clearTokens(res);
    attach(res, undefined, undefined);
  }

  function refreshToken(req: Request): string | undefined {
    return req.cookies?.[REFRESH_COOKIE];
  }

  /** One-shot message for the next page, in a signed cookie so it cannot be forged into a page. */
  function flash(res: Response, kind: Flash["kind"], text: string): void {
    res.cookie(FLASH_COOKIE, JSON.stringify({ kind, text }), { ...base, signed: true, maxAge: 60_000 });
  }

  function readFlash(req: Request, res: Response, next: NextFunction): void {
    const raw: unknown = req.signedCookies?.[FLASH_COOKIE];
    locals(res).flash = null;
    if (typeof raw === "string") {
      try {
        const parsed = JSON.parse(raw) as Flash;
        if (["success", "error", "info"].includes(parsed.kind) && typeof parsed.text === "string") locals(res).flash = parsed;
      } catch {
        // A mangled flash cookie is only a lost message.
      }
    }
    if (req.cookies?.[FLASH_COOKIE] !== undefined || raw !== undefined) res.clearCookie(FLASH_COOKIE, base);
    next();
  }

  return { middleware, start, end, clearTokens, refreshToken, flash, readFlash };
}

export type Sessions = ReturnType<typeof createSessions>;

/**
 * A page for a logged-in shopper (or one that sets their tokens) must not be kept by the
 * browser's or a shared cache: the next person on that computer or proxy would see it.
 */
function noStore(res: Response): void {
  if (!res.headersSent) res.setHeader("Cache-Control", "no-store");
}

/** Where to go after logging in: only a path on this site, never another origin. */
export function safeNext(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (value.startsWith("/login") || value.startsWith("/register") || value.startsWith("/logout")) return fallback;
  return value;
}

/** Pages for shoppers only: no session means the login page, coming back here afterwards. */
export function requireLogin(req: Request, res: Response, next: NextFunction): void {
  if (locals(res).session) return next();
  const back = req.method === "GET" ? req.originalUrl : typeof req.body?.back === "string" ? req.body.back : "/";
  res.redirect(303, `/login?next=${encodeURIComponent(safeNext(back))}`);
}
