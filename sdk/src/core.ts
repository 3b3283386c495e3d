/**
 * What every resource of the facade shares: the options, the tokens, the transport, and the
 * one place where whatever the generated client throws becomes an SDK error.
 */
import { ApiPromise } from "./api-promise.js";
import { ApiError, ConnectionError, DisqoCommerceError } from "./errors.js";
import {
  DEFAULT_RETRY_POLICY,
  TRANSPORT_OPTIONS,
  createTransport,
  type FetchLike,
  type RetryPolicy,
  type TokenRefresher,
  type TransportRequestOptions,
} from "./transport.js";
import { defaultUserAgent } from "./user-agent.js";
import { randomUuid } from "./uuid.js";
import type { TokenPair } from "./generated/auth/models/TokenPair.js";

/** Options of `new DisqoCommerce(...)`. */
export interface ClientOptions {
  /** The API's origin, e.g. `http://localhost:8080` (the gateway). */
  baseUrl: string;
  /** An access token to start with (e.g. restored from a session). `auth.login()` sets one too. */
  accessToken?: string | undefined;
  /** A refresh token to start with; used once to renew an expired access token. */
  refreshToken?: string | undefined;
  /** The fetch implementation; default `globalThis.fetch`. */
  fetch?: FetchLike | undefined;
  /** Per attempt: how long to wait for a complete response, in ms. Default 30000. */
  timeoutMs?: number | undefined;
  /** How many times a failed request that is safe to repeat is retried. Default 2. */
  maxRetries?: number | undefined;
  /** Backoff tuning: `{ initialDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 60000 }` by default. */
  retry?: Partial<RetryPolicy> | undefined;
  /**
   * Called whenever the client holds a new token pair: after `auth.login()`, `auth.register()`,
   * `auth.refresh()` and the automatic refresh of an expired access token. Store the pair here
   * (e.g. in the session) so the next client starts with it. May return a promise.
   */
  onTokens?: ((tokens: TokenPair) => void | Promise<void>) | undefined;
  /**
   * Headers sent with every request. On a server the SDK sends
   * `User-Agent: disqo-commerce-sdk/<version> node/<version>`; a `User-Agent` here replaces it.
   */
  headers?: Record<string, string> | undefined;
  /**
   * The anonymous visitor this client acts for (8 to 64 letters, digits, `-` or `_`), e.g. the
   * storefront's first-party cookie. Sent as `X-Disqo-Visitor-Id` with every request so that
   * server-side funnel events (search, add to cart, checkout) and `analytics.track()` events
   * count for the same person. Leave it out on a server that acts for no shopper.
   */
  visitorId?: string | undefined;
}

/** Options of one call; every method takes them as its last argument. */
export interface RequestOptions {
  /** Aborts the request (and any retry wait); the call then rejects with an `AbortError` whose `cause` is the signal's reason. */
  signal?: AbortSignal | undefined;
  /** This call's timeout per attempt, in ms. */
  timeoutMs?: number | undefined;
  /** This call's retry budget. */
  maxRetries?: number | undefined;
  /**
   * The `Idempotency-Key` header. Any unsafe POST that carries one may be retried safely; the
   * operations that require one (`checkout.create`, `orders.cancel`) make one when omitted.
   */
  idempotencyKey?: string | undefined;
  /** Extra headers for this call. */
  headers?: Record<string, string> | undefined;
}

/**
 * A parameter or body type whose optional members also accept `undefined`, so that code
 * compiled with `exactOptionalPropertyTypes` may pass `{ cursor }` with `cursor: string |
 * undefined`. An `undefined` member is left out of the request, as if it were absent.
 */
export type AllowUndefined<T> = { [K in keyof T]: T[K] | ({} extends Pick<T, K> ? undefined : never) };

/** The init-override hook the generated methods accept (same shape in every generated client). */
export type InitOverride = (requestContext: { init: { headers?: Record<string, string> } }) => Promise<RequestInit>;

