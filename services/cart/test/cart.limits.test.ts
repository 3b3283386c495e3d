import { expect } from "chai";
import { testBackends, testTokens } from "@disqo-commerce/kit/testing";
import { MAX_CART_LINES } from "../src/carts.js";
import type { CatalogProduct, ProductClient } from "../src/products.js";
import { newUserId, outcome, startCart, type CartHarness } from "./support.js";

/** A catalog in which every id is an active product with plenty of stock. */
const endlessCatalog: ProductClient = {
  async getProducts(ids) {
    return new Map(ids.map((id): [number, CatalogProduct] => [id, { id, name: `Product ${id}`, price: 100, currency: "USD", isActive: true, available: 1_000 }]));
  },
  async reserve() {
    return { ok: true };
  },
  async release() {},
};

for (const backend of testBackends()) {
  describe(`cart: size limits (${backend})`, () => {
    const tokens = testTokens();
    let cart: CartHarness;
    before(async () => {
      cart = await startCart(backend, tokens, { products: endlessCatalog });
    });
    after(() => cart.close());

    it(`when the cart holds ${MAX_CART_LINES} different products, then another product is 422 but more of one already in it is fine`, async () => {
      const api = cart.client(tokens.user(newUserId())).cart;
      const { id: cartId } = await api.getCart();
      // all but the last line arranged in the database, the last one through the API
      await cart.domain.models.CartItem.bulkCreate(
        Array.from({ length: MAX_CART_LINES - 1 }, (_, i) => ({ cart_id: cartId, product_id: i + 1, name: `Product ${i + 1}`, quantity: 1, unit_price: 100, currency: "USD" })),
      );
      await api.addCartItem({ CartItemInput: { product_id: MAX_CART_LINES, quantity: 1 } });
      const res = await outcome(api.addCartItemRaw({ CartItemInput: { product_id: MAX_CART_LINES + 1, quantity: 1 } }));
      expect(res.status).to.equal(422);
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(["/body/product_id"]);
      const more = await api.addCartItem({ CartItemInput: { product_id: 1, quantity: 1 } });
      expect(more.items).to.have.length(MAX_CART_LINES);
      expect(more.item_count).to.equal(MAX_CART_LINES + 1);
    });
  });
}
