/*
 * Dredd hooks for openapi/dist/product.json: every operation and every documented status code.
 *
 * Dredd sends the spec's example request for every documented response, so beforeEach skips
 * the non-2xx transactions and each error case re-enables itself in its own `before` hook with
 * a request that really produces that status. A non-2xx transaction without such a hook fails.
 *
 * Admin and shopper tokens come from the auth service at AUTH_URL (the demo accounts of the
 * development seed); the service credential is minted with SERVICE_SECRET, as the cart and
 * order services do. Every product and reservation a case changes is created here, so the
 * demo catalog is never modified.
 */
const crypto = require("node:crypto");
const hooks = require("hooks");
// serviceToken() signs with SERVICE_SECRET (default: the kit's development secret)
const { FORM_TYPE, JSON_TYPE, namedCases, serviceToken, setBody, setHeader, setPath, setToken, setUnsupportedMediaType, stripCharset } = require("./shared.cjs");

const AUTH_URL = (process.env.AUTH_URL || "http://127.0.0.1:8001").replace(/\/+$/, "");
const PRODUCT_URL = (process.env.PRODUCT_URL || "http://127.0.0.1:8002").replace(/\/+$/, "");
const SHOPPER = { email: "shopper@example.com", password: "shopper-demo-pass" };
const ADMIN = { email: "admin@example.com", password: "admin-demo-pass" };
const RUN = crypto.randomBytes(4).toString("hex");

let counter = 0;
const unique = (label) => `${label}-${RUN}-${counter++}`;
const inMinutes = (m) => new Date(Date.now() + m * 60_000).toISOString();

