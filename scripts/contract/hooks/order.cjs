/*
 * dredd hooks for the order service (openapi/dist/order.json): every operation and every
 * documented status code, each with a request that really produces it.
 *
 * dredd sends the spec's example request for every documented status, so each transaction
 * is rebuilt here by its method, path template and status (see `cases` below); a
 * transaction without a case fails, so a status added to the spec cannot go unexercised.
 *
 * Fixtures are made through the real APIs: fresh shoppers registered at the auth service,
 * products created by the demo admin at the product service, carts and quotes at the cart
 * service, paid orders through the order service itself. The failure cases use the built-in
 * test gateway's card tokens: `tok_chargeDeclined` (402), `tok_gatewayDown` (503 at checkout:
 * the processor cannot be reached) and `tok_refundFail` (503 at cancel: the refund is declined).
 *
 * Env: AUTH_URL, PRODUCT_URL, CART_URL, ORDER_URL (set by scripts/contract.ts).
 */
const hooks = require("hooks");
const { keyedCases, setBody, setHeader, setPath, setToken, setUnsupportedMediaType, stripCharset } = require("./shared.cjs");
const crypto = require("node:crypto");

const AUTH_URL = process.env.AUTH_URL || "http://127.0.0.1:8001";
const PRODUCT_URL = process.env.PRODUCT_URL || "http://127.0.0.1:8002";
const CART_URL = process.env.CART_URL || "http://127.0.0.1:8003";
const ORDER_URL = process.env.ORDER_URL || "http://127.0.0.1:8004";

const state = {};
const tag = () => crypto.randomBytes(5).toString("hex");
const uuid = () => crypto.randomUUID();

