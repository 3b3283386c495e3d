import { expect } from "chai";
import { DisqoCommerce } from "@disqo-commerce/sdk";
import {
  cart, FAST_RETRY, json, networkFailure, order, ORDER_ID, problem, product, quote, QUOTE_ID, receipt, RECEIPT_ID,
  sequence, stubFetch, tokenPair, transaction, USER, type SentRequest,
} from "./helpers.js";

const BASE = "http://api.test/";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Answers each operation with a body of the right shape. */
function platform(request: SentRequest): Response {
  const p = `${request.method} ${request.path}`;
  if (p === "POST /v1/auth/login" || p === "POST /v1/auth/register") return json(p.endsWith("register") ? 201 : 200, { user: USER, tokens: tokenPair(1) });
  if (p.startsWith("GET /v1/products/")) return json(200, product(Number(request.path.split("/").pop())));
  if (p === "GET /v1/products") return json(200, { data: [product(1)], next_cursor: null, total_count: 1, total_count_is_lower_bound: false });
  if (/^(POST|PATCH|DELETE) \/v1\/products/.test(p)) return json(p.startsWith("POST") ? 201 : 200, product(9));
  if (p.includes("/v1/cart/quotes")) return json(201, quote((request.body as { promo_code?: string } | undefined)?.promo_code ?? null));
  if (p.startsWith("GET /v1/quotes/")) return json(200, quote());
  if (p.includes("/v1/cart")) return json(p.startsWith("POST") ? 201 : 200, cart([{ product_id: 1, quantity: 2 }]));
  if (p === "POST /v1/checkout") return json(201, { order: order(), receipt: receipt(), transaction: transaction() });
  if (p.endsWith("/shipments")) return json(201, { shipment: { id: "s1", order_id: ORDER_ID, carrier: "UPS", tracking_number: "1Z", expected_arrival_date: "2026-01-05", item_ids: [], created_at: "2026-01-01T12:00:00.000Z" }, order: order("shipped") });
  if (p.startsWith("GET /v1/orders/") || p.includes("/cancel") || p.includes("/deliver")) return json(200, order());
  if (p.startsWith("GET /v1/receipts/")) return json(200, receipt());
  if (p === "GET /v1/users/me" || p === "PATCH /v1/users/me" || p.startsWith("PATCH /v1/users/")) return json(200, USER);
  if (p === "POST /v1/users/me/password") return new Response(null, { status: 204 });
  if (p === "GET /v1/promo-codes") return json(200, { data: [], next_cursor: null });
  if (p === "POST /v1/promo-codes") return json(201, { code: "SPRING", kind: "percent", value: 10 });
  if (request.method === "GET") return json(200, { data: [], next_cursor: null });
  return problem(404);
}

function shopWith(handler: (r: SentRequest, n: number) => Response | Promise<Response> = platform) {
  const fetch = stubFetch(handler);
  const shop = new DisqoCommerce({ baseUrl: BASE, fetch, retry: FAST_RETRY, accessToken: "access-0" });
  return { fetch, shop };
}

