/*
 * dredd hooks for the cart service (openapi/dist/cart.json): every operation and every
 * documented status code, each with a request that really produces it.
 *
 * dredd sends the spec's example request for every documented status, so each transaction
 * is rebuilt here by its method, path template and status (see `cases` below); a
 * transaction without a case fails, so a status added to the spec cannot go unexercised.
 *
 * Fixtures are made through the real APIs: fresh shoppers registered at the auth service,
 * products created by the demo admin at the product service, carts and quotes through the
 * cart service. The 503 cases need a product service that does not answer, which the
 * platform under test must not lose, so the hooks start a second cart service (its own
 * SQLite data dir) whose PRODUCT_URL is a proxy in this process: the proxy forwards to the
 * real product service while fixtures are arranged, then drops connections for the request
 * under test.
 *
 * Env: AUTH_URL, PRODUCT_URL, CART_URL (set by scripts/contract.ts); SERVICE_SECRET when the
 * platform does not run on the development default.
 */
const hooks = require("hooks");
const { SERVICE_SECRET, keyedCases, randomTag, serviceToken, setBody, setPath, setToken, setUnsupportedMediaType, stripCharset } = require("./shared.cjs");
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "../../..");
const AUTH_URL = process.env.AUTH_URL || "http://127.0.0.1:8001";
const PRODUCT_URL = process.env.PRODUCT_URL || "http://127.0.0.1:8002";
const CART_URL = process.env.CART_URL || "http://127.0.0.1:8003";

const state = {};
const tag = randomTag;

