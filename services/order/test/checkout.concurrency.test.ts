import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { checkout, createProduct, eventually, getQuote, newUserId, orderTables, productState, quoteFor, startPlatform, type OrderPlatform } from "./support.js";

for (const backend of testBackends()) {
  describe(`checkout under concurrency (${backend})`, function () {
    this.timeout(120_000);
    let p: OrderPlatform;
    before(async () => {
      p = await startPlatform(backend);
    });
    after(async () => {
      await p?.close();
    });

    it("when 20 checkouts with the same key run at once, then there is one order and one charge, and every success is that order", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 2 }]);
      const key = randomUUID();

      const results = await Promise.all(Array.from({ length: 20 }, () => checkout(p, user, quote.id, { key })));

      const ok = results.filter((r) => r.status === 201);
      expect(ok.length).to.be.at.least(1);
      for (const r of results.filter((x) => x.status !== 201)) {
        expect(r.status).to.equal(409);
        expect(r.body.code).to.be.oneOf(["idempotency_key_in_flight", "quote_not_open"]);
      }
      const orderIds = new Set(ok.map((r) => r.body.order.id));
      expect(orderIds.size).to.equal(1);
      const orderId = [...orderIds][0];
      const tables = await orderTables(p.order.sequelize);
      expect(tables.orders.filter((o) => o.quote_id === quote.id)).to.have.length(1);
      expect(tables.transactions.filter((t) => t.quote_id === quote.id)).to.have.length(1);
      expect(tables.attempts.filter((a) => a.quote_id === quote.id).map((a) => a.state)).to.deep.equal(["completed"]);
      expect((await p.processor.succeededCharges()).filter((c) => c.reference === orderId)).to.have.length(1);
      expect(p.processor.calls.filter((c) => c.op === "charge" && tables.attempts.some((a) => a.id === c.reference && a.quote_id === quote.id))).to.have.length(1);
      expect(await productState(p, product.id)).to.deep.equal({ stock: 5, available: 3 });

      const late = await checkout(p, user, quote.id, { key });
      expect(late.status).to.equal(201);
      expect(late.body.order.id).to.equal(orderId);
    });

    it("when the same quote is paid with different keys at once, then only one of them charges", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 1 }]);

      const results = await Promise.all(Array.from({ length: 8 }, () => checkout(p, user, quote.id)));

      expect(results.filter((r) => r.status === 201)).to.have.length(1);
      for (const r of results.filter((x) => x.status !== 201)) expect(r.body.code).to.equal("quote_not_open");
      const tables = await orderTables(p.order.sequelize);
      expect(tables.transactions.filter((t) => t.quote_id === quote.id)).to.have.length(1);
      expect((await p.processor.succeededCharges()).filter((c) => tables.attempts.some((a) => a.id === c.reference && a.quote_id === quote.id))).to.have.length(1);
    });

    it("when shoppers compete for the last units, then no unit is sold twice, the losers get a 409 and are never charged", async () => {
      const stock = 3;
      const product = await createProduct(p, { stock });
      const shoppers = Array.from({ length: 8 }, () => newUserId());

      const outcomes = await Promise.all(
        shoppers.map(async (user) => {
          let quoteId: string;
          try {
            quoteId = (await quoteFor(p, user, [{ product, quantity: 1 }])).id;
          } catch (error) {
            const status = (error as { response?: Response }).response?.status;
            return { user, stage: "quote", status: status ?? 0 };
          }
          const res = await checkout(p, user, quoteId);
          return { user, stage: "checkout", status: res.status, quoteId, orderId: res.body?.order?.id as string | undefined };
        }),
      );

      const winners = outcomes.filter((o) => o.status === 201);
      const losers = outcomes.filter((o) => o.status !== 201);
      expect(winners).to.have.length(stock);
      for (const l of losers) expect(l.status).to.equal(409);
      const tables = await orderTables(p.order.sequelize);
      const orders = tables.orders.filter((o) => shoppers.includes(o.user_id));
      expect(orders).to.have.length(stock);
      const charged = (await p.processor.succeededCharges()).filter((c) => orders.some((o) => o.id === c.reference));
      expect(charged).to.have.length(stock);
      for (const loser of losers) expect(tables.transactions.filter((t) => t.quote_id === loser.quoteId)).to.have.length(0);
      expect(await eventually(() => productState(p, product.id), (s) => s.available === 0)).to.deep.equal({ stock, available: 0 });
      for (const w of winners) expect((await getQuote(p, w.user, w.quoteId!)).status).to.equal("accepted");
    });
  });
}