async function call(base, method, urlPath, { token, body, headers = {} } = {}) {
  const response = await fetch(base + urlPath, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new Error(`${method} ${base}${urlPath} answered ${response.status}: ${text}`);
  return parsed;
}

async function registerShopper() {
  const t = tag();
  const result = await call(AUTH_URL, "POST", "/v1/auth/register", {
    body: { email: `dredd-order-${t}@example.com`, password: `dredd-order-${t}-pass`, first_name: "Dredd", last_name: `Shopper ${t}` },
  });
  return { token: result.tokens.access_token, id: result.user.id };
}

async function createProduct(overrides = {}) {
  const t = tag();
  return call(PRODUCT_URL, "POST", "/v1/products", {
    token: state.admin,
    body: { name: `Dredd order product ${t}`, description: "Made by the order contract hooks.", sku: `DREDD-ORDER-${t}`, price: { amount: 1999, currency: "USD" }, stock: 1000, is_active: true, ...overrides },
  });
}

const ADDRESS = { name: "Dredd Shopper", address_1: "1 Main St", address_2: "Apt 4", city: "Los Angeles", state: "CA", zip_code: "90001" };

/** A shopper (fresh unless given) with an open quote for one or more products. */
async function quoteFor(shopper, products = [state.product], quantity = 1) {
  const who = shopper || (await registerShopper());
  for (const p of products) await call(CART_URL, "POST", "/v1/cart/items", { token: who.token, body: { product_id: p.id, quantity } });
  const quote = await call(CART_URL, "POST", "/v1/cart/quotes", { token: who.token, body: { promo_code: "WELCOME10", shipping_address: ADDRESS } });
  return { shopper: who, quote };
}

/** A paid order of a shopper (fresh unless given), placed through the order service. */
async function paidOrder(shopper, { products, cardToken = "tok_visa" } = {}) {
  const { shopper: who, quote } = await quoteFor(shopper, products);
  const result = await call(ORDER_URL, "POST", "/v1/checkout", {
    token: who.token,
    headers: { "Idempotency-Key": uuid() },
    body: { quote_id: quote.id, payment_method: { type: "card", token: cardToken } },
  });
  return { shopper: who, quote, ...result };
}

// ---- request shaping (setToken, setBody, setPath, ... in ./shared.cjs) ----

function setKey(t) {
  setHeader(t, "Idempotency-Key", uuid());
}

const payWith = (quoteId, token = "tok_visa") => ({ quote_id: quoteId, payment_method: { type: "card", token } });
const SHIPPING = { carrier: "UPS", tracking_number: "1Z999AA10123456784", expected_arrival_date: "2030-01-05" };

/** method + path template + status -> what makes that response happen. */
const cases = {
  // ---- checkout ----
  "POST /v1/checkout 201": async (t) => {
    const { shopper, quote } = await quoteFor();
    setToken(t, shopper.token);
    setKey(t);
    setBody(t, payWith(quote.id));
  },
  "POST /v1/checkout 400": async (t) => {
    setToken(t, state.shopper.token);
    setKey(t);
    setBody(t, "{not json");
  },
  "POST /v1/checkout 401": async (t) => {
    setToken(t, null);
    setKey(t);
    setBody(t, payWith("q_none"));
  },
  "POST /v1/checkout 402": async (t) => {
    const { shopper, quote } = await quoteFor();
    setToken(t, shopper.token);
    setKey(t);
    setBody(t, payWith(quote.id, "tok_chargeDeclined"));
  },
  "POST /v1/checkout 404": async (t) => {
    // someone else's quote is as absent as one that never existed
    const { quote } = await quoteFor();
    setToken(t, state.other.token);
    setKey(t);
    setBody(t, payWith(quote.id));
  },
  "POST /v1/checkout 409": async (t) => {
    const { shopper, quote } = await paidOrder();
    setToken(t, shopper.token);
    setKey(t);
    setBody(t, payWith(quote.id));
  },
  "POST /v1/checkout 415": async (t) => {
    setToken(t, state.shopper.token);
    setKey(t);
    setUnsupportedMediaType(t);
  },
  "POST /v1/checkout 422": async (t) => {
    setToken(t, state.shopper.token);
    setKey(t);
    setBody(t, { quote_id: "q_none", payment_method: { type: "paypal", token: "tok_visa" } });
  },
  "POST /v1/checkout 503": async (t) => {
    const { shopper, quote } = await quoteFor();
    setToken(t, shopper.token);
    setKey(t);
    setBody(t, payWith(quote.id, "tok_gatewayDown"));
  },

  // ---- orders ----
  "GET /v1/orders 200": async (t) => {
    setToken(t, state.customer.shopper.token);
    setPath(t, "/v1/orders?limit=5");
  },
  "GET /v1/orders 401": async (t) => {
    setToken(t, null);
    setPath(t, "/v1/orders");
  },
  "GET /v1/orders 422": async (t) => {
    setToken(t, state.shopper.token);
    setPath(t, "/v1/orders?limit=0");
  },
  "GET /v1/orders/{id} 200": async (t) => {
    setToken(t, state.customer.shopper.token);
    setPath(t, `/v1/orders/${state.customer.order.id}`);
  },
  "GET /v1/orders/{id} 401": async (t) => setToken(t, null),
  "GET /v1/orders/{id} 404": async (t) => {
    setToken(t, state.other.token);
    setPath(t, `/v1/orders/${state.customer.order.id}`);
  },
  "GET /v1/orders/{id} 422": async (t) => {
    setToken(t, state.shopper.token);
    setPath(t, "/v1/orders/not-a-uuid");
  },

  "POST /v1/orders/{id}/cancel 200": async (t) => {
    const { shopper, order } = await paidOrder();
    setToken(t, shopper.token);
    setPath(t, `/v1/orders/${order.id}/cancel`);
    setKey(t);
    setBody(t, { reason: "Ordered the wrong size." });
  },
  "POST /v1/orders/{id}/cancel 400": async (t) => {
    setToken(t, state.customer.shopper.token);
    setPath(t, `/v1/orders/${state.customer.order.id}/cancel`);
    setKey(t);
    setBody(t, "{not json");
  },
  "POST /v1/orders/{id}/cancel 401": async (t) => {
    setToken(t, null);
    setKey(t);
  },
  "POST /v1/orders/{id}/cancel 404": async (t) => {
    setToken(t, state.other.token);
    setPath(t, `/v1/orders/${state.customer.order.id}/cancel`);
    setKey(t);
    setBody(t, {});
  },
  "POST /v1/orders/{id}/cancel 409": async (t) => {
    const { shopper, order } = await paidOrder();
    await call(ORDER_URL, "POST", `/v1/orders/${order.id}/shipments`, { token: state.admin, body: SHIPPING });
    setToken(t, shopper.token);
    setPath(t, `/v1/orders/${order.id}/cancel`);
    setKey(t);
    setBody(t, {});
  },
  "POST /v1/orders/{id}/cancel 415": async (t) => {
    setToken(t, state.customer.shopper.token);
    setKey(t);
    setPath(t, `/v1/orders/${state.customer.order.id}/cancel`);
    setUnsupportedMediaType(t);
  },
  "POST /v1/orders/{id}/cancel 422": async (t) => {
    setToken(t, state.customer.shopper.token);
    setPath(t, `/v1/orders/${state.customer.order.id}/cancel`);
    setKey(t);
    setBody(t, { reason: 42 });
  },
  "POST /v1/orders/{id}/cancel 503": async (t) => {
    const { shopper, order } = await paidOrder(undefined, { cardToken: "tok_refundFail" });
    setToken(t, shopper.token);
    setPath(t, `/v1/orders/${order.id}/cancel`);
    setKey(t);
    setBody(t, {});
  },

  // ---- admin ----
  "POST /v1/orders/{id}/shipments 201": async (t) => {
    const { order } = await paidOrder(undefined, { products: [state.product, state.second] });
    setToken(t, state.admin);
    setPath(t, `/v1/orders/${order.id}/shipments`);
    setBody(t, { ...SHIPPING, item_ids: [order.items[0].id] });
  },
  "POST /v1/orders/{id}/shipments 400": async (t) => {
    setToken(t, state.admin);
    setPath(t, `/v1/orders/${state.customer.order.id}/shipments`);
    setBody(t, "{not json");
  },
  "POST /v1/orders/{id}/shipments 401": async (t) => {
    setToken(t, null);
    setBody(t, SHIPPING);
  },
  "POST /v1/orders/{id}/shipments 403": async (t) => {
    setToken(t, state.customer.shopper.token);
    setPath(t, `/v1/orders/${state.customer.order.id}/shipments`);
    setBody(t, SHIPPING);
  },
  "POST /v1/orders/{id}/shipments 404": async (t) => {
    setToken(t, state.admin);
    setPath(t, `/v1/orders/${uuid()}/shipments`);
    setBody(t, SHIPPING);
  },
  "POST /v1/orders/{id}/shipments 409": async (t) => {
    const { shopper, order } = await paidOrder();
    await call(ORDER_URL, "POST", `/v1/orders/${order.id}/cancel`, { token: shopper.token, headers: { "Idempotency-Key": uuid() }, body: {} });
    setToken(t, state.admin);
    setPath(t, `/v1/orders/${order.id}/shipments`);
    setBody(t, SHIPPING);
  },
  "POST /v1/orders/{id}/shipments 415": async (t) => {
    setToken(t, state.admin);
    setKey(t);
    setPath(t, `/v1/orders/${state.customer.order.id}/shipments`);
    setUnsupportedMediaType(t);
  },
  "POST /v1/orders/{id}/shipments 422": async (t) => {
    setToken(t, state.admin);
    setPath(t, `/v1/orders/${state.customer.order.id}/shipments`);
    setBody(t, { carrier: "UPS" });
  },

  "POST /v1/orders/{id}/deliver 200": async (t) => {
    const { order } = await paidOrder();
    await call(ORDER_URL, "POST", `/v1/orders/${order.id}/shipments`, { token: state.admin, body: SHIPPING });
    setToken(t, state.admin);
    setPath(t, `/v1/orders/${order.id}/deliver`);
  },
  "POST /v1/orders/{id}/deliver 401": async (t) => setToken(t, null),
  "POST /v1/orders/{id}/deliver 403": async (t) => {
    setToken(t, state.customer.shopper.token);
    setPath(t, `/v1/orders/${state.customer.order.id}/deliver`);
  },
  "POST /v1/orders/{id}/deliver 404": async (t) => {
    setToken(t, state.admin);
    setPath(t, `/v1/orders/${uuid()}/deliver`);
  },
  "POST /v1/orders/{id}/deliver 409": async (t) => {
    // a paid order has not shipped yet
    setToken(t, state.admin);
    setPath(t, `/v1/orders/${state.customer.order.id}/deliver`);
  },
  "POST /v1/orders/{id}/deliver 422": async (t) => {
    setToken(t, state.admin);
    setPath(t, "/v1/orders/not-a-uuid/deliver");
  },

  "GET /v1/admin/orders 200": async (t) => {
    setToken(t, state.admin);
    setPath(t, `/v1/admin/orders?status=paid&user_id=${state.customer.shopper.id}&limit=5`);
  },
  "GET /v1/admin/orders 401": async (t) => {
    setToken(t, null);
    setPath(t, "/v1/admin/orders");
  },
  "GET /v1/admin/orders 403": async (t) => {
    setToken(t, state.shopper.token);
    setPath(t, "/v1/admin/orders");
  },
  "GET /v1/admin/orders 422": async (t) => {
    setToken(t, state.admin);
    setPath(t, "/v1/admin/orders?status=lost");
  },

  // ---- receipts ----
  "GET /v1/receipts 200": async (t) => {
    setToken(t, state.customer.shopper.token);
    setPath(t, `/v1/receipts?order_id=${state.customer.order.id}`);
  },
  "GET /v1/receipts 401": async (t) => {
    setToken(t, null);
    setPath(t, "/v1/receipts");
  },
  "GET /v1/receipts 422": async (t) => {
    setToken(t, state.shopper.token);
    setPath(t, "/v1/receipts?order_id=not-a-uuid");
  },
  "GET /v1/receipts/{id} 200": async (t) => {
    setToken(t, state.customer.shopper.token);
    setPath(t, `/v1/receipts/${state.customer.receipt.id}`);
  },
  "GET /v1/receipts/{id} 401": async (t) => setToken(t, null),
  "GET /v1/receipts/{id} 404": async (t) => {
    setToken(t, state.other.token);
    setPath(t, `/v1/receipts/${state.customer.receipt.id}`);
  },
  "GET /v1/receipts/{id} 422": async (t) => {
    setToken(t, state.shopper.token);
    setPath(t, "/v1/receipts/not-a-uuid");
  },

  // ---- payments ----
  "GET /v1/transactions 200": async (t) => {
    setToken(t, state.customer.shopper.token);
    setPath(t, `/v1/transactions?quote_id=${state.customer.quote.id}`);
  },
  "GET /v1/transactions 401": async (t) => {
    setToken(t, null);
    setPath(t, "/v1/transactions");
  },
  "GET /v1/transactions 422": async (t) => {
    setToken(t, state.shopper.token);
    setPath(t, "/v1/transactions?limit=1000");
  },
};

hooks.beforeAll((transactions, done) => {
  (async () => {
    const login = await call(AUTH_URL, "POST", "/v1/auth/login", { body: { email: "admin@example.com", password: "admin-demo-pass" } });
    state.admin = login.tokens.access_token;
    state.shopper = await registerShopper();
    state.other = await registerShopper();
    state.product = await createProduct();
    state.second = await createProduct();
    // a paid order to read, list and fail to change
    state.customer = await paidOrder();
  })().then(
    () => done(),
    (error) => {
      hooks.log(`order hooks could not arrange their fixtures: ${error.stack || error}`);
      for (const t of transactions) t.fail = `fixtures failed: ${error.message}`;
      done();
    },
  );
});

// every documented status is exercised, the non-2xx ones included
keyedCases(hooks, cases, "order.cjs");

hooks.beforeEachValidation((transaction) => stripCharset(transaction));