/** Calls a service directly (setup, not under test); throws unless the status is expected. */
async function api(base, method, path, { body, token, expect = [200] } = {}) {
  const init = { method, headers: {} };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = JSON_TYPE;
    init.body = JSON.stringify(body);
  }
  const response = await fetch(base + path, init);
  const text = await response.text();
  if (!expect.includes(response.status)) throw new Error(`setup: ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

const state = { shopperToken: "", adminToken: "", product: null, other: null };

const newProduct = (overrides = {}) =>
  api(PRODUCT_URL, "POST", "/v1/products", {
    token: state.adminToken,
    expect: [201],
    body: { name: `Contract Widget ${unique("p")}`, description: "Made by the contract tests.", sku: unique("CT").toUpperCase(), price: { amount: 1299, currency: "USD" }, stock: 50, ...overrides },
  });

const newReservation = async (quantity = 1) => {
  const id = unique("ct_res");
  await api(PRODUCT_URL, "PUT", `/v1/inventory/reservations/${id}`, {
    token: serviceToken(),
    expect: [201],
    body: { items: [{ product_id: state.product.id, quantity }], expires_at: inMinutes(15) },
  });
  return id;
};

// ---- request shaping (shared: ./shared.cjs) -------------------------------------------

const bearer = setToken;

const setUnparseableBody = (transaction) => setBody(transaction, '{"name": "broken', JSON_TYPE);

// ---- hook plumbing (shared: every non-2xx status needs a `when` case) --------------------

const { when, success } = namedCases(hooks);

hooks.beforeAll((transactions, done) => {
  (async () => {
    const [shopper, admin] = await Promise.all([SHOPPER, ADMIN].map((c) => api(AUTH_URL, "POST", "/v1/auth/login", { body: c })));
    state.shopperToken = shopper.tokens.access_token;
    state.adminToken = admin.tokens.access_token;
    state.product = await newProduct();
    state.other = await newProduct();
  })().then(
    () => done(),
    (error) => {
      for (const t of transactions) t.fail = `setup failed: ${error.message}`;
      done();
    },
  );
});

hooks.beforeEachValidation((transaction) => stripCharset(transaction));

// ---- Products ----------------------------------------------------------------------------

const SEARCH = "/v1/products > Search and browse products";
success(`${SEARCH} > 200 > application/json`, (t) => setPath(t, "/v1/products?q=book&sort=relevance&limit=5&min_price=100&facets=true"));
when(`${SEARCH} > 422 > application/problem+json`, (t) => setPath(t, "/v1/products?limit=0"));

const CREATE = "/v1/products > Create a product (admin)";
success(`${CREATE} > 201 > application/json`, (t) => {
  bearer(t, state.adminToken);
  setHeader(t, "Idempotency-Key", unique("contract-create"));
  setBody(t, { name: "Contract Management Book", description: "Created by dredd.", sku: unique("CTC").toUpperCase(), price: { amount: 1999, currency: "USD" }, stock: 5 });
});
when(`${CREATE} > 400 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setUnparseableBody(t);
});
when(`${CREATE} > 401 > application/problem+json`, (t) => bearer(t, undefined));
when(`${CREATE} > 403 > application/problem+json`, (t) => bearer(t, state.shopperToken));
when(`${CREATE} > 409 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setBody(t, { name: "Duplicate", description: "Same sku as an existing product.", sku: state.product.sku, price: { amount: 100, currency: "USD" } });
});
when(`${CREATE} > 422 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setBody(t, { name: "No price", description: "Missing price.", sku: unique("CTX").toUpperCase() });
});
when(`${CREATE} > 415 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setUnsupportedMediaType(t);
});

const GET = "/v1/products/{id} > Get a product";
success(`${GET} > 200 > application/json`, (t) => setPath(t, `/v1/products/${state.product.id}`));
when(`${GET} > 404 > application/problem+json`, (t) => setPath(t, "/v1/products/99999999"));
when(`${GET} > 422 > application/problem+json`, (t) => setPath(t, "/v1/products/not-a-number"));

const UPDATE = "/v1/products/{id} > Change a product (admin)";
success(`${UPDATE} > 200 > application/json`, (t) => {
  bearer(t, state.adminToken);
  setPath(t, `/v1/products/${state.product.id}`);
  setBody(t, { price: { amount: 1799, currency: "USD" }, stock: 60 });
});
when(`${UPDATE} > 400 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setPath(t, `/v1/products/${state.product.id}`);
  setUnparseableBody(t);
});
when(`${UPDATE} > 401 > application/problem+json`, (t) => {
  bearer(t, undefined);
  setPath(t, `/v1/products/${state.product.id}`);
});
when(`${UPDATE} > 403 > application/problem+json`, (t) => {
  bearer(t, state.shopperToken);
  setPath(t, `/v1/products/${state.product.id}`);
});
when(`${UPDATE} > 404 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setPath(t, "/v1/products/99999999");
  setBody(t, { stock: 1 });
});
// the stock rule: a product holding 2 units for a quote cannot go to stock 0 (409 stock_below_reserved)
when(`${UPDATE} > 409 > application/problem+json`, async (t) => {
  const held = await newProduct({ stock: 5 });
  await api(PRODUCT_URL, "PUT", `/v1/inventory/reservations/${unique("ct_floor")}`, {
    token: serviceToken(),
    expect: [201],
    body: { items: [{ product_id: held.id, quantity: 2 }], expires_at: inMinutes(15) },
  });
  bearer(t, state.adminToken);
  setPath(t, `/v1/products/${held.id}`);
  setBody(t, { stock: 0 });
});
when(`${UPDATE} > 422 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setPath(t, `/v1/products/${state.product.id}`);
  setBody(t, {});
});
when(`${UPDATE} > 415 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setPath(t, `/v1/products/${state.product.id}`);
  setUnsupportedMediaType(t);
});

const DEACTIVATE = "/v1/products/{id} > Deactivate a product (admin)";
success(`${DEACTIVATE} > 200 > application/json`, async (t) => {
  const doomed = await newProduct();
  bearer(t, state.adminToken);
  setPath(t, `/v1/products/${doomed.id}`);
});
when(`${DEACTIVATE} > 401 > application/problem+json`, (t) => {
  bearer(t, undefined);
  setPath(t, `/v1/products/${state.product.id}`);
});
when(`${DEACTIVATE} > 403 > application/problem+json`, (t) => {
  bearer(t, state.shopperToken);
  setPath(t, `/v1/products/${state.product.id}`);
});
when(`${DEACTIVATE} > 404 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setPath(t, "/v1/products/99999999");
});
when(`${DEACTIVATE} > 422 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setPath(t, "/v1/products/not-a-number");
});

// ---- Images ------------------------------------------------------------------------------

// a real PNG (sharp is the product service's own image library), sent as multipart bytes
const pngOf = (width, height) => require("sharp")({ create: { width, height, channels: 3, background: { r: 30, g: 140, b: 120 } } }).png().toBuffer();

/** A multipart/form-data body with an `alt` field and a `file` part, as bytes (dredd sends base64 bodies as bytes). */
function setMultipart(t, { alt, file, fileType = "image/png" }) {
  const boundary = `----contract${RUN}${counter++}`;
  const parts = [];
  if (alt !== undefined) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\n${alt}\r\n`));
  if (file !== undefined) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="image"\r\nContent-Type: ${fileType}\r\n\r\n`), file, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  setHeader(t, "Content-Type", `multipart/form-data; boundary=${boundary}`);
  t.request.body = Buffer.concat(parts).toString("base64");
  t.request.bodyEncoding = "base64";
}

/** Uploads an image to a product outside the test (setup); answers the product. */
async function withImage(product) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(await pngOf(400, 300))], { type: "image/png" }), "image.png");
  form.append("alt", "Set up by the contract tests");
  const response = await fetch(`${PRODUCT_URL}/v1/products/${product.id}/images`, { method: "POST", body: form, headers: { Authorization: `Bearer ${state.adminToken}` } });
  if (response.status !== 201) throw new Error(`setup: image upload answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return response.json();
}

