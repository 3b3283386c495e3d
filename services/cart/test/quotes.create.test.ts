import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import type { Quote } from "../../../sdk/src/generated/cart/index.js";
import { createProduct, newUserId, outcome, rawRequest, sleep, startCart, startPlatform, type CartHarness, type Platform } from "./support.js";

const CA = { address_1: "1 Main St", city: "Los Angeles", state: "CA", zip_code: "90001" };

function expectReconciled(q: Quote) {
  const sum = (f: (i: Quote["items"][number]) => number) => q.items.reduce((s, i) => s + f(i), 0);
  expect(q.subtotal.amount - q.discount_total.amount + q.shipping_total.amount + q.tax_total.amount).to.equal(q.total.amount);
  expect(sum((i) => i.subtotal.amount)).to.equal(q.subtotal.amount);
  expect(sum((i) => i.discount.amount)).to.equal(q.discount_total.amount);
  expect(sum((i) => i.tax.amount)).to.equal(q.tax_total.amount);
  for (const i of q.items) {
    expect(i.subtotal.amount).to.equal(i.unit_price.amount * i.quantity);
    expect(i.total.amount).to.equal(i.subtotal.amount - i.discount.amount + i.tax.amount);
  }
}

for (const backend of testBackends()) {
  describe(`quotes: creating (${backend})`, () => {
    let p: Platform;
    before(async () => {
      p = await startPlatform(backend);
    });
    after(() => p.close());

    const shopper = (cart: CartHarness = p.cart) => {
      const id = newUserId();
      const token = p.tokens.user(id);
      return { id, token, ...cart.client(token) };
    };
    const available = async (productId: number) => (await p.product.admin.getProduct({ id: productId })).available;

    it("when a cart is quoted with WELCOME10 and a CA address, then lines, discount, tax, shipping and totals are right and the stock is held", async () => {
      const s = shopper();
      const a = await createProduct(p, { price: { amount: 1999, currency: "USD" }, stock: 10 });
      const b = await createProduct(p, { price: { amount: 500, currency: "USD" }, stock: 10 });
      await s.cart.addCartItem({ CartItemInput: { product_id: a.id, quantity: 2 } });
      await s.cart.addCartItem({ CartItemInput: { product_id: b.id, quantity: 1 } });
      const started = Date.now();
      const res = await outcome(s.quotes.createQuoteRaw({ QuoteInput: { promo_code: "welcome10", shipping_address: CA } }));
      expect(res.status).to.equal(201);
      const q = res.body;
      expect(q.id).to.match(/^q_[A-Za-z0-9_-]{10,}$/);
      expect(q).to.include({ status: "open", promo_code: "WELCOME10", user_id: s.id, order_id: null, accepted_at: null });
      expect(q.shipping_address).to.include({ state: "CA", zip_code: "90001" });
      expect(q.subtotal.amount).to.equal(4498);
      expect(q.discount_total.amount).to.equal(450);
      expect(q.items.map((i: { discount: { amount: number } }) => i.discount.amount)).to.deep.equal([400, 50]);
      expect(q.items.map((i: { tax: { amount: number } }) => i.tax.amount)).to.deep.equal([261, 33]);
      expect(q.shipping_total.amount).to.equal(599);
      expect(q.total.amount).to.equal(4498 - 450 + 599 + 294);
      expect(q.price_changes).to.deep.equal([]);
      expectReconciled(q);
      const ttl = Date.parse(q.expires_at) - started;
      expect(ttl).to.be.within(14 * 60_000, 15 * 60_000 + 5_000);
      expect(await available(a.id)).to.equal(8);
      expect(await available(b.id)).to.equal(9);
      const reservation = await p.product.inventory.putReservation({ reservation_id: q.id, ReservationInput: { items: [{ product_id: a.id, quantity: 2 }, { product_id: b.id, quantity: 1 }], expires_at: q.expires_at } });
      expect(reservation.status).to.equal("held");
    });

    it("when a price changes between add and quote, then the quote charges the new price and lists the change", async () => {
      const s = shopper();
      const product = await createProduct(p, { price: { amount: 1000, currency: "USD" } });
      const steady = await createProduct(p, { price: { amount: 700, currency: "USD" } });
      await s.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 2 } });
      await s.cart.addCartItem({ CartItemInput: { product_id: steady.id, quantity: 1 } });
      await p.product.admin.updateProduct({ id: product.id, ProductUpdate: { price: { amount: 1250, currency: "USD" }, name: "Renamed product" } });
      const q = await s.quotes.createQuote({});
      expect(q.price_changes).to.deep.equal([
        { product_id: product.id, name: "Renamed product", old_price: { amount: 1000, currency: "USD" }, new_price: { amount: 1250, currency: "USD" } },
      ]);
      const line = q.items.find((i) => i.product_id === product.id)!;
      expect(line.unit_price.amount).to.equal(1250);
      expect(line.name).to.equal("Renamed product");
      expect(q.subtotal.amount).to.equal(2 * 1250 + 700);
      // the cart still shows the price at add time: the quote is what changed
      expect((await s.cart.getCart()).items.find((i) => i.product_id === product.id)!.unit_price.amount).to.equal(1000);
    });

    it("when there is no address, then no tax is charged; above the threshold shipping is free", async () => {
      const s = shopper();
      const product = await createProduct(p, { price: { amount: 2600, currency: "USD" } });
      await s.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 2 } });
      const q = await s.quotes.createQuote({});
      expect(q.tax_total.amount).to.equal(0);
      expect(q.shipping_total.amount).to.equal(0);
      expect(q.total.amount).to.equal(5200);
      expect(q.shipping_address).to.equal(undefined);
      expect(q.promo_code).to.equal(null);
    });

    it("when the cart is empty, then it is 422 cart_empty and nothing is held", async () => {
      const s = shopper();
      const res = await outcome(s.quotes.createQuoteRaw({}));
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("cart_empty");
      expect(await p.cart.domain.models.Quote.count({ where: { user_id: s.id } })).to.equal(0);
    });

    it("when the promo code is unknown, expired or below its minimum, then it is 422 invalid_promo_code and no stock is held", async () => {
      const s = shopper();
      const admin = p.cart.client(p.tokens.admin()).promoCodes;
      await admin.createPromoCode({ PromoCodeInput: { code: `OLD${s.id}`, kind: "percent", percent_off: 20, expires_at: new Date(Date.now() - 60_000).toISOString() } });
      const product = await createProduct(p, { price: { amount: 1000, currency: "USD" }, stock: 5 });
      await s.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 2 } });
      for (const code of ["NOPE", `OLD${s.id}`, "SAVE5"]) {
        const res = await outcome(s.quotes.createQuoteRaw({ QuoteInput: { promo_code: code } }));
        expect(res.status, code).to.equal(422);
        expect(res.body.code).to.equal("invalid_promo_code");
      }
      expect(await available(product.id)).to.equal(5);
      expect(await p.cart.domain.models.Quote.count({ where: { user_id: s.id } })).to.equal(0);
    });

    it("when an amount-off code's minimum is met, then its amount is spread over the lines", async () => {
      const s = shopper();
      const a = await createProduct(p, { price: { amount: 1500, currency: "USD" } });
      const b = await createProduct(p, { price: { amount: 1500, currency: "USD" } });
      await s.cart.addCartItem({ CartItemInput: { product_id: a.id, quantity: 1 } });
      await s.cart.addCartItem({ CartItemInput: { product_id: b.id, quantity: 1 } });
      const q = await s.quotes.createQuote({ QuoteInput: { promo_code: "SAVE5", shipping_address: { ...CA, state: "NY" } } });
      expect(q.discount_total.amount).to.equal(500);
      expect(q.items.map((i) => i.discount.amount)).to.deep.equal([250, 250]);
      expect(q.items.map((i) => i.tax.amount)).to.deep.equal([50, 50]); // 4% of 1250
      expectReconciled(q);
    });

    it("when a product in the cart was deactivated, then it is 409 product_unavailable naming it", async () => {
      const s = shopper();
      const product = await createProduct(p);
      await s.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 1 } });
      await p.product.admin.deactivateProduct({ id: product.id });
      const res = await outcome(s.quotes.createQuoteRaw({}));
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("product_unavailable");
      expect(res.body.products).to.deep.equal([{ product_id: product.id, requested: 1, available: 0 }]);
    });

    it("when the cart is quoted again, then the older quote is superseded and its stock is not held twice", async () => {
      const s = shopper();
      const product = await createProduct(p, { stock: 5 });
      await s.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 3 } });
      const first = await s.quotes.createQuote({});
      expect(await available(product.id)).to.equal(2);
      // the shopper's own hold does not count against changing the cart
      await s.cart.updateCartItem({ item_id: (await s.cart.getCart()).items[0].id, CartItemUpdate: { quantity: 4 } });
      const second = await s.quotes.createQuote({});
      expect(second.id).to.not.equal(first.id);
      expect((await s.quotes.getQuote({ id: first.id })).status).to.equal("superseded");
      expect((await s.quotes.getQuote({ id: second.id })).status).to.equal("open");
      expect(await available(product.id)).to.equal(1);
    });

    it("when two shoppers quote the last unit at once, then one quote gets it and the other is 409 insufficient_stock", async () => {
      const product = await createProduct(p, { stock: 1 });
      const [one, two] = [shopper(), shopper()];
      await one.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 1 } });
      await two.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 1 } });
      const results = await Promise.all([outcome(one.quotes.createQuoteRaw({})), outcome(two.quotes.createQuoteRaw({}))]);
      expect(results.map((r) => r.status).sort()).to.deep.equal([201, 409]);
      const loser = results.find((r) => r.status === 409)!;
      expect(loser.body.code).to.equal("insufficient_stock");
      expect(loser.body.products).to.deep.equal([{ product_id: product.id, requested: 1, available: 0 }]);
      expect(await available(product.id)).to.equal(0);
      expect(await p.cart.domain.models.Quote.count({ where: { user_id: [one.id, two.id] } })).to.equal(1);
    });

    it("when a quote expires, then its stock is available again and its status is expired", async () => {
      const shortLived = await startCart(backend, p.tokens, { productUrl: p.product.url, quoteTtlMs: 1_000 });
      try {
        const product = await createProduct(p, { stock: 1 });
        const [one, two] = [shopper(shortLived), shopper(shortLived)];
        await one.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 1 } });
        await two.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 1 } });
        const held = await one.quotes.createQuote({});
        expect((await outcome(two.quotes.createQuoteRaw({}))).status).to.equal(409);
        await sleep(1_300);
        expect((await one.quotes.getQuote({ id: held.id })).status).to.equal("expired");
        expect(await available(product.id)).to.equal(1);
        const res = await outcome(two.quotes.createQuoteRaw({}));
        expect(res.status).to.equal(201);
      } finally {
        await shortLived.close();
      }
    });

    it("when another shopper or an admin reads someone's quote, then it is 404; a service may read it", async () => {
      const owner = shopper();
      const product = await createProduct(p);
      await owner.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 1 } });
      const q = await owner.quotes.createQuote({});
      for (const token of [p.tokens.user(newUserId()), p.tokens.admin()]) {
        const res = await outcome(p.cart.client(token).quotes.getQuoteRaw({ id: q.id }));
        expect(res.status).to.equal(404);
        expect(res.body.code).to.equal("not_found");
      }
      const asService = await p.cart.client(p.tokens.service("order")).quotes.getQuote({ id: q.id });
      expect(asService.total).to.deep.equal(q.total);
      const asOwner = await owner.quotes.getQuote({ id: q.id });
      expect(JSON.parse(JSON.stringify(asOwner))).to.deep.equal(JSON.parse(JSON.stringify(q)));
    });

    it("when the quote does not exist or there is no token, then it is 404 or 401", async () => {
      const s = shopper();
      expect((await outcome(s.quotes.getQuoteRaw({ id: "q_doesnotexist" }))).status).to.equal(404);
      expect((await outcome(s.quotes.getQuoteRaw({ id: "x".repeat(300) }))).status).to.equal(404);
      expect((await outcome(p.cart.client().quotes.getQuoteRaw({ id: "q_doesnotexist" }))).status).to.equal(401);
      expect((await outcome(p.cart.client().quotes.createQuoteRaw({}))).status).to.equal(401);
    });

    it("when the request has no body at all, then the cart is quoted without promo or address", async () => {
      const s = shopper();
      const product = await createProduct(p);
      await s.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 1 } });
      const res = await rawRequest(`${p.cart.url}/v1/cart/quotes`, { method: "POST", token: s.token });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ status: "open", promo_code: null });
    });

    it("when the address or promo code breaks the contract, then it is 422 validation_failed", async () => {
      const s = shopper();
      const bad = await outcome(s.quotes.createQuoteRaw({ QuoteInput: { shipping_address: { ...CA, state: "California" } } }));
      expect(bad.status).to.equal(422);
      expect(bad.body.code).to.equal("validation_failed");
    });

    it("when an Idempotency-Key is replayed, then the same quote comes back and only one exists", async () => {
      const s = shopper();
      const product = await createProduct(p);
      await s.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 1 } });
      const first = await outcome(s.quotes.createQuoteRaw({ QuoteInput: {}, Idempotency_Key: `quote-${s.id}-1` }));
      const second = await outcome(s.quotes.createQuoteRaw({ QuoteInput: {}, Idempotency_Key: `quote-${s.id}-1` }));
      expect(first.status).to.equal(201);
      expect(second.body.id).to.equal(first.body.id);
      expect(await p.cart.domain.models.Quote.count({ where: { user_id: s.id } })).to.equal(1);
    });
  });
}