/** The API's visitor id format (`VisitorId` in analytics.yaml). */
const VISITOR_ID = /^[A-Za-z0-9_-]{8,64}$/;

export class Core implements TokenRefresher {
  readonly basePath: string;
  readonly fetchApi: FetchLike;
  private access: string | undefined;
  private refresh: string | undefined;
  private refreshing: Promise<string | undefined> | undefined;
  private readonly onTokens: ClientOptions["onTokens"];
  private readonly defaultHeaders: Record<string, string>;
  readonly visitorId: string | undefined;
  /** Set by the client: performs the refresh call (kept there to keep this module generated-client-free). */
  refreshCall: ((refreshToken: string, override: InitOverride) => Promise<TokenPair>) | undefined;

  constructor(options: ClientOptions) {
    if (!options || typeof options.baseUrl !== "string" || options.baseUrl === "") {
      throw new TypeError("DisqoCommerce: `baseUrl` is required, e.g. new DisqoCommerce({ baseUrl: \"http://localhost:8080\" }).");
    }
    const fetchImpl = options.fetch ?? (typeof globalThis.fetch === "function" ? globalThis.fetch.bind(globalThis) : undefined);
    if (!fetchImpl) throw new TypeError("DisqoCommerce: no global fetch here; pass one as the `fetch` option.");
    const timeoutMs = options.timeoutMs ?? 30_000;
    const maxRetries = options.maxRetries ?? 2;
    if (!(timeoutMs > 0)) throw new RangeError("DisqoCommerce: `timeoutMs` must be a positive number of milliseconds.");
    if (!(Number.isInteger(maxRetries) && maxRetries >= 0)) throw new RangeError("DisqoCommerce: `maxRetries` must be a whole number >= 0.");
    this.basePath = options.baseUrl.replace(/\/+$/, "");
    this.access = options.accessToken || undefined;
    this.refresh = options.refreshToken || undefined;
    this.onTokens = options.onTokens;
    const userAgent = defaultUserAgent();
    if (options.visitorId !== undefined && !VISITOR_ID.test(options.visitorId)) {
      throw new RangeError("DisqoCommerce: `visitorId` must be 8 to 64 letters, digits, `-` or `_`.");
    }
    this.visitorId = options.visitorId;
    this.defaultHeaders = {
      ...(userAgent ? { "User-Agent": userAgent } : {}),
      ...(options.visitorId ? { "X-Disqo-Visitor-Id": options.visitorId } : {}),
      ...withoutUndefined(options.headers),
    };
    this.fetchApi = createTransport({
      fetch: fetchImpl,
      timeoutMs,
      maxRetries,
      retry: { ...DEFAULT_RETRY_POLICY, ...(options.retry ?? {}) },
      refresher: this,
    });
  }

  get accessToken(): string | undefined {
    return this.access;
  }

  get refreshToken(): string | undefined {
    return this.refresh;
  }

  /** Holds a pair without telling onTokens (the app gave it). */
  setTokens(tokens: { access_token?: string | null; refresh_token?: string | null }): void {
    this.access = tokens.access_token || undefined;
    this.refresh = tokens.refresh_token || undefined;
  }

  /** Holds a pair the API issued, and tells the app. */
  async storeTokens(pair: TokenPair): Promise<void> {
    this.setTokens(pair);
    await this.onTokens?.(pair);
  }

  clearTokens(): void {
    this.access = undefined;
    this.refresh = undefined;
  }