const UPLOAD = "/v1/products/{id}/images > Add an image to a product (admin)";
const uploadTo = (t, product, token = state.adminToken) => {
  bearer(t, token);
  setPath(t, `/v1/products/${product.id}/images`);
};
success(`${UPLOAD} > 201 > application/json`, async (t) => {
  uploadTo(t, state.product);
  setMultipart(t, { alt: "Front view", file: await pngOf(320, 320) });
});
when(`${UPLOAD} > 400 > application/problem+json`, (t) => {
  uploadTo(t, state.product);
  // a multipart body that ends before its closing boundary
  setHeader(t, "Content-Type", "multipart/form-data; boundary=cut");
  t.request.body = '--cut\r\nContent-Disposition: form-data; name="alt"\r\n\r\nhalf';
});
when(`${UPLOAD} > 401 > application/problem+json`, (t) => uploadTo(t, state.product, null));
when(`${UPLOAD} > 403 > application/problem+json`, (t) => uploadTo(t, state.product, state.shopperToken));
when(`${UPLOAD} > 404 > application/problem+json`, async (t) => {
  uploadTo(t, { id: 99999999 });
  setMultipart(t, { alt: "Nobody's", file: await pngOf(200, 200) });
});
when(`${UPLOAD} > 409 > application/problem+json`, async (t) => {
  const full = await newProduct();
  for (let i = 0; i < 8; i++) await withImage(full);
  uploadTo(t, full);
  setMultipart(t, { alt: "The ninth", file: await pngOf(200, 200) });
});
when(`${UPLOAD} > 413 > application/problem+json`, (t) => {
  uploadTo(t, state.product);
  setMultipart(t, { alt: "Too big", file: Buffer.alloc(5 * 1024 * 1024 + 1, 1) });
});
when(`${UPLOAD} > 415 > application/problem+json`, (t) => {
  uploadTo(t, state.product);
  setMultipart(t, { alt: "Not an image", file: Buffer.from("GIF89a is not enough"), fileType: "image/gif" });
});
when(`${UPLOAD} > 422 > application/problem+json`, async (t) => {
  uploadTo(t, state.product);
  setMultipart(t, { file: await pngOf(200, 200) });
});

const DELETE_IMAGE = "/v1/products/{id}/images/{image_id} > Remove an image from a product (admin)";
success(`${DELETE_IMAGE} > 200 > application/json`, async (t) => {
  const product = await withImage(await newProduct());
  bearer(t, state.adminToken);
  setPath(t, `/v1/products/${product.id}/images/${product.images[0].id}`);
});
when(`${DELETE_IMAGE} > 401 > application/problem+json`, (t) => bearer(t, undefined));
when(`${DELETE_IMAGE} > 403 > application/problem+json`, (t) => bearer(t, state.shopperToken));
when(`${DELETE_IMAGE} > 404 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setPath(t, `/v1/products/${state.product.id}/images/0123456789abcdef0123`);
});
when(`${DELETE_IMAGE} > 422 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setPath(t, `/v1/products/${state.product.id}/images/NOT-AN-ID`);
});

const RENDITION = "/v1/product-images/{image_id}/{width} > Get an image rendition";
success(`${RENDITION} > 200 > image/webp`, async (t) => {
  const product = await withImage(await newProduct());
  setPath(t, product.images[0].srcset[0].url);
});
when(`${RENDITION} > 404 > application/problem+json`, (t) => setPath(t, "/v1/product-images/0123456789abcdef0123/320"));
when(`${RENDITION} > 422 > application/problem+json`, (t) => setPath(t, "/v1/product-images/0123456789abcdef0123/500"));

// ---- Inventory ---------------------------------------------------------------------------