describe("sdk resources", () => {
  it("when the README quick start runs, then each step sends the documented request, snake_case as on the wire", async () => {
    const fetch = stubFetch((r) => (r.path === "/v1/orders/00000000-0000-4000-8000-000000000000" ? problem(404) : platform(r)));
    const shop = new DisqoCommerce({ baseUrl: "http://localhost:8080", fetch });
    await shop.auth.login({ email: "shopper@example.com", password: "shopper-demo-pass" });
    const names: string[] = [];
    for await (const product of shop.products.list({ q: "book", limit: 20 })) names.push(product.name);
    await shop.cart.addItem({ product_id: 1, quantity: 2 });
    const quote = await shop.quotes.create({ promo_code: "WELCOME10" });
    const { order } = await shop.checkout.create({ quote_id: quote.id, payment_method: { type: "card", token: "tok_visa" } });
    let status: number | undefined;
    try {
      await shop.orders.get("00000000-0000-4000-8000-000000000000");
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(names).to.deep.equal(["Book 1"]);
    expect(quote.promo_code).to.equal("WELCOME10");
    expect(order.id).to.equal(ORDER_ID);
    expect(status).to.equal(404);
    expect(fetch.calls.map((c) => `${c.method} ${c.url.pathname}${c.url.search}`)).to.deep.equal([
      "POST /v1/auth/login",
      "GET /v1/products?q=book&limit=20",
      "POST /v1/cart/items",
      "POST /v1/cart/quotes",
      "POST /v1/checkout",
      "GET /v1/orders/00000000-0000-4000-8000-000000000000",
    ]);
    expect(fetch.calls[2].body).to.deep.equal({ product_id: 1, quantity: 2 });
    expect(fetch.calls[3].body).to.deep.equal({ promo_code: "WELCOME10" });
    expect(fetch.calls[4].body).to.deep.equal({ quote_id: QUOTE_ID, payment_method: { type: "card", token: "tok_visa" } });
    for (const call of fetch.calls.slice(1)) expect(call.headers.get("authorization")).to.equal("Bearer access-1");
  });

  it("when checkout.create has no key, then it makes a UUID key and repeats it on every retry", async () => {
    const paid = () => json(201, { order: order(), receipt: receipt(), transaction: transaction() });
    const { fetch, shop } = shopWith(sequence(networkFailure, () => problem(503), paid));
    const result = await shop.checkout.create({ quote_id: QUOTE_ID, payment_method: { type: "card", token: "tok_visa" } });
    expect(result.transaction.status).to.equal("succeeded");
    expect(fetch.calls).to.have.length(3);
    const keys = fetch.calls.map((c) => c.headers.get("idempotency-key"));
    expect(keys[0]).to.match(UUID);
    expect(new Set(keys).size).to.equal(1);
  });

  it("when two checkouts are made without keys, then each gets its own key", async () => {
    const { fetch, shop } = shopWith();
    const body = { quote_id: QUOTE_ID, payment_method: { type: "card" as const, token: "tok_visa" } };
    await shop.checkout.create(body);
    await shop.checkout.create(body);
    expect(fetch.calls[0].headers.get("idempotency-key")).not.to.equal(fetch.calls[1].headers.get("idempotency-key"));
  });

  it("when checkout.create is given a key, then that key is sent", async () => {
    const { fetch, shop } = shopWith();
    await shop.checkout.create({ quote_id: QUOTE_ID, payment_method: { type: "card", token: "tok_visa" } }, { idempotencyKey: "form-submit-42" });
    expect(fetch.calls[0].headers.get("idempotency-key")).to.equal("form-submit-42");
  });

  it("when orders.cancel is called, then it sends a key (required by the API) and the reason", async () => {
    const { fetch, shop } = shopWith();
    await shop.orders.cancel(ORDER_ID, { reason: "changed my mind" });
    await shop.orders.cancel(ORDER_ID, {}, { idempotencyKey: "cancel-key-1" });
    expect(fetch.calls[0].path).to.equal(`/v1/orders/${ORDER_ID}/cancel`);
    expect(fetch.calls[0].headers.get("idempotency-key")).to.match(UUID);
    expect(fetch.calls[0].body).to.deep.equal({ reason: "changed my mind" });
    expect(fetch.calls[1].headers.get("idempotency-key")).to.equal("cancel-key-1");
  });

  it("maps every facade method to its operation", async () => {
    const { fetch, shop } = shopWith();
    await shop.auth.register({ email: "new@example.com", password: "correct-horse-battery", first_name: "Ada", last_name: "L" }, { idempotencyKey: "register-1" });
    await shop.users.me();
    await shop.users.updateMe({ city: "Los Angeles", state: "CA" });
    await shop.users.changePassword({ current_password: "a", new_password: "b-long-enough" });
    await shop.users.update(5, { is_active: false });
    await shop.products.get(3);
    await shop.products.create({ name: "N", description: "D", sku: "S-1", price: { amount: 100, currency: "USD" }, stock: 1 });
    await shop.products.update(9, { name: "M" });
    await shop.products.deactivate(9);
    await shop.products.uploadImage(9, new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" }), "Front");
    await shop.products.deleteImage(9, "0123456789abcdef0123");
    await shop.cart.get();
    await shop.cart.updateItem(1, { quantity: 3 });
    await shop.cart.removeItem(1);
    await shop.cart.clear();
    await shop.quotes.get(QUOTE_ID);
    await shop.orders.adminList({ status: "paid", user_id: 1 });
    await shop.orders.ship(ORDER_ID, { carrier: "UPS", tracking_number: "1Z", expected_arrival_date: "2026-01-05", item_ids: ["i1", "i2"] });
    await shop.orders.deliver(ORDER_ID);
    await shop.receipts.get(RECEIPT_ID);
    await shop.transactions.list({ order_id: ORDER_ID });
    await shop.promoCodes.list();
    expect(fetch.calls.map((c) => `${c.method} ${c.url.pathname}${c.url.search}`)).to.deep.equal([
      "POST /v1/auth/register",
      "GET /v1/users/me",
      "PATCH /v1/users/me",
      "POST /v1/users/me/password",
      "PATCH /v1/users/5",
      "GET /v1/products/3",
      "POST /v1/products",
      "PATCH /v1/products/9",
      "DELETE /v1/products/9",
      "POST /v1/products/9/images",
      "DELETE /v1/products/9/images/0123456789abcdef0123",
      "GET /v1/cart",
      "PATCH /v1/cart/items/1",
      "DELETE /v1/cart/items/1",
      "DELETE /v1/cart",
      `GET /v1/quotes/${QUOTE_ID}`,
      "GET /v1/admin/orders?status=paid&user_id=1",
      `POST /v1/orders/${ORDER_ID}/shipments`,
      `POST /v1/orders/${ORDER_ID}/deliver`,
      `GET /v1/receipts/${RECEIPT_ID}`,
      `GET /v1/transactions?order_id=${ORDER_ID}`,
      "GET /v1/promo-codes",
    ]);
    expect(fetch.calls[0].headers.get("idempotency-key")).to.equal("register-1");
    expect(fetch.calls[2].body).to.deep.equal({ city: "Los Angeles", state: "CA" });
    expect(fetch.calls[4].body).to.deep.equal({ is_active: false });
    expect(fetch.calls[12].body).to.deep.equal({ quantity: 3 });
    expect(fetch.calls[17].body).to.deep.equal({ carrier: "UPS", tracking_number: "1Z", expected_arrival_date: "2026-01-05", item_ids: ["i1", "i2"] });
  });

  it("when the client holds a token, then catalog reads carry it (admins see inactive products); without one they go anonymous", async () => {
    const { fetch, shop } = shopWith();
    await shop.products.get(1);
    await shop.products.list({ q: "book" });
    expect(fetch.calls.map((c) => c.headers.get("authorization"))).to.deep.equal(["Bearer access-0", "Bearer access-0"]);
    shop.clearTokens();
    await shop.products.get(1);
    expect(fetch.calls[2].headers.has("authorization")).to.equal(false);
  });

  it("when default and per-call headers are given, then both are sent and the call's win", async () => {
    const fetch = stubFetch(platform);
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, headers: { "User-Agent": "shop/1", "X-Client": "a" } });
    await shop.products.get(1, { headers: { "X-Client": "b" } });
    expect(fetch.calls[0].headers.get("user-agent")).to.equal("shop/1");
    expect(fetch.calls[0].headers.get("x-client")).to.equal("b");
  });

  it("when the base URL has a trailing slash, then paths are joined with one slash", async () => {
    const { fetch, shop } = shopWith();
    await shop.products.get(1);
    expect(fetch.calls[0].url.href).to.equal("http://api.test/v1/products/1");
  });

  it("when responses carry timestamps, then they stay RFC 3339 strings as on the wire; money stays integer minor units", async () => {
    const { shop } = shopWith();
    const p = await shop.products.get(1);
    expect(p.created_at).to.be.a("string").and.equal(new Date(p.created_at).toISOString());
    expect(p.price).to.deep.equal({ amount: 1999, currency: "USD" });
  });
});
