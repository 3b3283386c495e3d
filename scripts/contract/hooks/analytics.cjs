/*
 * dredd hooks for the analytics service (openapi/dist/analytics.json): every operation and
 * every documented status, each with a request that really produces it.
 *
 * Tokens come from the real auth service (the demo admin, a freshly registered shopper);
 * service credentials are signed with the platform's service secret, as the services sign
 * them for each other. Event ids are fresh per request so a re-run is never a duplicate.
 * The 429 uses a client address of its own (X-Forwarded-For from loopback, which the
 * services trust) and spends that address's event budget first, so no other case is limited.
 *
 * Env: AUTH_URL, ANALYTICS_URL (set by scripts/contract.ts); SERVICE_SECRET when the platform
 * does not run on the development default.
 */
const hooks = require("hooks");
const crypto = require("node:crypto");
const { keyedCases, randomTag, serviceToken, setBody, setHeader, setPath, setToken, setUnsupportedMediaType, stripCharset } = require("./shared.cjs");

const AUTH_URL = process.env.AUTH_URL || "http://127.0.0.1:8001";
const ANALYTICS_URL = process.env.ANALYTICS_URL || "http://127.0.0.1:8005";

const state = {};

async function post(base, urlPath, body, headers = {}) {
  const response = await fetch(base + urlPath, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function tokenOf(urlPath, body) {
  const result = await post(AUTH_URL, urlPath, body);
  if (result.status >= 300) throw new Error(`POST ${urlPath} answered ${result.status}: ${JSON.stringify(result.body)}`);
  return result.body.tokens.access_token;
}

const visitor = () => `v_dredd_${randomTag()}`;
const pageView = (path = "/search") => ({ id: crypto.randomUUID(), type: "page_view", properties: { path } });
const clientBatch = (events = [pageView()]) => ({ visitor_id: visitor(), events });
const serverBatch = () => ({
  events: [{ id: crypto.randomUUID(), type: "search", occurred_at: new Date().toISOString(), visitor_id: visitor(), user_id: null, properties: { term: "dredd", result_count: 0 } }],
});

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const FUNNEL = () => `/v1/admin/kpis/funnel?from=${daysAgo(6)}&to=${today()}`;
const SUMMARY = (extra = "") => `/v1/admin/kpis/summary?from=${daysAgo(13)}&to=${today()}&interval=week${extra}`;

/** Spends a fresh client address's per-minute event budget, then sends the request under test from it. */
async function exhaustedAddress(t) {
  const address = `198.51.100.${1 + crypto.randomInt(250)}`;
  for (let sent = 0; sent < 200; sent += 1) {
    const events = Array.from({ length: 50 }, () => pageView());
    const { status } = await post(ANALYTICS_URL, "/v1/events", clientBatch(events), { "X-Forwarded-For": address });
    if (status === 429) break;
    if (status !== 202) throw new Error(`spending the event budget answered ${status}`);
  }
  setHeader(t, "X-Forwarded-For", address);
}

/** method + path template + status -> what makes that response happen. */
const cases = {
  "POST /v1/events 202": async (t) => {
    setToken(t, state.shopper);
    setHeader(t, "X-Disqo-Visitor-Id", visitor());
    setBody(t, clientBatch());
  },
  "POST /v1/events 400": async (t) => setBody(t, "{not json"),
  "POST /v1/events 415": async (t) => setUnsupportedMediaType(t),
  "POST /v1/events 422": async (t) => setBody(t, { visitor_id: visitor(), events: [{ id: crypto.randomUUID(), type: "teleported", properties: {} }] }),
  "POST /v1/events 429": async (t) => {
    setBody(t, clientBatch());
    await exhaustedAddress(t);
  },

  "POST /v1/internal/events 200": async (t) => {
    setToken(t, serviceToken("service:product"));
    setBody(t, serverBatch());
  },
  "POST /v1/internal/events 400": async (t) => {
    setToken(t, serviceToken("service:product"));
    setBody(t, "{not json");
  },
  "POST /v1/internal/events 401": async (t) => {
    setToken(t, null);
    setBody(t, serverBatch());
  },
  "POST /v1/internal/events 403": async (t) => {
    // a shopper's token is a valid credential, but not a service's
    setToken(t, state.shopper);
    setBody(t, serverBatch());
  },
  "POST /v1/internal/events 415": async (t) => {
    setToken(t, serviceToken("service:product"));
    setUnsupportedMediaType(t);
  },
  "POST /v1/internal/events 422": async (t) => {
    setToken(t, serviceToken("service:product"));
    setBody(t, { events: [{ id: crypto.randomUUID(), type: "page_view", occurred_at: new Date().toISOString(), properties: {} }] });
  },

  "GET /v1/admin/kpis/funnel 200": async (t) => {
    setToken(t, state.admin);
    setPath(t, FUNNEL());
  },
  "GET /v1/admin/kpis/funnel 401": async (t) => {
    setToken(t, null);
    setPath(t, FUNNEL());
  },
  "GET /v1/admin/kpis/funnel 403": async (t) => {
    setToken(t, state.shopper);
    setPath(t, FUNNEL());
  },
  "GET /v1/admin/kpis/funnel 422": async (t) => {
    setToken(t, state.admin);
    setPath(t, `/v1/admin/kpis/funnel?from=${today()}&to=${daysAgo(3)}`);
  },

  "GET /v1/admin/kpis/summary 200": async (t) => {
    setToken(t, state.admin);
    setPath(t, SUMMARY("&abandon_after_hours=24"));
  },
  "GET /v1/admin/kpis/summary 401": async (t) => {
    setToken(t, null);
    setPath(t, SUMMARY());
  },
  "GET /v1/admin/kpis/summary 403": async (t) => {
    setToken(t, state.shopper);
    setPath(t, SUMMARY());
  },
  "GET /v1/admin/kpis/summary 422": async (t) => {
    setToken(t, state.admin);
    setPath(t, `/v1/admin/kpis/summary?from=${daysAgo(3)}&to=${today()}&interval=month`);
  },
};

hooks.beforeAll((transactions, done) => {
  (async () => {
    state.admin = await tokenOf("/v1/auth/login", { email: "admin@example.com", password: "admin-demo-pass" });
    const t = randomTag();
    state.shopper = await tokenOf("/v1/auth/register", { email: `dredd-analytics-${t}@example.com`, password: `dredd-analytics-${t}-pass`, first_name: "Dredd", last_name: `Visitor ${t}` });
  })().then(
    () => done(),
    (error) => {
      hooks.log(`analytics hooks could not arrange their fixtures: ${error.stack || error}`);
      for (const tr of transactions) tr.fail = `fixtures failed: ${error.message}`;
      done();
    },
  );
});

keyedCases(hooks, cases, "analytics.cjs");

hooks.beforeEachValidation((transaction) => stripCharset(transaction));
