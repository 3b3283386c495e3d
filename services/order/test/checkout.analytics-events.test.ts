import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { QueryTypes } from "sequelize";
import { testBackends } from "@disqo-commerce/kit/testing";
import { startAnalytics, type AnalyticsHarness } from "../../analytics/test/support.js";
import { createProduct, eventually, newUserId, startPlatform, type OrderPlatform } from "./support.js";

/**
 * The server-side facts of a checkout travel through each service's outbox to the analytics
 * service: added to cart, quote created (cart), checkout succeeded / declined and order
 * cancelled (order), search (product). The shopper's visitor id rides along in
 * X-Disqo-Visitor-Id. Killing the analytics service during a checkout loses nothing.
 */
for (const backend of testBackends()) {
  describe(`checkout: analytics events through the outboxes (${backend})`, function () {
    this.timeout(60_000);
    let a: AnalyticsHarness;
    let p: OrderPlatform;
    const today = new Date().toISOString().slice(0, 10);

    before(async () => {
      a = await startAnalytics(backend);
      p = await startPlatform(backend, { analyticsUrl: a.url });
    });
    after(async () => {
      await p.close();
      await a.close();
    });

    async function send(base: string, method: string, path: string, visitor: string, user: number, body?: unknown) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${p.tokens.user(user)}`, "X-Disqo-Visitor-Id": visitor, "Idempotency-Key": randomUUID() },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    }

    /** A shopper's visit: a search, an add to cart, a quote and a payment with `card`. */
    async function shop(visitor: string, user: number, productId: number, card: string) {
      await send(p.productUrl, "GET", `/v1/products?q=${encodeURIComponent("analytics")}`, visitor, user);
      expect((await send(p.cartUrl, "POST", "/v1/cart/items", visitor, user, { product_id: productId, quantity: 1 })).status).to.equal(201);
      const quote = await send(p.cartUrl, "POST", "/v1/cart/quotes", visitor, user, {});
      expect(quote.status).to.equal(201);
      return send(p.order.url, "POST", "/v1/checkout", visitor, user, { quote_id: quote.body.id, payment_method: { type: "card", token: card } });
    }

    const funnel = async () => {
      const res = await a.get(`/v1/admin/kpis/funnel?from=${today}&to=${today}`, a.tokens.admin());
      return Object.fromEntries(res.body.steps.map((s: { step: string; people: number }) => [s.step, s.people])) as Record<string, number>;
    };
    const summary = async () => (await a.get(`/v1/admin/kpis/summary?from=${today}&to=${today}`, a.tokens.admin())).body.intervals[0];

    it("when shoppers buy, are declined and cancel, then each fact arrives once, for the visitor who did it", async () => {
      const product = await createProduct(p, { name: "Analytics lamp", price: 2500 });
      const buyer = newUserId();
      const paid = await shop("visitor-buyer-1", buyer, product.id, "tok_visa");
      expect(paid.status).to.equal(201);
      const declined = await shop("visitor-declined", newUserId(), product.id, "tok_chargeDeclined");
      expect(declined.status).to.equal(402);
      const cancelled = await send(p.order.url, "POST", `/v1/orders/${paid.body.order.id}/cancel`, "visitor-buyer-1", buyer, {});
      expect(cancelled.status).to.equal(200);

      const steps = await eventually(funnel, (f) => f.buyers === 1 && f.quote_creators === 2 && f.searchers === 2, 15_000);
      expect(steps).to.include({ visitors: 2, searchers: 2, cart_adders: 2, quote_creators: 2, buyers: 1 });
      const day = await eventually(summary, (s) => s.cancellations === 1, 15_000);
      expect(day).to.include({ orders: 1, declines: 1, cancellations: 1, buyers: 1 });
      expect(day.revenue.amount).to.equal(paid.body.order.total.amount);
    });

    it("when the analytics service is down during a checkout, then the events wait in the outboxes and arrive once it is back", async () => {
      const product = await createProduct(p, { name: "Outage kettle", price: 1500 });
      await a.kill();
      const paid = await shop("visitor-outage", newUserId(), product.id, "tok_visa");
      expect(paid.status).to.equal(201);
      const waiting = await p.order.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM analytics_outbox", { type: QueryTypes.SELECT });
      expect(Number(waiting[0]!.n)).to.be.greaterThan(0);
      await a.revive();
      // each service's relay backs off on its own while analytics is down: wait for all of them
      const steps = await eventually(funnel, (f) => f.buyers === 2 && f.cart_adders === 3 && f.quote_creators === 3, 30_000);
      expect(steps).to.include({ buyers: 2, cart_adders: 3, quote_creators: 3 });
      const outboxRows = async () => {
        let n = 0;
        for (const db of [p.order.sequelize, p.cartDb, p.productDb]) n += Number((await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM analytics_outbox", { type: QueryTypes.SELECT }))[0]!.n);
        return n;
      };
      expect(await eventually(outboxRows, (n) => n === 0, 30_000)).to.equal(0);
    });

    it("when a request fails, then its fact was not recorded (the event rolls back with it)", async () => {
      const before = await funnel();
      const res = await send(p.cartUrl, "POST", "/v1/cart/items", "visitor-nothing", newUserId(), { product_id: 999_999_999, quantity: 1 });
      expect(res.status).to.equal(404);
      const rows = await p.cartDb.query<{ n: number }>("SELECT COUNT(*) AS n FROM analytics_outbox", { type: QueryTypes.SELECT });
      expect(Number(rows[0]!.n)).to.equal(0);
      expect((await funnel()).cart_adders).to.equal(before.cart_adders);
    });
  });
}
