import { expect } from "chai";
import sharp from "sharp";
import { hidden, textOf, type Browser } from "./support/browser.js";
import { startRealStorefront, type RealStorefront } from "./support/real-platform.js";

const ADDRESS = { name: "Grace Hopper", address_1: "1 Main St", address_2: "", city: "Los Angeles", state: "CA", zip_code: "90001" };
const dollars = (text: string) => Number(text.replace(/[^\d.]/g, ""));
const money = (html: string, id: string) => {
  const m = new RegExp(`id="${id}">([^<]*)<`).exec(html);
  if (!m) throw new Error(`no #${id} on the page`);
  return m[1]!.startsWith("Free") ? 0 : dollars(m[1]!);
};

/**
 * The pages against the real services: what the cart service prices, taxes and ships is what the
 * storefront shows, with no imitation of those rules in between (the fake platform stays for
 * faults only).
 */
describe("storefront on the real platform (auth, product, cart, order, gateway)", function () {
  this.timeout(120_000);
  let shop: RealStorefront;
  before(async () => {
    shop = await startRealStorefront();
  });
  after(() => shop?.close());

  async function register(b: Browser, next: string): Promise<void> {
    const tag = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    await b.get(`/register?next=${encodeURIComponent(next)}`);
    const done = await b.post("/register", { first_name: "Grace", last_name: "Hopper", email: `real-${tag}@example.com`, password: `real-${tag}-pass`, password_confirm: `real-${tag}-pass`, next });
    expect(done.status, textOf(done.html)).to.equal(303);
    expect(done.location).to.equal(next);
  }

  /** The first product on the results page that has an add button, added from its card. */
  async function addFromResults(b: Browser, q: string, skip: number[] = []): Promise<number> {
    const results = await b.get(`/search?q=${encodeURIComponent(q)}`);
    const ids = [...results.html.matchAll(/name="product_id" value="(\d+)"/g)].map((m) => Number(m[1])).filter((id) => !skip.includes(id));
    expect(ids.length, `results for ${q}`).to.be.greaterThan(0);
    const added = await b.post("/cart/items", { product_id: ids[0]!, quantity: 1 });
    expect(added.location).to.equal("/cart");
    return ids[0]!;
  }

  it("a guest's cart is priced by the catalog, kept through signup, quoted by the cart service with WELCOME10, paid and cancelled", async () => {
    const b = shop.browser();
    const first = await addFromResults(b, "book");
    await addFromResults(b, "book", [first]);
    const guestCart = await b.get("/cart");
    expect(textOf(guestCart.html)).to.include("Log in to check out");
    const guestSubtotal = money(guestCart.html, "cart-subtotal");

    await register(b, "/checkout");
    const cart = await b.get("/cart");
    expect(textOf(cart.html)).to.include("We moved 2 items from before you logged in into your cart");
    expect(money(cart.html, "cart-subtotal")).to.equal(guestSubtotal);
    // signed in, the header counts the API cart's items
    expect(textOf((await b.get("/")).html)).to.match(/Cart\s*,\s*2\s*items/);

    await b.get("/checkout");
    const quoted = await b.post("/checkout/quote", { ...ADDRESS, promo_code: "WELCOME10" });
    expect(quoted.status, textOf(quoted.html)).to.equal(303);
    const quote = await b.get(quoted.location!);
    const [subtotal, discount, shipping, tax, total] = ["quote-subtotal", "quote-discount", "quote-shipping", "quote-tax", "quote-total"].map((id) => money(quote.html, id));
    expect(subtotal).to.equal(guestSubtotal);
    expect(discount, "WELCOME10 takes 10%").to.be.closeTo(subtotal! * 0.1, 0.011);
    expect(tax).to.be.greaterThan(0);
    expect(total).to.be.closeTo(subtotal! - discount! + shipping! + tax!, 0.001);

    const paid = await b.post("/checkout/pay", { quote_id: hidden(quote.html, "quote_id"), idempotency_key: hidden(quote.html, "idempotency_key"), card_token: "tok_visa" });
    expect(paid.location).to.match(/^\/orders\/[\w-]+\/confirmation$/);
    const orderId = /\/orders\/([\w-]+)\//.exec(paid.location!)![1]!;
    expect(textOf((await b.get("/orders")).html)).to.include("Paid");
    const detail = await b.get(`/orders/${orderId}`);
    const cancelled = await b.post(`/orders/${orderId}/cancel`, { idempotency_key: hidden(detail.html, "idempotency_key") });
    expect(cancelled.status).to.equal(303);
    const order = await b.get(cancelled.location!);
    expect(textOf(order.html)).to.include("Cancelled").and.include("Refund");
  });

  it("a declined card shows the processor's reason and keeps the quote payable; the cart is not lost", async () => {
    const b = shop.browser();
    await register(b, "/");
    await addFromResults(b, "garden");
    await b.get("/checkout");
    const quoted = await b.post("/checkout/quote", { ...ADDRESS, promo_code: "" });
    const quote = await b.get(quoted.location!);
    const declined = await b.post("/checkout/pay", { quote_id: hidden(quote.html, "quote_id"), idempotency_key: hidden(quote.html, "idempotency_key"), card_token: "tok_chargeDeclined" });
    const after = declined.location ? await b.get(declined.location) : declined;
    expect(textOf(after.html)).to.match(/declined/i);
    expect(textOf((await b.get("/cart")).html)).to.not.include("Your cart is empty");
  });

  it("a guest cannot hold more than the real stock, and an unknown product is refused", async () => {
    // an admin puts a product with 2 units on sale through the API
    const login = await fetch(`${shop.gatewayUrl}/v1/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email: "admin@example.com", password: "admin-demo-pass" }) });
    const admin = ((await login.json()) as { tokens: { access_token: string } }).tokens.access_token;
    const created = await fetch(`${shop.gatewayUrl}/v1/products`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${admin}` },
      body: JSON.stringify({ name: "Two-unit lamp", description: "Only two made.", sku: `REAL-${Date.now()}`, price: { amount: 4200, currency: "USD" }, stock: 2, is_active: true }),
    });
    expect(created.status).to.equal(201);
    const { id } = (await created.json()) as { id: number };

    const b = shop.browser();
    await b.get(`/products/${id}`);
    const refused = await b.post("/cart/items", { product_id: id, quantity: 3, back: `/products/${id}` });
    expect(refused.location).to.equal(`/products/${id}`);
    expect(textOf((await b.get(`/products/${id}`)).html)).to.include("isn't enough stock");
    const accepted = await b.post("/cart/items", { product_id: id, quantity: 2, back: `/products/${id}` });
    expect(accepted.location).to.equal("/cart");
    expect(textOf((await b.get("/cart")).html)).to.include("Two-unit lamp").and.include("$84.00");

    const unknown = await b.post("/cart/items", { product_id: 987654, quantity: 1 });
    expect(unknown.location).to.equal("/");
    expect(textOf((await b.get("/")).html)).to.include("no longer available");
  });

  it("the results page shows the catalog's category and price facets; following one narrows to exactly its count", async () => {
    const b = shop.browser();
    const all = await b.get("/search");
    const facets = [...all.html.matchAll(/<a href="(\/search\?[^"]*category=(\w+)[^"]*)">[^<]*<\/a> <span class="facet-count">(\d+)<\/span>/g)];
    expect(facets.length, "category facets").to.be.greaterThan(1);
    const [, url, category, count] = facets[0]!;
    const narrowed = await b.get(url!.replace(/&amp;/g, "&"));
    expect(textOf(narrowed.html)).to.include(`${count} product`);
    expect(narrowed.html).to.match(new RegExp(`<option value="${category}" selected>`));
    expect(textOf(narrowed.html)).to.include("(remove this filter)");
    const bands = [...all.html.matchAll(/<a href="([^"]*min_price=[^"]*)">(Under \$10|\$[\d.]+ (?:to \$[\d.]+|and up))<\/a> <span class="facet-count">(\d+)<\/span>/g)];
    expect(bands.length, "price bands").to.be.greaterThan(0);
    const band = await b.get(bands[0]![1]!.replace(/&amp;/g, "&"));
    expect(textOf(band.html)).to.include(`${bands[0]![3]} product`);
  });

  it("a product page shows its image from the storefront's own origin and related products of its category", async () => {
    const b = shop.browser();
    const results = await b.get("/search?category=kitchen");
    const id = /href="\/products\/(\d+)"/.exec(results.html)![1];
    const page = await b.get(`/products/${id}`);
    const src = /class="gallery-main" src="([^"]+)" srcset="([^"]+)"/.exec(page.html);
    expect(src, "the main image").to.not.equal(null);
    expect(src![1]).to.match(/^\/images\/[a-f0-9]{20}\/640$/);
    expect(src![2]).to.match(/\/images\/[a-f0-9]{20}\/160 160w, .*320w, .*640w/);
    const image = await fetch(shop.base + src![1]);
    expect(image.status).to.equal(200);
    expect(image.headers.get("content-type")).to.equal("image/webp");
    expect(image.headers.get("cache-control")).to.contain("immutable");
    expect(image.headers.get("set-cookie"), "no session for an image").to.equal(null);
    expect(textOf(page.html)).to.include("More in Kitchen");
    const related = [...page.html.split('id="related-heading"')[1]!.matchAll(/href="\/products\/(\d+)"/g)].map((m) => m[1]);
    expect(related.length).to.be.greaterThan(0);
    expect(related).to.not.include(id);
    expect((await fetch(`${shop.base}/images/0123456789abcdef0123/320`)).status).to.equal(404);
    expect((await fetch(`${shop.base}/images/..%2Fetc/320`)).status).to.equal(404);
  });

  it("an admin files a product under a category, uploads an image through the form, and removes it; a text file is refused with the API's reason", async () => {
    const b = shop.browser();
    await b.login("admin@example.com", "admin-demo-pass");
    await b.get("/admin/products/new");
    const created = await b.post("/admin/products", { name: "Real Kettle", description: "Whistles.", sku: `KT-REAL-${Date.now()}`, price: "24.50", stock: "3", category: "kitchen" });
    expect(created.status, textOf(created.html)).to.equal(303);
    const editUrl = created.location!;
    const id = /\/admin\/products\/(\d+)\/edit/.exec(editUrl)![1];
    let edit = await b.get(editUrl);
    expect(edit.html).to.match(/<option value="kitchen" selected>/);
    expect(textOf(edit.html)).to.include("No images yet");

    const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 200, g: 80, b: 40 } } }).png().toBuffer();
    const uploaded = await b.upload(`/admin/products/${id}/images`, { alt: "The kettle, side view" }, { name: "file", data: new Uint8Array(png), type: "image/png" });
    expect(uploaded.status).to.equal(303);
    edit = await b.get(editUrl);
    expect(textOf(edit.html)).to.include("The image was added").and.include("Main image: The kettle, side view");
    const product = await b.get(`/products/${id}`);
    expect(product.html).to.match(/class="gallery-main" src="\/images\/[a-f0-9]{20}\/320"/);
    expect(textOf(product.html)).to.include("More in Kitchen");

    const refused = await b.upload(`/admin/products/${id}/images`, { alt: "Not really" }, { name: "file", data: new TextEncoder().encode("hello"), type: "image/png" });
    expect(refused.status).to.equal(303);
    edit = await b.get(editUrl);
    expect(textOf(edit.html)).to.include("not a PNG, JPEG or WebP image");

    const forged = await b.request("POST", `/admin/products/${id}/images`, (() => {
      const form = new FormData();
      form.set("alt", "No token");
      form.set("file", new Blob([new Uint8Array(png)], { type: "image/png" }), "x.png");
      return form;
    })());
    expect(forged.status, "no CSRF token").to.equal(403);

    const imageId = /\/admin\/products\/\d+\/images\/([a-f0-9]{20})\/delete/.exec(edit.html)![1];
    const removed = await b.post(`/admin/products/${id}/images/${imageId}/delete`);
    expect(removed.status).to.equal(303);
    edit = await b.get(editUrl);
    expect(textOf(edit.html)).to.include("The image was removed").and.include("No images yet");
  });
});