  async accessTokenAfterExpiry(sentAccessToken: string): Promise<string | undefined> {
    // Another request refreshed while this one was out: use its token, do not rotate again.
    if (this.access !== undefined && this.access !== sentAccessToken) return this.access;
    if (this.refresh === undefined || !this.refreshCall) return undefined;
    // One refresh for every request that found the token expired at the same time: a refresh
    // token is single-use, and a second use would revoke the whole session.
    this.refreshing ??= this.refreshOnce(this.refresh).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refreshOnce(refreshToken: string): Promise<string | undefined> {
    let pair: TokenPair;
    try {
      pair = await this.refreshCall!(refreshToken, this.override({}, { refreshOnExpiry: false }));
    } catch {
      // The refresh token is spent, revoked or unreachable: the original 401 is the answer.
      return undefined;
    }
    await this.storeTokens(pair);
    return pair.access_token;
  }

  /** The function the generated clients call for the bearer token (empty: no header). */
  readonly tokenProvider = async (): Promise<string> => this.access ?? "";

  /** The init override that carries one call's options to the transport. */
  override(options: RequestOptions, transport: TransportRequestOptions = {}): InitOverride {
    return async ({ init }) => {
      const headers = mergeHeaders(init.headers ?? {}, this.defaultHeaders, withoutUndefined(options.headers));
      if (options.idempotencyKey !== undefined) headers["Idempotency-Key"] = options.idempotencyKey;
      const overrides: RequestInit & { [TRANSPORT_OPTIONS]?: TransportRequestOptions } = {
        headers,
        [TRANSPORT_OPTIONS]: { timeoutMs: options.timeoutMs, maxRetries: options.maxRetries, ...transport },
      };
      if (options.signal) overrides.signal = options.signal;
      return overrides;
    };
  }

  /**
   * Runs a generated call with this call's options; anything it throws becomes an SDK error.
   * The transport reports the final response, which `withResponse()` hands out.
   */
  call<T>(options: RequestOptions | undefined, run: (override: InitOverride) => Promise<T>): ApiPromise<T> {
    let response: Response | undefined;
    const override = this.override(options ?? {}, { onResponse: (r) => (response = r) });
    const result = (async () => {
      let data: T;
      try {
        data = await run(override);
      } catch (error) {
        throw await toSdkError(error);
      }
      // Every generated call goes through the transport, so a success always has a response.
      if (!response) throw new DisqoCommerceError("The call succeeded without a response reaching the SDK's transport.");
      return { data, response, requestId: response.headers.get("x-request-id") ?? undefined };
    })();
    return new ApiPromise(result);
  }

  /** The same call with an Idempotency-Key, made here when the caller gave none. */
  callIdempotent<T>(options: RequestOptions | undefined, run: (override: InitOverride, idempotencyKey: string) => Promise<T>): ApiPromise<T> {
    const idempotencyKey = options?.idempotencyKey ?? randomUuid();
    // The key is fixed before the first attempt, so every retry of this call repeats it.
    return this.call({ ...options, idempotencyKey }, (override) => run(override, idempotencyKey));
  }
}

/**
 * The generated runtime throws a ResponseError (holding the Response) for a non-2xx status and
 * wraps anything the transport threw in a FetchError. Both come from a different runtime copy
 * per generated client, so they are recognised by name, not by class.
 */
export async function toSdkError(error: unknown): Promise<unknown> {
  if (error instanceof DisqoCommerceError) return error;
  const e = error as { name?: unknown; response?: unknown; cause?: unknown } | null;
  if (e && e.name === "ResponseError" && isResponse(e.response)) return ApiError.fromResponse(e.response);
  if (e && e.name === "FetchError") {
    // The transport throws only on purpose: an SDK error, the caller's own abort reason, or
    // what the app's onTokens threw. Each is passed on as it is.
    return e.cause !== undefined ? e.cause : new ConnectionError();
  }
  return error;
}

/** Header records merged case-insensitively: a later `user-agent` replaces an earlier `User-Agent`. */
function mergeHeaders(...records: Array<Record<string, string>>): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  for (const record of records) for (const [name, value] of Object.entries(record)) merged.set(name.toLowerCase(), [name, value]);
  return Object.fromEntries(merged.values());
}

function withoutUndefined(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function isResponse(value: unknown): value is Response {
  return typeof value === "object" && value !== null && typeof (value as Response).status === "number" && typeof (value as Response).text === "function";
}