async function call(base, method, urlPath, { token, body } = {}) {
  const response = await fetch(base + urlPath, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new Error(`${method} ${base}${urlPath} answered ${response.status}: ${text}`);
  return parsed;
}

async function registerShopper() {
  const t = tag();
  const result = await call(AUTH_URL, "POST", "/v1/auth/register", {
    body: { email: `dredd-cart-${t}@example.com`, password: `dredd-cart-${t}-pass`, first_name: "Dredd", last_name: `Shopper ${t}` },
  });
  return result.tokens.access_token;
}

async function createProduct(overrides = {}) {
  const t = tag();
  return call(PRODUCT_URL, "POST", "/v1/products", {
    token: state.admin,
    body: { name: `Dredd cart product ${t}`, description: "Made by the cart contract hooks.", sku: `DREDD-CART-${t}`, price: { amount: 1999, currency: "USD" }, stock: 1000, is_active: true, ...overrides },
  });
}

const addItem = (token, productId, quantity = 1, base = CART_URL) => call(base, "POST", "/v1/cart/items", { token, body: { product_id: productId, quantity } });
const itemOf = (cart, productId) => cart.items.find((i) => i.product_id === productId).id;

const ADDRESS = { name: "Dredd Shopper", address_1: "1 Main St", address_2: "Apt 4", city: "Los Angeles", state: "CA", zip_code: "90001" };

/** A fresh shopper whose cart holds the main product and who has an open quote for it (shaped like the spec's example). */
async function shopperWithQuote() {
  const token = await registerShopper();
  await addItem(token, state.product.id);
  const quote = await call(CART_URL, "POST", "/v1/cart/quotes", { token, body: { promo_code: "WELCOME10", shipping_address: ADDRESS } });
  return { token, quote };
}

const orderService = () => serviceToken("service:order");

// ---- the second cart service, behind a product proxy that can be switched off ----

let proxyUp = true;
let proxy;
let downCart;

function startProxy() {
  const target = new URL(PRODUCT_URL);
  proxy = http.createServer((req, res) => {
    if (!proxyUp) {
      req.socket.destroy();
      return;
    }
    const upstream = http.request({ hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => proxy.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${proxy.address().port}`)));
}

function freePort() {
  return new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startDownCart(productUrl) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dredd-cart-down-"));
  const env = { ...process.env, PORT: String(port), DATA_DIR: dataDir, PRODUCT_URL: productUrl, PRODUCT_TIMEOUT_MS: "1000", AUTH_JWKS_URL: `${AUTH_URL}/.well-known/jwks.json`, SERVICE_SECRET, LOG_LEVEL: "silent", SEED_DEMO_DATA: "false" };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=development", "services/cart/src/main.ts"], { cwd: ROOT, env, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the second cart service exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error("the second cart service did not start");
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, port, child, dataDir };
}

function stopDownCart() {
  if (downCart && downCart.child.exitCode === null) downCart.child.kill("SIGTERM");
  if (downCart) fs.rmSync(downCart.dataDir, { recursive: true, force: true });
  if (proxy) proxy.close();
}
process.on("exit", () => {
  if (downCart && downCart.child.exitCode === null) downCart.child.kill("SIGKILL");
});

/** Points a transaction at the second cart service with the product service switched off. */
function toDownCart(t) {
  t.host = "127.0.0.1";
  t.port = downCart.port;
  proxyUp = false;
}

// request shaping (setToken, setBody, setPath, ...) and the case plumbing live in ./shared.cjs

const ADD_BODY = () => ({ product_id: state.product.id, quantity: 1 });

/** method + path template + status -> what makes that response happen. */
const cases = {
  "GET /v1/cart 200": async (t) => setToken(t, state.shopper),
  "GET /v1/cart 401": async (t) => setToken(t, null),
  "DELETE /v1/cart 200": async (t) => setToken(t, state.shopper),
  "DELETE /v1/cart 401": async (t) => setToken(t, null),

  "POST /v1/cart/items 201": async (t) => {
    setToken(t, state.shopper);
    setBody(t, ADD_BODY());
  },
  "POST /v1/cart/items 400": async (t) => {
    setToken(t, state.shopper);
    setBody(t, "{not json");
  },
  "POST /v1/cart/items 401": async (t) => {
    setToken(t, null);
    setBody(t, ADD_BODY());
  },
  "POST /v1/cart/items 404": async (t) => {
    setToken(t, state.shopper);
    setBody(t, { product_id: state.inactive.id, quantity: 1 });
  },
  "POST /v1/cart/items 415": async (t) => {
    setToken(t, state.shopper);
    setUnsupportedMediaType(t);
  },
  "POST /v1/cart/items 422": async (t) => {
    setToken(t, state.shopper);
    setBody(t, { product_id: state.product.id, quantity: 0 });
  },
  "POST /v1/cart/items 503": async (t) => {
    setToken(t, state.shopper);
    setBody(t, ADD_BODY());
    toDownCart(t);
  },

  "PATCH /v1/cart/items/{item_id} 200": async (t) => {
    const cart = await addItem(state.shopper, state.product.id);
    setToken(t, state.shopper);
    setPath(t, `/v1/cart/items/${itemOf(cart, state.product.id)}`);
    setBody(t, { quantity: 2 });
  },
  "PATCH /v1/cart/items/{item_id} 400": async (t) => {
    const cart = await addItem(state.shopper, state.product.id);
    setToken(t, state.shopper);
    setPath(t, `/v1/cart/items/${itemOf(cart, state.product.id)}`);
    setBody(t, "{not json");
  },
  "PATCH /v1/cart/items/{item_id} 401": async (t) => {
    setToken(t, null);
    setBody(t, { quantity: 2 });
  },
  "PATCH /v1/cart/items/{item_id} 404": async (t) => {
    // an item of another shopper's cart is as absent as one that never existed
    const cart = await addItem(state.shopper, state.product.id);
    setToken(t, state.other);
    setPath(t, `/v1/cart/items/${itemOf(cart, state.product.id)}`);
    setBody(t, { quantity: 2 });
  },
  "PATCH /v1/cart/items/{item_id} 415": async (t) => {
    setToken(t, state.shopper);
    setUnsupportedMediaType(t);
  },
  "PATCH /v1/cart/items/{item_id} 422": async (t) => {
    const cart = await addItem(state.shopper, state.product.id);
    setToken(t, state.shopper);
    setPath(t, `/v1/cart/items/${itemOf(cart, state.product.id)}`);
    setBody(t, { quantity: 0 });
  },
  "PATCH /v1/cart/items/{item_id} 503": async (t) => {
    proxyUp = true;
    const token = await registerShopper();
    const cart = await addItem(token, state.product.id, 1, downCart.url);
    setToken(t, token);
    setPath(t, `/v1/cart/items/${itemOf(cart, state.product.id)}`);
    setBody(t, { quantity: 2 });
    toDownCart(t);
  },

  "DELETE /v1/cart/items/{item_id} 200": async (t) => {
    const cart = await addItem(state.shopper, state.product.id);
    setToken(t, state.shopper);
    setPath(t, `/v1/cart/items/${itemOf(cart, state.product.id)}`);
  },
  "DELETE /v1/cart/items/{item_id} 401": async (t) => setToken(t, null),
  "DELETE /v1/cart/items/{item_id} 404": async (t) => {
    const cart = await addItem(state.shopper, state.product.id);
    setToken(t, state.other);
    setPath(t, `/v1/cart/items/${itemOf(cart, state.product.id)}`);
  },
  "DELETE /v1/cart/items/{item_id} 422": async (t) => {
    setToken(t, state.shopper);
    setPath(t, "/v1/cart/items/not-a-number");
  },

  "POST /v1/cart/quotes 201": async (t) => {
    await addItem(state.shopper, state.product.id);
    setToken(t, state.shopper);
    setBody(t, { promo_code: "WELCOME10", shipping_address: { address_1: "1 Main St", city: "Los Angeles", state: "CA", zip_code: "90001" } });
    // the response has every address line, the ones not sent as null
  },
  "POST /v1/cart/quotes 400": async (t) => {
    setToken(t, state.shopper);
    setBody(t, "{not json");
  },
  "POST /v1/cart/quotes 401": async (t) => {
    setToken(t, null);
    setBody(t, {});
  },
  "POST /v1/cart/quotes 409": async (t) => {
    // two shoppers want the last unit; the first one's quote holds it
    const last = await createProduct({ stock: 1 });
    const [first, second] = [await registerShopper(), await registerShopper()];
    await addItem(first, last.id);
    await addItem(second, last.id);
    await call(CART_URL, "POST", "/v1/cart/quotes", { token: first, body: {} });
    setToken(t, second);
    setBody(t, {});
  },
  "POST /v1/cart/quotes 415": async (t) => {
    setToken(t, state.shopper);
    setUnsupportedMediaType(t);
  },
  "POST /v1/cart/quotes 422": async (t) => {
    await addItem(state.shopper, state.product.id);
    setToken(t, state.shopper);
    setBody(t, { promo_code: "NO-SUCH-CODE" });
  },
  "POST /v1/cart/quotes 503": async (t) => {
    proxyUp = true;
    const token = await registerShopper();
    await addItem(token, state.product.id, 1, downCart.url);
    setToken(t, token);
    setBody(t, {});
    toDownCart(t);
  },

  "GET /v1/quotes/{id} 200": async (t) => {
    const { token, quote } = await shopperWithQuote();
    setToken(t, token);
    setPath(t, `/v1/quotes/${quote.id}`);
  },
  "GET /v1/quotes/{id} 401": async (t) => setToken(t, null),
  "GET /v1/quotes/{id} 404": async (t) => {
    const { quote } = await shopperWithQuote();
    setToken(t, state.other);
    setPath(t, `/v1/quotes/${quote.id}`);
  },

  "POST /v1/quotes/{id}/accept 200": async (t) => {
    const { quote } = await shopperWithQuote();
    setToken(t, orderService());
    setPath(t, `/v1/quotes/${quote.id}/accept`);
    setBody(t, { order_id: `dredd-${tag()}` });
  },
  "POST /v1/quotes/{id}/accept 400": async (t) => {
    const { quote } = await shopperWithQuote();
    setToken(t, orderService());
    setPath(t, `/v1/quotes/${quote.id}/accept`);
    setBody(t, "{not json");
  },
  "POST /v1/quotes/{id}/accept 401": async (t) => {
    setToken(t, null);
    setBody(t, { order_id: "1001" });
  },
  "POST /v1/quotes/{id}/accept 403": async (t) => {
    // the quote's own shopper may not accept it: only the order service may
    const { token, quote } = await shopperWithQuote();
    setToken(t, token);
    setPath(t, `/v1/quotes/${quote.id}/accept`);
    setBody(t, { order_id: "1001" });
  },
  "POST /v1/quotes/{id}/accept 404": async (t) => {
    setToken(t, orderService());
    setPath(t, `/v1/quotes/q_${tag()}/accept`);
    setBody(t, { order_id: "1001" });
  },
  "POST /v1/quotes/{id}/accept 409": async (t) => {
    const { quote } = await shopperWithQuote();
    await call(CART_URL, "POST", `/v1/quotes/${quote.id}/accept`, { token: orderService(), body: { order_id: `dredd-first-${tag()}` } });
    setToken(t, orderService());
    setPath(t, `/v1/quotes/${quote.id}/accept`);
    setBody(t, { order_id: `dredd-other-${tag()}` });
  },
  "POST /v1/quotes/{id}/accept 415": async (t) => {
    setToken(t, orderService());
    setUnsupportedMediaType(t);
  },
  "POST /v1/quotes/{id}/accept 422": async (t) => {
    const { quote } = await shopperWithQuote();
    setToken(t, orderService());
    setPath(t, `/v1/quotes/${quote.id}/accept`);
    setBody(t, {});
  },

  "GET /v1/promo-codes 200": async (t) => {
    setToken(t, state.admin);
    setPath(t, "/v1/promo-codes?limit=5");
  },
  "GET /v1/promo-codes 401": async (t) => {
    setToken(t, null);
    setPath(t, "/v1/promo-codes");
  },
  "GET /v1/promo-codes 403": async (t) => {
    setToken(t, state.shopper);
    setPath(t, "/v1/promo-codes");
  },
  "GET /v1/promo-codes 422": async (t) => {
    setToken(t, state.admin);
    setPath(t, "/v1/promo-codes?limit=0");
  },

  "POST /v1/promo-codes 201": async (t) => {
    setToken(t, state.admin);
    setBody(t, { code: `DREDD${tag()}`.toUpperCase(), kind: "percent", percent_off: 15 });
  },
  "POST /v1/promo-codes 400": async (t) => {
    setToken(t, state.admin);
    setBody(t, "{not json");
  },
  "POST /v1/promo-codes 401": async (t) => {
    setToken(t, null);
    setBody(t, { code: `DREDD${tag()}`, kind: "percent", percent_off: 15 });
  },
  "POST /v1/promo-codes 403": async (t) => {
    setToken(t, state.shopper);
    setBody(t, { code: `DREDD${tag()}`, kind: "percent", percent_off: 15 });
  },
  "POST /v1/promo-codes 409": async (t) => {
    setToken(t, state.admin);
    setBody(t, { code: "WELCOME10", kind: "percent", percent_off: 10 });
  },
  "POST /v1/promo-codes 415": async (t) => {
    setToken(t, state.admin);
    setUnsupportedMediaType(t);
  },
  "POST /v1/promo-codes 422": async (t) => {
    setToken(t, state.admin);
    setBody(t, { code: `DREDD${tag()}`, kind: "amount", percent_off: 15 });
  },
};

hooks.beforeAll((transactions, done) => {
  (async () => {
    const login = await call(AUTH_URL, "POST", "/v1/auth/login", { body: { email: "admin@example.com", password: "admin-demo-pass" } });
    state.admin = login.tokens.access_token;
    state.shopper = await registerShopper();
    state.other = await registerShopper();
    state.product = await createProduct();
    state.inactive = await createProduct({ is_active: false });
    downCart = await startDownCart(await startProxy());
  })().then(
    () => done(),
    (error) => {
      hooks.log(`cart hooks could not arrange their fixtures: ${error.stack || error}`);
      for (const t of transactions) t.fail = `fixtures failed: ${error.message}`;
      done();
    },
  );
});

hooks.afterAll((_transactions, done) => {
  stopDownCart();
  done();
});

// every documented status is exercised; the product proxy is back up before each case
keyedCases(hooks, cases, "cart.cjs", () => {
  proxyUp = true;
});

hooks.beforeEachValidation((transaction) => stripCharset(transaction));
