import { expect } from "chai";
import { QueryTypes } from "sequelize";
import { testBackends } from "@disqo-commerce/kit/testing";
import { checkout, createProduct, eventually, newUserId, orderTables, quoteFor, startPlatform, type OrderPlatform, type Reply } from "./support.js";

/*
 * The stock rule seen from a checkout: an admin lowering the stock below what a quote holds
 * is refused, and a product deactivated under an open quote fails that quote's checkout with
 * a clear 409 before the card is charged. Raced too: no charge without an order, no order
 * without its stock.
 */
for (const backend of testBackends()) {
  describe(`checkout under the stock rule (${backend})`, function () {
    this.timeout(180_000);
    let p: OrderPlatform;
    before(async () => {
      p = await startPlatform(backend);
    });
    after(async () => {
      await p?.close();
    });

    async function admin(method: string, path: string, body?: unknown): Promise<Reply> {
      const res = await fetch(p.productUrl + path, {
        method,
        headers: { authorization: `Bearer ${p.tokens.admin()}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
    }
    const committedOf = async (productId: number) => {
      const [row] = await p.productDb.query<{ stock: number; committed: number }>("SELECT stock, committed FROM products WHERE id = ?", { replacements: [productId], type: QueryTypes.SELECT });
      return { stock: Number(row.stock), committed: Number(row.committed) };
    };
    const ordersOfQuote = async (quoteId: string) => {
      const tables = await orderTables(p.order.sequelize);
      return { orders: tables.orders.filter((o) => o.quote_id === quoteId), charges: tables.transactions.filter((t) => t.quote_id === quoteId && t.type === "charge") };
    };

    it("when an admin sets the stock to 0 while a quote holds 2, then it is a 409 with the numbers and the quote still checks out", async () => {
      const product = await createProduct(p, { stock: 2 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 2 }]);

      const cut = await admin("PATCH", `/v1/products/${product.id}`, { stock: 0 });
      const res = await checkout(p, user, quote.id);

      expect(cut.status).to.equal(409);
      expect(cut.body).to.include({ code: "stock_below_reserved", held: 2, committed: 0, minimum_stock: 2 });
      expect(res.status).to.equal(201);
      expect(await eventually(() => committedOf(product.id), (s) => s.committed === 2)).to.deep.equal({ stock: 2, committed: 2 });
      expect((await admin("PATCH", `/v1/products/${product.id}`, { stock: 1 })).body).to.include({ code: "stock_below_reserved", minimum_stock: 2 });
    });

    it("when the product is deactivated while a quote holds it, then the checkout is a 409 product_unavailable and nothing is charged", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 2 }]);
      const chargesBefore = (await p.processor.succeededCharges()).length;

      expect((await admin("DELETE", `/v1/products/${product.id}`)).status).to.equal(200);
      const res = await checkout(p, user, quote.id);

      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("product_unavailable");
      expect(res.body.detail).to.match(/nothing was charged/);
      expect(res.body.products.map((x: { product_id: number }) => x.product_id)).to.deep.equal([product.id]);
      expect(await p.processor.succeededCharges()).to.have.length(chargesBefore);
      expect(await ordersOfQuote(quote.id)).to.deep.equal({ orders: [], charges: [] });
      expect(await committedOf(product.id)).to.deep.equal({ stock: 5, committed: 0 });
    });

    it("when checkouts race a deactivation or a stock cut, then every charge has its order, every order its stock, and stock never ends below what is sold", async () => {
      const rounds = 8;
      for (let i = 0; i < rounds; i++) {
        const product = await createProduct(p, { stock: 3 });
        const user = newUserId();
        const quote = await quoteFor(p, user, [{ product, quantity: 2 }]);
        const adminCall = i % 2 === 0 ? admin("DELETE", `/v1/products/${product.id}`) : admin("PATCH", `/v1/products/${product.id}`, { stock: 1 });
        const [res, change] = await Promise.all([checkout(p, user, quote.id), adminCall]);

        const { orders, charges } = await ordersOfQuote(quote.id);
        const label = `round ${i}: checkout ${res.status} ${res.body?.code ?? ""}, admin ${change.status} ${change.body?.code ?? ""}`;
        if (i % 2 === 0) expect(change.status, label).to.equal(200);
        // the quote holds 2 (then sells 2) of 3 units all along: 1 is below that, whoever goes first
        else expect(change.body?.code, label).to.equal("stock_below_reserved");
        if (res.status === 201) {
          expect(orders.map((o) => o.status), label).to.deep.equal(["paid"]);
          expect(charges.map((c) => c.status), label).to.deep.equal(["succeeded"]);
          const state = await eventually(() => committedOf(product.id), (s) => s.committed === 2);
          expect(state, label).to.deep.equal({ stock: 3, committed: 2 });
        } else {
          expect(res.status, label).to.equal(409);
          expect(res.body.code, label).to.equal("product_unavailable");
          expect({ orders, charges }, label).to.deep.equal({ orders: [], charges: [] });
          expect((await committedOf(product.id)).committed, label).to.equal(0);
        }
      }
      const tables = await orderTables(p.order.sequelize);
      const charged = tables.transactions.filter((t) => t.type === "charge" && t.status === "succeeded").map((t) => t.quote_id);
      expect(charged.sort()).to.deep.equal(tables.orders.map((o) => o.quote_id).sort());
    });
  });
}