const PUT = "/v1/inventory/reservations/{reservation_id} > Reserve stock (service only)";
const reservationBody = (quantity = 1) => ({ items: [{ product_id: state.product.id, quantity }], expires_at: inMinutes(15) });
success(`${PUT} > 200 > application/json`, async (t) => {
  const id = await newReservation(2);
  bearer(t, serviceToken());
  setPath(t, `/v1/inventory/reservations/${id}`);
  setBody(t, reservationBody(2));
});
success(`${PUT} > 201 > application/json`, (t) => {
  bearer(t, serviceToken());
  setPath(t, `/v1/inventory/reservations/${unique("ct_new")}`);
  setBody(t, reservationBody(1));
});
when(`${PUT} > 400 > application/problem+json`, (t) => {
  bearer(t, serviceToken());
  setPath(t, `/v1/inventory/reservations/${unique("ct_bad")}`);
  setUnparseableBody(t);
});
when(`${PUT} > 401 > application/problem+json`, (t) => {
  bearer(t, undefined);
  setPath(t, `/v1/inventory/reservations/${unique("ct_anon")}`);
});
// a user's token never satisfies the service credential
when(`${PUT} > 403 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setPath(t, `/v1/inventory/reservations/${unique("ct_user")}`);
  setBody(t, reservationBody(1));
});
when(`${PUT} > 409 > application/problem+json`, (t) => {
  bearer(t, serviceToken());
  setPath(t, `/v1/inventory/reservations/${unique("ct_short")}`);
  setBody(t, reservationBody(10_000));
});
when(`${PUT} > 422 > application/problem+json`, (t) => {
  bearer(t, serviceToken());
  setPath(t, `/v1/inventory/reservations/${unique("ct_past")}`);
  setBody(t, { items: [{ product_id: state.product.id, quantity: 1 }], expires_at: inMinutes(-5) });
});
when(`${PUT} > 415 > application/problem+json`, (t) => {
  bearer(t, serviceToken());
  setPath(t, `/v1/inventory/reservations/${unique("ct_media")}`);
  setUnsupportedMediaType(t);
});

const RELEASE = "/v1/inventory/reservations/{reservation_id} > Release a reservation (service only)";
success(`${RELEASE} > 204`, async (t) => {
  const id = await newReservation();
  bearer(t, serviceToken());
  setPath(t, `/v1/inventory/reservations/${id}`);
});
when(`${RELEASE} > 401 > application/problem+json`, (t) => {
  bearer(t, undefined);
  setPath(t, `/v1/inventory/reservations/${unique("ct_anon")}`);
});
when(`${RELEASE} > 403 > application/problem+json`, (t) => {
  bearer(t, state.shopperToken);
  setPath(t, `/v1/inventory/reservations/${unique("ct_user")}`);
});
when(`${RELEASE} > 404 > application/problem+json`, (t) => {
  bearer(t, serviceToken());
  setPath(t, `/v1/inventory/reservations/${unique("ct_never")}`);
});
when(`${RELEASE} > 422 > application/problem+json`, (t) => {
  bearer(t, serviceToken());
  setPath(t, "/v1/inventory/reservations/not%20a%20valid%20id");
});

const COMMIT = "/v1/inventory/reservations/{reservation_id}/commit > Commit a reservation as a sale (service only)";
success(`${COMMIT} > 200 > application/json`, async (t) => {
  const id = await newReservation();
  bearer(t, serviceToken());
  setPath(t, `/v1/inventory/reservations/${id}/commit`);
});
when(`${COMMIT} > 401 > application/problem+json`, (t) => {
  bearer(t, undefined);
  setPath(t, `/v1/inventory/reservations/${unique("ct_anon")}/commit`);
});
when(`${COMMIT} > 403 > application/problem+json`, (t) => {
  bearer(t, state.shopperToken);
  setPath(t, `/v1/inventory/reservations/${unique("ct_user")}/commit`);
});
when(`${COMMIT} > 404 > application/problem+json`, (t) => {
  bearer(t, serviceToken());
  setPath(t, `/v1/inventory/reservations/${unique("ct_never")}/commit`);
});
// a hold that lapsed and whose unit someone else reserved meanwhile cannot be sold: 409 insufficient_stock
when(`${COMMIT} > 409 > application/problem+json`, async (t) => {
  const scarce = await newProduct({ stock: 1 });
  const lapsed = unique("ct_lapsed");
  const hold = (id, expiresAt) =>
    api(PRODUCT_URL, "PUT", `/v1/inventory/reservations/${id}`, { token: serviceToken(), expect: [201], body: { items: [{ product_id: scarce.id, quantity: 1 }], expires_at: expiresAt } });
  await hold(lapsed, new Date(Date.now() + 1000).toISOString());
  await new Promise((resolve) => setTimeout(resolve, 1300));
  await hold(unique("ct_taker"), inMinutes(15));
  bearer(t, serviceToken());
  setPath(t, `/v1/inventory/reservations/${lapsed}/commit`);
});
when(`${COMMIT} > 422 > application/problem+json`, (t) => {
  bearer(t, serviceToken());
  setPath(t, "/v1/inventory/reservations/not%20a%20valid%20id/commit");
});

// ---- Legacy ------------------------------------------------------------------------------

const LEGACY = "/api/v1/search > Search products (original write-up endpoint)";
success(`${LEGACY} > 200 > application/json`, (t) => setBody(t, { search_term: "book" }, FORM_TYPE));
when(`${LEGACY} > 422 > application/problem+json`, (t) => setBody(t, { search_term: "x".repeat(201) }, FORM_TYPE));
when(`${LEGACY} > 415 > application/problem+json`, (t) => setUnsupportedMediaType(t));
