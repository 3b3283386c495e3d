import { expect } from "chai";
import { IdempotencyStore } from "@disqo-commerce/kit";
import { testBackends } from "@disqo-commerce/kit/testing";
import { createProduct, newUserId, outcome, rawRequest, startPlatform, type Platform } from "./support.js";

for (const backend of testBackends()) {
  describe(`cart: items (${backend})`, () => {
    let p: Platform;
    before(async () => {
      p = await startPlatform(backend);
    });
    after(() => p.close());

    const shopper = () => {
      const id = newUserId();
      return { id, token: p.tokens.user(id), api: p.cart.client(p.tokens.user(id)).cart };
    };

    it("when a new shopper reads the cart, then an empty cart is created and the same one is returned again", async () => {
      const s = shopper();
      const first = await s.api.getCart();
      expect(first.items).to.deep.equal([]);
      expect(first.item_count).to.equal(0);
      expect(first.subtotal).to.deep.equal({ amount: 0, currency: "USD" });
      const again = await s.api.getCart();
      expect(again.id).to.equal(first.id);
      expect(await p.cart.domain.models.Cart.count({ where: { user_id: s.id } })).to.equal(1);
    });

    it("when a product is added, then it is 201 with the line at the product's price and the totals", async () => {
      const s = shopper();
      const product = await createProduct(p, { price: { amount: 1250, currency: "USD" } });
      const res = await outcome(s.api.addCartItemRaw({ CartItemInput: { product_id: product.id, quantity: 3 } }));
      expect(res.status).to.equal(201);
      expect(res.body.items).to.have.length(1);
      expect(res.body.items[0]).to.include({ product_id: product.id, name: product.name, quantity: 3 });
      expect(res.body.items[0].unit_price).to.deep.equal({ amount: 1250, currency: "USD" });
      expect(res.body.items[0].line_total).to.deep.equal({ amount: 3750, currency: "USD" });
      expect(res.body.item_count).to.equal(3);
      expect(res.body.subtotal).to.deep.equal({ amount: 3750, currency: "USD" });
    });

    it("when the same product is added twice, then there is one line with the summed quantity and the first price", async () => {
      const s = shopper();
      const product = await createProduct(p, { price: { amount: 1000, currency: "USD" } });
      await s.api.addCartItem({ CartItemInput: { product_id: product.id, quantity: 2 } });
      await p.product.admin.updateProduct({ id: product.id, ProductUpdate: { price: { amount: 1100, currency: "USD" } } });
      const cart = await s.api.addCartItem({ CartItemInput: { product_id: product.id, quantity: 4 } });
      expect(cart.items).to.have.length(1);
      expect(cart.items[0].quantity).to.equal(6);
      expect(cart.items[0].unit_price.amount).to.equal(1000);
    });

    it("when the same product is added concurrently, then there is one line with the summed quantity", async () => {
      const s = shopper();
      const product = await createProduct(p, { stock: 500 });
      const results = await Promise.all(Array.from({ length: 8 }, () => outcome(s.api.addCartItemRaw({ CartItemInput: { product_id: product.id, quantity: 2 } }))));
      expect(results.map((r) => r.status)).to.deep.equal(Array(8).fill(201));
      const cart = await s.api.getCart();
      expect(cart.items).to.have.length(1);
      expect(cart.items[0].quantity).to.equal(16);
      expect(await p.cart.domain.models.CartItem.count({ where: { product_id: product.id } })).to.equal(1);
    });

    it("when a new shopper's first requests race, then they share one cart", async () => {
      const s = shopper();
      const [a, b] = await Promise.all([createProduct(p), createProduct(p)]);
      await Promise.all([s.api.addCartItem({ CartItemInput: { product_id: a.id, quantity: 1 } }), s.api.addCartItem({ CartItemInput: { product_id: b.id, quantity: 1 } }), s.api.getCart()]);
      const cart = await s.api.getCart();
      expect(cart.items.map((i) => i.product_id).sort()).to.deep.equal([a.id, b.id].sort());
      expect(await p.cart.domain.models.Cart.count({ where: { user_id: s.id } })).to.equal(1);
    });

    it("when the product does not exist or is inactive, then it is 404 and the cart is unchanged", async () => {
      const s = shopper();
      const inactive = await createProduct(p, { is_active: false });
      for (const productId of [99_999_999, inactive.id]) {
        const res = await outcome(s.api.addCartItemRaw({ CartItemInput: { product_id: productId, quantity: 1 } }));
        expect(res.status).to.equal(404);
        expect(res.headers.get("content-type")).to.match(/^application\/problem\+json/);
        expect(res.body.code).to.equal("product_unavailable");
      }
      expect((await s.api.getCart()).items).to.deep.equal([]);
    });

    it("when the product id is beyond the product service's range (12+ digits), then it is 422 validation_failed, not 503", async () => {
      const s = shopper();
      for (const productId of [123_456_789_012, 99_999_999_999 + 1, Number.MAX_SAFE_INTEGER]) {
        const res = await outcome(s.api.addCartItemRaw({ CartItemInput: { product_id: productId, quantity: 1 } }));
        expect(res.status, `product ${productId}`).to.equal(422);
        expect(res.body.code).to.equal("validation_failed");
        expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("/body/product_id");
      }
      // the largest id the product service knows is an ordinary unknown product
      const largest = await outcome(s.api.addCartItemRaw({ CartItemInput: { product_id: 99_999_999_999, quantity: 1 } }));
      expect(largest.status).to.equal(404);
      expect(largest.body.code).to.equal("product_unavailable");
      expect((await s.api.getCart()).items).to.deep.equal([]);
    });

    it("when the quantity is outside 1..99, then it is 422 validation_failed", async () => {
      const s = shopper();
      const product = await createProduct(p, { stock: 500 });
      for (const quantity of [0, -1, 100]) {
        const res = await outcome(s.api.addCartItemRaw({ CartItemInput: { product_id: product.id, quantity } }));
        expect(res.status, `quantity ${quantity}`).to.equal(422);
        expect(res.body.code).to.equal("validation_failed");
        expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("/body/quantity");
      }
    });

    it("when adding would make the line exceed 99, then it is 422 and the line keeps its quantity", async () => {
      const s = shopper();
      const product = await createProduct(p, { stock: 500 });
      await s.api.addCartItem({ CartItemInput: { product_id: product.id, quantity: 60 } });
      const res = await outcome(s.api.addCartItemRaw({ CartItemInput: { product_id: product.id, quantity: 40 } }));
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("validation_failed");
      expect((await s.api.getCart()).items[0].quantity).to.equal(60);
    });

    it("when the quantity is beyond the available stock, then it is 422 insufficient_stock naming the product", async () => {
      const s = shopper();
      const product = await createProduct(p, { stock: 3 });
      const res = await outcome(s.api.addCartItemRaw({ CartItemInput: { product_id: product.id, quantity: 4 } }));
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("insufficient_stock");
      expect(res.body.products).to.deep.equal([{ product_id: product.id, requested: 4, available: 3 }]);
    });

    it("when the body is malformed or has the wrong types, then it is 400 or 422 and never 500", async () => {
      const s = shopper();
      const url = `${p.cart.url}/v1/cart/items`;
      const malformed = await rawRequest(url, { method: "POST", token: s.token, body: "{not json" });
      expect(malformed.status).to.equal(400);
      expect(malformed.body.code).to.equal("malformed_request");
      const wrongType = await rawRequest(url, { method: "POST", token: s.token, body: JSON.stringify({ product_id: "one", quantity: 1 }) });
      expect(wrongType.status).to.equal(422);
      const extra = await rawRequest(url, { method: "POST", token: s.token, body: JSON.stringify({ product_id: 1, quantity: 1, price: 1 }) });
      expect(extra.status).to.equal(422);
    });

    it("when there is no token, an expired one or a service credential, then it is 401", async () => {
      const product = await createProduct(p);
      for (const token of [undefined, p.tokens.expired(newUserId()), p.tokens.service("order")]) {
        const res = await outcome(p.cart.client(token).cart.addCartItemRaw({ CartItemInput: { product_id: product.id, quantity: 1 } }));
        expect(res.status).to.equal(401);
      }
      expect((await outcome(p.cart.client().cart.getCartRaw())).status).to.equal(401);
    });

    it("when the quantity of an item is changed, then the line and totals follow", async () => {
      const s = shopper();
      const product = await createProduct(p, { price: { amount: 500, currency: "USD" }, stock: 10 });
      const added = await s.api.addCartItem({ CartItemInput: { product_id: product.id, quantity: 1 } });
      const res = await outcome(s.api.updateCartItemRaw({ item_id: added.items[0].id, CartItemUpdate: { quantity: 7 } }));
      expect(res.status).to.equal(200);
      expect(res.body.items[0].quantity).to.equal(7);
      expect(res.body.subtotal.amount).to.equal(3500);
      const tooMany = await outcome(s.api.updateCartItemRaw({ item_id: added.items[0].id, CartItemUpdate: { quantity: 11 } }));
      expect(tooMany.status).to.equal(422);
      expect(tooMany.body.code).to.equal("insufficient_stock");
      const outOfRange = await outcome(s.api.updateCartItemRaw({ item_id: added.items[0].id, CartItemUpdate: { quantity: 0 } }));
      expect(outOfRange.status).to.equal(422);
      expect((await s.api.getCart()).items[0].quantity).to.equal(7);
    });

    it("when stock fell below a line's quantity, then lowering the quantity is still allowed", async () => {
      const s = shopper();
      const product = await createProduct(p, { stock: 10 });
      const added = await s.api.addCartItem({ CartItemInput: { product_id: product.id, quantity: 8 } });
      await p.product.admin.updateProduct({ id: product.id, ProductUpdate: { stock: 2 } });
      const cart = await s.api.updateCartItem({ item_id: added.items[0].id, CartItemUpdate: { quantity: 5 } });
      expect(cart.items[0].quantity).to.equal(5);
    });

    it("when an item is removed, then the cart no longer holds it; removing it again is 404", async () => {
      const s = shopper();
      const [a, b] = [await createProduct(p), await createProduct(p)];
      await s.api.addCartItem({ CartItemInput: { product_id: a.id, quantity: 1 } });
      const cart = await s.api.addCartItem({ CartItemInput: { product_id: b.id, quantity: 2 } });
      const itemA = cart.items.find((i) => i.product_id === a.id)!;
      const res = await outcome(s.api.removeCartItemRaw({ item_id: itemA.id }));
      expect(res.status).to.equal(200);
      expect(res.body.items.map((i: { product_id: number }) => i.product_id)).to.deep.equal([b.id]);
      expect((await outcome(s.api.removeCartItemRaw({ item_id: itemA.id }))).status).to.equal(404);
    });

    it("when the cart is cleared, then it is empty and keeps its id", async () => {
      const s = shopper();
      const product = await createProduct(p);
      const before = await s.api.addCartItem({ CartItemInput: { product_id: product.id, quantity: 2 } });
      const res = await outcome(s.api.clearCartRaw());
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id: before.id, item_count: 0 });
      expect(res.body.items).to.deep.equal([]);
    });

    it("when a shopper changes or removes another shopper's item, then it is 404 and the item is untouched", async () => {
      const owner = shopper();
      const other = shopper();
      const product = await createProduct(p);
      const cart = await owner.api.addCartItem({ CartItemInput: { product_id: product.id, quantity: 2 } });
      const itemId = cart.items[0].id;
      await other.api.getCart();
      const patch = await outcome(other.api.updateCartItemRaw({ item_id: itemId, CartItemUpdate: { quantity: 5 } }));
      expect(patch.status).to.equal(404);
      expect(patch.body.code).to.equal("not_found");
      expect((await outcome(other.api.removeCartItemRaw({ item_id: itemId }))).status).to.equal(404);
      await other.api.clearCart();
      const after = await owner.api.getCart();
      expect(after.items).to.have.length(1);
      expect(after.items[0].quantity).to.equal(2);
      expect((await other.api.getCart()).items).to.deep.equal([]);
    });

    it("when the item id is not a positive integer, then it is 422", async () => {
      const s = shopper();
      const res = await rawRequest(`${p.cart.url}/v1/cart/items/abc`, { method: "DELETE", token: s.token });
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("validation_failed");
    });

    it("when an Idempotency-Key is replayed, then the first response comes back and the product is added once", async () => {
      const s = shopper();
      const product = await createProduct(p);
      const call = () => outcome(s.api.addCartItemRaw({ CartItemInput: { product_id: product.id, quantity: 2 }, Idempotency_Key: `add-${s.id}-key` }));
      const first = await call();
      const second = await call();
      expect(second.status).to.equal(201);
      expect(second.headers.get("idempotent-replayed")).to.equal("true");
      expect(second.body).to.deep.equal(first.body);
      expect((await s.api.getCart()).items[0].quantity).to.equal(2);
      const reused = await outcome(s.api.addCartItemRaw({ CartItemInput: { product_id: product.id, quantity: 3 }, Idempotency_Key: `add-${s.id}-key` }));
      expect(reused.status).to.equal(422);
      expect(reused.body.code).to.equal("idempotency_key_reused");
    });

    it("when the process fails after the add commits but before the kit's own write of the answer, then a retry replays it and the product is added once", async () => {
      const s = shopper();
      const product = await createProduct(p);
      // as if the process died between the add's commit and the kit's after-the-handler write
      const complete = IdempotencyStore.prototype.complete;
      IdempotencyStore.prototype.complete = () => Promise.reject(new Error("process died"));
      const call = () => outcome(s.api.addCartItemRaw({ CartItemInput: { product_id: product.id, quantity: 2 }, Idempotency_Key: `add-${s.id}-crash` }));
      let first;
      try {
        first = await call();
      } finally {
        IdempotencyStore.prototype.complete = complete;
      }
      expect(first.status).to.equal(201);
      const retry = await call();
      expect(retry.status).to.equal(201);
      expect(retry.headers.get("idempotent-replayed")).to.equal("true");
      expect(retry.body).to.deep.equal(first.body);
      expect((await s.api.getCart()).items[0].quantity).to.equal(2);
    });

    it("when an Idempotency-Key comes again with the same body in another key order, then it is a replay, not a reuse", async () => {
      const s = shopper();
      const product = await createProduct(p);
      const url = `${p.cart.url}/v1/cart/items`;
      const key = `add-${s.id}-reordered`;
      const first = await rawRequest(url, { method: "POST", token: s.token, headers: { "Idempotency-Key": key }, body: `{"product_id": ${product.id}, "quantity": 2}` });
      const reordered = await rawRequest(url, { method: "POST", token: s.token, headers: { "Idempotency-Key": key }, body: `{"quantity": 2, "product_id": ${product.id}}` });
      expect(first.status).to.equal(201);
      expect(reordered.status, JSON.stringify(reordered.body)).to.equal(201);
      expect(reordered.headers.get("idempotent-replayed")).to.equal("true");
      expect(reordered.body).to.deep.equal(first.body);
      expect((await s.api.getCart()).items[0].quantity).to.equal(2);
    });
  });
}
