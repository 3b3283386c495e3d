/**
 * A stub `fetch` for the SDK's unit tests: each test scripts the API's answers and then reads
 * what the client sent.
 */
export interface SentRequest {
  method: string;
  url: URL;
  path: string;
  headers: Headers;
  /** The JSON body, parsed (undefined when there was none). */
  body: unknown;
  signal: AbortSignal | undefined;
}

export type Answer = Response | Promise<Response>;
export type Handler = (request: SentRequest, callNumber: number) => Answer;

export interface StubFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  calls: SentRequest[];
}

export function stubFetch(handler: Handler): StubFetch {
  const calls: SentRequest[] = [];
  const fn = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const text = typeof init.body === "string" ? init.body : undefined;
    const request: SentRequest = {
      method: (init.method ?? "GET").toUpperCase(),
      url,
      path: url.pathname,
      headers: new Headers(init.headers),
      body: text === undefined ? undefined : JSON.parse(text),
      signal: init.signal ?? undefined,
    };
    calls.push(request);
    return handler(request, calls.length);
  }) as StubFetch;
  fn.calls = calls;
  return fn;
}

/** A scripted sequence: the n-th call gets the n-th answer (the last one repeats). */
export function sequence(...answers: Array<() => Answer>): Handler {
  return (_request, n) => answers[Math.min(n, answers.length) - 1]();
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export const ERROR_CODES_BY_STATUS: Record<number, string> = {
  400: "malformed_request",
  401: "unauthenticated",
  402: "payment_declined",
  403: "forbidden",
  404: "not_found",
  408: "service_unavailable",
  409: "conflict",
  422: "validation_failed",
  429: "rate_limited",
  500: "internal_error",
  502: "service_unavailable",
  503: "service_unavailable",
  504: "service_unavailable",
};

export function problem(status: number, code = ERROR_CODES_BY_STATUS[status] ?? "internal_error", extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  const body = {
    type: `/problems/${code}`,
    title: `Title ${status}`,
    status,
    detail: `Detail of ${code}`,
    code,
    request_id: "req-from-body",
    ...extra,
  };
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/problem+json", ...headers } });
}

/** A fetch failure the way undici reports one (TypeError "fetch failed" with a cause). */
export function networkFailure(): never {
  throw new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }) });
}

export const USER = {
  id: 1,
  email: "shopper@example.com",
  first_name: "Ada",
  last_name: "Lovelace",
  role: "customer",
  is_active: true,
  created_at: "2026-01-01T12:00:00.000Z",
  updated_at: "2026-01-01T12:00:00.000Z",
};

export function tokenPair(n: number) {
  return { access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: "Bearer", expires_in: 900 };
}

export function product(id: number) {
  return {
    id,
    name: `Book ${id}`,
    description: "A book",
    sku: `SKU-${id}`,
    category: "books",
    price: { amount: 1999, currency: "USD" },
    images: [],
    is_active: true,
    stock: 10,
    available: 10,
    created_at: "2026-01-01T12:00:00.000Z",
    updated_at: "2026-01-01T12:00:00.000Z",
  };
}

/** Fast retries for tests: 1-4 ms of backoff instead of 0.5-8 s. */
export const FAST_RETRY = { initialDelayMs: 1, maxDelayMs: 4 };

export function cart(items: Array<{ product_id: number; quantity: number }> = []) {
  return {
    id: 1,
    items: items.map((item, i) => ({
      id: i + 1,
      product_id: item.product_id,
      name: `Book ${item.product_id}`,
      quantity: item.quantity,
      unit_price: { amount: 1999, currency: "USD" },
      line_total: { amount: 1999 * item.quantity, currency: "USD" },
      added_at: "2026-01-01T12:00:00.000Z",
    })),
    item_count: items.reduce((n, item) => n + item.quantity, 0),
    subtotal: { amount: 1999 * items.reduce((n, item) => n + item.quantity, 0), currency: "USD" },
    created_at: "2026-01-01T12:00:00.000Z",
    updated_at: "2026-01-01T12:00:00.000Z",
  };
}

const USD = (amount: number) => ({ amount, currency: "USD" });
const AT = "2026-01-01T12:00:00.000Z";
export const QUOTE_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
export const ORDER_ID = "3b241101-e2bb-4255-8caf-4136c566a962";
export const RECEIPT_ID = "9a4c3f0e-5d3b-4b8a-9f5e-2c1d0e9b8a7f";

export function quote(promo_code: string | null = null) {
  return {
    id: QUOTE_ID, cart_id: 1, user_id: 1, status: "open", items: [],
    subtotal: USD(3998), discount_total: USD(400), shipping_total: USD(0), tax_total: USD(0), total: USD(3598),
    promo_code, price_changes: [], expires_at: AT, order_id: null, accepted_at: null, created_at: AT,
  };
}

export function receipt() {
  return {
    id: RECEIPT_ID, order_id: ORDER_ID, kind: "sale", transaction_id: "t1",
    subtotal: USD(3998), discount_total: USD(400), shipping_total: USD(0), tax_total: USD(0), total: USD(3598), items: [], created_at: AT,
  };
}

export function transaction() {
  return {
    id: "t1", order_id: ORDER_ID, quote_id: QUOTE_ID, type: "charge", status: "succeeded", amount: USD(3598),
    payment_gateway_id: "test", gateway_transaction_id: "gw1", response_code: "approved", created_at: AT,
  };
}

export function order(status = "paid") {
  return {
    id: ORDER_ID, user_id: 1, quote_id: QUOTE_ID, status, currency: "USD",
    subtotal: USD(3998), discount_total: USD(400), shipping_total: USD(0), tax_total: USD(0), total: USD(3598),
    promo_code: "WELCOME10", shipping_address: null, items: [], shipments: [], receipts: [receipt()], transactions: [transaction()],
    created_at: AT, updated_at: AT,
  };
}
