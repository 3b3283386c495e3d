/**
 * SLOW (~30-90 s): the shopper journey through the SDK against the real platform (auth,
 * product, cart, order and the gateway, started as processes on free ports with a fresh
 * DATA_DIR and the development seed). SKIP_SDK_JOURNEY=1 skips it.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import {
  ApiError,
  AuthenticationError,
  DisqoCommerce,
  NotFoundError,
  PaymentRequiredError,
  type Product,
  type TokenPair,
} from "@disqo-commerce/sdk";
import { startPlatform, type Platform } from "../../scripts/platform.js";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("sdk shopper journey against the platform (SLOW: starts every service)", function () {
  this.timeout(300_000);
  let platform: Platform | undefined;
  let dataDir: string;
  let baseUrl: string;

  before(async function () {
    if (process.env.SKIP_SDK_JOURNEY === "1") {
      console.log("    sdk journey: skipped (SKIP_SDK_JOURNEY=1)");
      this.skip();
    }
    dataDir = mkdtempSync(join(tmpdir(), "disqo-sdk-journey-"));
    const ports = { auth: await freePort(), product: await freePort(), cart: await freePort(), order: await freePort(), gateway: await freePort() };
    platform = await startPlatform({
      dataDir,
      ports,
      include: ["auth", "product", "cart", "order", "gateway"],
      output: join(dataDir, "platform.log"),
      env: { LOG_LEVEL: "warn", SEED_PRODUCT_COUNT: "300" },
    });
    baseUrl = platform.urls.gateway;
  });

  after(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("when a shopper registers, searches, fills the cart, quotes, pays and cancels, then every step works through the SDK", async () => {
    const stored: TokenPair[] = [];
    const shop = new DisqoCommerce({ baseUrl, onTokens: (t) => void stored.push(t) });
    const email = `journey-${randomUUID()}@example.com`;

    const { user } = await shop.auth.register({ email, password: "a-long-journey-pass", first_name: "Journey", last_name: "Tester" });
    expect(user.email).to.equal(email);
    expect(stored).to.have.length(1);
    expect((await shop.users.me()).id).to.equal(user.id);

    // Search "book" across pages: every item matches and none repeats.
    const page = await shop.products.list({ q: "book", limit: 5 });
    expect(page.total_count).to.be.greaterThan(5);
    const seen = new Set<number>();
    const candidates: Product[] = [];
    for await (const product of shop.products.list({ q: "book", limit: 5 })) {
      expect(seen.has(product.id), `product ${product.id} came twice`).to.equal(false);
      seen.add(product.id);
      if (product.available >= 2 && candidates.length < 2) candidates.push(product);
      if (seen.size >= 12) break;
    }
    expect(seen.size).to.equal(12);
    expect(candidates).to.have.length(2);

    for (const product of candidates) await shop.cart.addItem({ product_id: product.id, quantity: 2 });
    const cart = await shop.cart.get();
    expect(cart.items.map((i) => i.product_id).sort()).to.deep.equal(candidates.map((p) => p.id).sort());

    const quote = await shop.quotes.create({ promo_code: "WELCOME10" });
    expect(quote.status).to.equal("open");
    expect(quote.discount_total.amount).to.be.greaterThan(0);
    expect(quote.subtotal.amount - quote.discount_total.amount + quote.shipping_total.amount + quote.tax_total.amount).to.equal(quote.total.amount);

    const declined = await shop.checkout
      .create({ quote_id: quote.id, payment_method: { type: "card", token: "tok_chargeDeclined" } })
      .catch((e: unknown) => e);
    expect(declined).to.be.instanceOf(PaymentRequiredError);
    expect((declined as PaymentRequiredError).code).to.equal("payment_declined");
    expect((declined as PaymentRequiredError).requestId).to.be.a("string");
    // The typed problem: the processor's reason and the recorded declined transaction.
    expect((declined as PaymentRequiredError).problem?.decline_code).to.equal("card_declined");
    expect((declined as PaymentRequiredError).problem?.transaction_id).to.be.a("string");

    const key = randomUUID();
    const paid = await shop.checkout.create({ quote_id: quote.id, payment_method: { type: "card", token: "tok_visa" } }, { idempotencyKey: key });
    expect(paid.order.status).to.equal("paid");
    expect(paid.order.total).to.deep.equal(quote.total);
    const replay = await shop.checkout.create({ quote_id: quote.id, payment_method: { type: "card", token: "tok_visa" } }, { idempotencyKey: key });
    expect(replay.order.id).to.equal(paid.order.id);

    // withResponse: the gateway's request id and the raw body of the same order.
    const { data: fetched, response, requestId } = await shop.orders.get(paid.order.id).withResponse();
    expect(fetched.id).to.equal(paid.order.id);
    expect(requestId).to.match(/^[0-9a-f-]{36}$/);
    expect(response.status).to.equal(200);
    expect(((await response.json()) as { id: string }).id).to.equal(paid.order.id);

    const mine: string[] = [];
    for await (const order of shop.orders.list()) mine.push(order.id);
    expect(mine).to.deep.equal([paid.order.id]);
    expect((await shop.orders.get(paid.order.id)).id).to.equal(paid.order.id);
    expect(await shop.orders.get(randomUUID()).catch((e: unknown) => e)).to.be.instanceOf(NotFoundError);
    // Order ids are UUIDs, typed as strings: a malformed one is refused by the contract (422).
    const malformed = (await shop.orders.get("999999").catch((e: unknown) => e)) as ApiError;
    expect(malformed).to.be.instanceOf(ApiError);
    expect(malformed.status).to.equal(422);
    expect(malformed.code).to.equal("validation_failed");

    const cancelled = await shop.orders.cancel(paid.order.id, { reason: "journey test" });
    expect(cancelled.status).to.equal("cancelled");
    const kinds: string[] = [];
    for await (const receipt of shop.receipts.list({ order_id: paid.order.id })) kinds.push(receipt.kind);
    expect(kinds.sort()).to.deep.equal(["refund", "sale"]);

    // The session: refresh rotates the pair; logout ends it.
    const before = shop.refreshToken;
    await shop.auth.refresh();
    expect(shop.refreshToken).not.to.equal(before);
    await shop.auth.logout();
    expect(await shop.users.me().catch((e: unknown) => e)).to.be.instanceOf(AuthenticationError);
  });

  it("when the demo shopper runs the README quick start, then it completes", async () => {
    const shop = new DisqoCommerce({ baseUrl });
    await shop.auth.login({ email: "shopper@example.com", password: "shopper-demo-pass" });
    let n = 0;
    for await (const _product of shop.products.list({ q: "book", limit: 20 })) if (++n >= 40) break;
    expect(n).to.equal(40);
    await shop.cart.clear();
    const first = (await shop.products.list({ q: "book", limit: 20 })).data.find((p) => p.available >= 2)!;
    await shop.cart.addItem({ product_id: first.id, quantity: 2 });
    const quote = await shop.quotes.create({ promo_code: "WELCOME10" });
    const { order } = await shop.checkout.create({ quote_id: quote.id, payment_method: { type: "card", token: "tok_visa" } });
    expect(order.status).to.equal("paid");
    // Order ids are UUIDs: an unknown one is a 404 (a number was a 422, and is now a type error).
    const error = await shop.orders.get("00000000-0000-4000-8000-000000000000").catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NotFoundError);
    expect((error as ApiError).code).to.equal("not_found");
  });
});
