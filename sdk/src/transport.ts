/**
 * The fetch the generated clients are given (their Configuration's `fetchApi`). It adds what a
 * production client needs and the generator does not: a per-attempt timeout that also honours
 * the caller's AbortSignal, retries with exponential backoff and jitter for requests that are
 * safe to repeat, and one token refresh when the access token has expired.
 *
 * Only web-platform APIs are used (fetch, Headers, Response, AbortController, setTimeout),
 * so it runs unchanged in Node 20 and in browsers.
 */
import { AbortError, ConnectionError, TimeoutError, parseRetryAfterSeconds } from "./errors.js";

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Per-request settings, carried from the facade to the transport inside the RequestInit. */
export interface TransportRequestOptions {
  timeoutMs?: number;
  maxRetries?: number;
  /** False for the refresh call itself, so an expired session cannot loop. */
  refreshOnExpiry?: boolean;
  /** Told the call's final response (a copy with an unread body), for `withResponse()`. */
  onResponse?: (response: Response) => void;
}

/** The header that tells the API which attempt of a call this is: 0 first, then 1, 2, ... */
export const RETRY_COUNT_HEADER = "X-Disqo-Retry-Count";

/**
 * The key under which the facade puts TransportRequestOptions into a RequestInit. The generated
 * runtime copies the init with object spread, which keeps symbol-keyed members, so they reach
 * the transport without a side channel; the transport removes them before calling fetch.
 */
export const TRANSPORT_OPTIONS: unique symbol = Symbol.for("@disqo-commerce/sdk/transport-options");

export interface RetryPolicy {
  /** The first backoff delay; it doubles on every retry. */
  initialDelayMs: number;
  /** The cap of one backoff delay. */
  maxDelayMs: number;
  /**
   * The longest `Retry-After` the client waits for by itself. A longer one is not waited out:
   * the error reaches the caller, with `retryAfter` set, so the app decides.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 60_000 };

/** The token side of the transport, implemented by the client that holds the tokens. */
export interface TokenRefresher {
  /**
   * Called after a 401 `token_expired` for a request sent with `sentAccessToken`. Returns the
   * access token to retry with (a fresh one, or one another request refreshed meanwhile), or
   * undefined when there is none (no refresh token, or the refresh failed): then the 401 stands.
   */
  accessTokenAfterExpiry(sentAccessToken: string): Promise<string | undefined>;
}

export interface TransportOptions {
  fetch: FetchLike;
  timeoutMs: number;
  maxRetries: number;
  retry: RetryPolicy;
  refresher?: TokenRefresher;
  /** Test seams: how to wait, and the source of jitter. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
// Bodies these statuses must not have; `new Response(body, { status })` rejects one.
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Whether a request may be sent again without risk of doing its work twice. */
export function isRetrySafe(method: string, headers: Headers): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase()) || headers.has("idempotency-key");
}

