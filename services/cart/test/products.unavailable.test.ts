import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { createProduct, deadUrl, hangingServer, newUserId, outcome, startCart, startPlatform, type Platform } from "./support.js";

for (const backend of testBackends()) {
  describe(`cart: when the product service is unavailable (${backend})`, () => {
    let p: Platform;
    before(async () => {
      p = await startPlatform(backend);
    });
    after(() => p.close());

    it("when the product service is down, then adding, changing and quoting are 503 and the cart is unchanged", async () => {
      const id = newUserId();
      const token = p.tokens.user(id);
      const product = await createProduct(p);
      // a cart app pointed at a port where nothing listens; its cart line is arranged in its database
      const down = await startCart(backend, p.tokens, { productUrl: await deadUrl() });
      try {
        const api = down.client(token);
        await api.cart.getCart();
        const cartRow = await down.domain.models.Cart.findOne({ where: { user_id: id } });
        await down.domain.models.CartItem.create({ cart_id: cartRow!.id, product_id: product.id, name: product.name, quantity: 1, unit_price: 1999, currency: "USD" });
        const downItem = (await api.cart.getCart()).items[0];
        const results = [
          await outcome(api.cart.addCartItemRaw({ CartItemInput: { product_id: product.id, quantity: 1 } })),
          await outcome(api.cart.updateCartItemRaw({ item_id: downItem.id, CartItemUpdate: { quantity: 2 } })),
          await outcome(api.quotes.createQuoteRaw({})),
        ];
        for (const res of results) {
          expect(res.status).to.equal(503);
          expect(res.headers.get("content-type")).to.match(/^application\/problem\+json/);
          expect(res.body.code).to.equal("service_unavailable");
        }
        expect((await api.cart.getCart()).items.map((i) => i.quantity)).to.deep.equal([1]);
        expect(await down.domain.models.Quote.count()).to.equal(0);
        // what does not need the product service still works
        expect((await outcome(api.cart.removeCartItemRaw({ item_id: downItem.id }))).status).to.equal(200);
      } finally {
        await down.close();
      }
    });

    it("when the product service hangs, then the cart gives up after its timeout with a 503", async () => {
      const hanging = await hangingServer();
      const slow = await startCart(backend, p.tokens, { productUrl: hanging.url, productTimeoutMs: 300 });
      try {
        const started = Date.now();
        const res = await outcome(slow.client(p.tokens.user(newUserId())).cart.addCartItemRaw({ CartItemInput: { product_id: 1, quantity: 1 } }));
        expect(res.status).to.equal(503);
        expect(Date.now() - started).to.be.below(3_000);
      } finally {
        await slow.close();
        await hanging.close();
      }
    });

    it("when the product service refuses the cart's credential, then quoting is 503 (never 500) and nothing is stored", async () => {
      const misconfigured = await startCart(backend, p.tokens, { productUrl: p.product.url, serviceSecret: "a-different-secret-than-the-platform-uses" });
      try {
        const api = misconfigured.client(p.tokens.user(newUserId()));
        const product = await createProduct(p);
        await api.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 1 } });
        const res = await outcome(api.quotes.createQuoteRaw({}));
        expect(res.status).to.equal(503);
        expect(await misconfigured.domain.models.Quote.count()).to.equal(0);
      } finally {
        await misconfigured.close();
      }
    });
  });
}
