import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { createProduct, newUserId, outcome, rawRequest, sleep, startCart, startPlatform, type CartHarness, type Platform } from "./support.js";

for (const backend of testBackends()) {
  describe(`quotes: accepting for an order (${backend})`, () => {
    let p: Platform;
    before(async () => {
      p = await startPlatform(backend);
    });
    after(() => p.close());

    const orderService = (cart: CartHarness = p.cart) => cart.client(p.tokens.service("order")).quotes;

    /** A shopper with one product in the cart and an open quote for it. */
    async function quoted(cart: CartHarness = p.cart) {
      const id = newUserId();
      const clients = cart.client(p.tokens.user(id));
      const product = await createProduct(p, { stock: 10 });
      await clients.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 2 } });
      const quote = await clients.quotes.createQuote({});
      return { id, ...clients, quote, product };
    }

    it("when the order service accepts an open quote, then it is accepted for the order and the shopper's cart starts afresh", async () => {
      const s = await quoted();
      const cartBefore = await s.cart.getCart();
      const res = await outcome(orderService().acceptQuoteRaw({ id: s.quote.id, QuoteAcceptance: { order_id: "1001" } }));
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id: s.quote.id, status: "accepted", order_id: "1001" });
      expect(Date.parse(res.body.accepted_at)).to.be.closeTo(Date.now(), 10_000);
      expect(res.body.total).to.deep.equal(s.quote.total);
      const cartAfter = await s.cart.getCart();
      expect(cartAfter.id).to.not.equal(cartBefore.id);
      expect(cartAfter.items).to.deep.equal([]);
      expect((await s.quotes.getQuote({ id: s.quote.id })).status).to.equal("accepted");
      const old = await p.cart.domain.models.Cart.findByPk(cartBefore.id);
      expect(old!.is_active).to.equal(false);
    });

    it("when the same order accepts it again, then it is 200 with the same quote; another order is 409", async () => {
      const s = await quoted();
      const first = await orderService().acceptQuote({ id: s.quote.id, QuoteAcceptance: { order_id: "2002" } });
      const again = await outcome(orderService().acceptQuoteRaw({ id: s.quote.id, QuoteAcceptance: { order_id: "2002" } }));
      expect(again.status).to.equal(200);
      expect(again.body.accepted_at).to.equal(first.accepted_at);
      const other = await outcome(orderService().acceptQuoteRaw({ id: s.quote.id, QuoteAcceptance: { order_id: "2003" } }));
      expect(other.status).to.equal(409);
      expect(other.body.code).to.equal("conflict");
      expect((await s.quotes.getQuote({ id: s.quote.id })).order_id).to.equal("2002");
    });

    it("when acceptances for two orders race, then exactly one order gets the quote", async () => {
      const s = await quoted();
      const results = await Promise.all(["3001", "3002", "3003"].map((order_id) => outcome(orderService().acceptQuoteRaw({ id: s.quote.id, QuoteAcceptance: { order_id } }))));
      expect(results.map((r) => r.status).sort()).to.deep.equal([200, 409, 409]);
    });

    it("when the quote was superseded, then it is 409 quote_not_open", async () => {
      const s = await quoted();
      await s.quotes.createQuote({});
      const res = await outcome(orderService().acceptQuoteRaw({ id: s.quote.id, QuoteAcceptance: { order_id: "4001" } }));
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("quote_not_open");
    });

    it("when the quote expired, then it is 409 quote_expired, unless the order was paid before the expiry", async () => {
      const shortLived = await startCart(backend, p.tokens, { productUrl: p.product.url, quoteTtlMs: 800 });
      try {
        const late = await quoted(shortLived);
        const paidInTime = await quoted(shortLived);
        await sleep(1_000);
        const res = await outcome(orderService(shortLived).acceptQuoteRaw({ id: late.quote.id, QuoteAcceptance: { order_id: "5001" } }));
        expect(res.status).to.equal(409);
        expect(res.body.code).to.equal("quote_expired");
        expect((await late.quotes.getQuote({ id: late.quote.id })).status).to.equal("expired");
        const paidAt = new Date(new Date(paidInTime.quote.expires_at).getTime() - 300).toISOString();
        const retried = await outcome(orderService(shortLived).acceptQuoteRaw({ id: paidInTime.quote.id, QuoteAcceptance: { order_id: "5002", paid_at: paidAt } }));
        expect(retried.status).to.equal(200);
        expect(retried.body.status).to.equal("accepted");
      } finally {
        await shortLived.close();
      }
    });

    it("when a shopper's or an admin's token is used, then it is 403 and the quote stays open; without a token 401", async () => {
      const s = await quoted();
      for (const token of [p.tokens.user(s.id), p.tokens.admin()]) {
        const res = await outcome(p.cart.client(token).quotes.acceptQuoteRaw({ id: s.quote.id, QuoteAcceptance: { order_id: "6001" } }));
        expect(res.status).to.equal(403);
        expect(res.body.code).to.equal("forbidden");
      }
      expect((await outcome(p.cart.client().quotes.acceptQuoteRaw({ id: s.quote.id, QuoteAcceptance: { order_id: "6001" } }))).status).to.equal(401);
      expect((await s.quotes.getQuote({ id: s.quote.id })).status).to.equal("open");
    });

    it("when the quote does not exist or the body is wrong, then it is 404, 422 or 400", async () => {
      expect((await outcome(orderService().acceptQuoteRaw({ id: "q_missing", QuoteAcceptance: { order_id: "7001" } }))).status).to.equal(404);
      const s = await quoted();
      const url = `${p.cart.url}/v1/quotes/${s.quote.id}/accept`;
      const token = p.tokens.service("order");
      expect((await rawRequest(url, { method: "POST", token, body: JSON.stringify({}) })).status).to.equal(422);
      expect((await rawRequest(url, { method: "POST", token, body: JSON.stringify({ order_id: "" }) })).status).to.equal(422);
      expect((await rawRequest(url, { method: "POST", token, body: "{" })).status).to.equal(400);
    });
  });
}