/** 408, 429 and every 5xx may succeed when tried again; other statuses will not. */
export function isRetriableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * The delay before retry number `retry` (0 for the first): exponential, capped, with "equal
 * jitter" (half fixed, half random) so that clients failing together do not retry together.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** retry);
  return ceiling / 2 + random() * (ceiling / 2);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function createTransport(options: TransportOptions): FetchLike {
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;

  /** One attempt: fetch and read the whole body, both within the timeout. */
  async function attempt(url: string, init: RequestInit, timeoutMs: number, callerSignal: AbortSignal | undefined): Promise<BufferedResponse> {
    const controller = new AbortController();
    let timedOut = false;
    const onCallerAbort = () => controller.abort(callerSignal!.reason);
    if (callerSignal?.aborted) throw new AbortError(callerSignal.reason);
    callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const response = await options.fetch(url, { ...init, signal: controller.signal });
      // Reading the body here keeps a stalled body under the timeout too, and lets the
      // error path and the refresh check read it without consuming the caller's copy.
      const body = NULL_BODY_STATUSES.has(response.status) || init.method === "HEAD" ? null : await response.arrayBuffer();
      return new BufferedResponse(body, response, response.url || url);
    } catch (error) {
      if (callerSignal?.aborted) throw new AbortError(callerSignal.reason);
      if (timedOut) throw new TimeoutError(timeoutMs, { cause: error });
      throw new ConnectionError(`Could not reach ${new URL(url).origin}: ${describe(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    }
  }

  /** Attempts until a final answer: retries only what is safe and worth repeating. */
  async function sendWithRetries(url: string, init: RequestInit, headers: Headers, per: TransportRequestOptions, callerSignal: AbortSignal | undefined): Promise<BufferedResponse> {
    const method = (init.method ?? "GET").toUpperCase();
    const retrySafe = isRetrySafe(method, headers);
    const maxRetries = Math.max(0, per.maxRetries ?? options.maxRetries);
    const timeoutMs = per.timeoutMs ?? options.timeoutMs;
    for (let retry = 0; ; retry++) {
      const canRetry = retrySafe && retry < maxRetries;
      // Lets the API's logs tell a retry from a new call (and count them).
      headers.set(RETRY_COUNT_HEADER, String(retry));
      let response: BufferedResponse;
      try {
        response = await attempt(url, { ...init, headers }, timeoutMs, callerSignal);
      } catch (error) {
        if (!(error instanceof ConnectionError) || !canRetry) throw error;
        await waitUnlessAborted(backoffDelay(retry, options.retry, random), callerSignal);
        continue;
      }
      if (!canRetry || !isRetriableStatus(response.status)) return response;
      const delay = retryDelay(response, retry);
      if (delay === undefined) return response;
      await waitUnlessAborted(delay, callerSignal);
    }
  }

  async function waitUnlessAborted(ms: number, callerSignal: AbortSignal | undefined): Promise<void> {
    try {
      await wait(ms, callerSignal);
    } catch (error) {
      throw callerSignal?.aborted ? new AbortError(callerSignal.reason) : error;
    }
  }

  /** Retry-After when the API sent one (and it is short enough), else backoff. */
  function retryDelay(response: Response, retry: number): number | undefined {
    const seconds = parseRetryAfterSeconds(response.headers.get("retry-after"));
    if (seconds === undefined) return backoffDelay(retry, options.retry, random);
    const ms = seconds * 1000;
    return ms <= options.retry.maxRetryAfterMs ? ms : undefined;
  }

  return async function disqoFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const per = ((init as Record<symbol, unknown>)[TRANSPORT_OPTIONS] ?? {}) as TransportRequestOptions;
    const { signal: callerSignal, ...rest } = init;
    const cleanInit: RequestInit = { ...rest };
    delete (cleanInit as Record<symbol, unknown>)[TRANSPORT_OPTIONS];
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init.headers ?? (typeof input === "object" && "headers" in input ? input.headers : undefined));
    const signal = callerSignal ?? undefined;

    const response = await sendAndRefresh(url, cleanInit, headers, per, signal);
    per.onResponse?.(response.copy());
    return response;
  };

  async function sendAndRefresh(url: string, init: RequestInit, headers: Headers, per: TransportRequestOptions, signal: AbortSignal | undefined): Promise<BufferedResponse> {
    const response = await sendWithRetries(url, init, headers, per, signal);
    if (response.status !== 401 || !options.refresher || per.refreshOnExpiry === false) return response;
    const sentToken = bearerToken(headers);
    if (sentToken === undefined || (await problemCode(response)) !== "token_expired") return response;

    const freshToken = await options.refresher.accessTokenAfterExpiry(sentToken);
    if (freshToken === undefined) return response;
    const retryHeaders = new Headers(headers);
    retryHeaders.set("Authorization", `Bearer ${freshToken}`);
    // A 401 means the API did nothing, so even a POST without a key is safe to send again.
    // The retried request never refreshes again: a second 401 is the caller's answer.
    return sendWithRetries(url, init, retryHeaders, per, signal);
  }
}

/**
 * A response whose body has been read whole: the generated client reads one copy, and
 * `withResponse()` hands the caller another, still unread. A `new Response` has no `url`, so
 * the fetched one's (or the request's, from a fetch that sets none) is kept.
 */
class BufferedResponse extends Response {
  readonly #bytes: ArrayBuffer | null;
  readonly #url: string;

  constructor(bytes: ArrayBuffer | null, from: Response, url: string) {
    super(bytes === null ? null : bytes.slice(0), { status: from.status, statusText: from.statusText, headers: from.headers });
    this.#bytes = bytes;
    this.#url = url;
  }

  override get url(): string {
    return this.#url;
  }

  copy(): Response {
    return new BufferedResponse(this.#bytes, this, this.#url);
  }
}

function bearerToken(headers: Headers): string | undefined {
  const value = headers.get("authorization");
  const match = value ? /^Bearer\s+(.+)$/i.exec(value) : null;
  return match ? match[1] : undefined;
}

async function problemCode(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { code?: unknown };
    return typeof body?.code === "string" ? body.code : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const causeText = cause instanceof Error ? ` (${cause.message})` : "";
    return `${error.message}${causeText}`;
  }
  return String(error);
}
