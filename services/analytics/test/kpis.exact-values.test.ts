import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { startAnalytics, type AnalyticsHarness } from "./support.js";

const D = "2026-11-10"; // a Tuesday
const at = (day: string, time: string) => `${day}T${time}Z`;
const plusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const visitor = (n: number) => `visitor-${String(n).padStart(2, "0")}`;
const usd = (amount: number) => ({ amount, currency: "USD" });

/**
 * A known script of sessions: 10 visitors; 6 search (two find nothing), 5 view a product,
 * 4 add to a cart, 3 get a quote, 2 sign up and buy, 1 is declined. Visitor 1's order arrives
 * with its user id only (as from an SDK integrator) and still counts for visitor 1.
 */
function scriptedServerEvents() {
  const e = (type: string, time: string, v: number | null, user: number | null, properties: Record<string, unknown>, day = D) => ({
    id: randomUUID(),
    type,
    occurred_at: at(day, time),
    visitor_id: v === null ? null : visitor(v),
    user_id: user,
    properties,
  });
  return [
    ...[1, 2, 3, 4].map((v) => e("search", "09:00:00", v, null, { term: "book", result_count: 12 })),
    e("search", "09:00:00", 5, null, { term: "zeppelin", result_count: 0 }),
    e("search", "09:00:00", 6, null, { term: "zeppelin", result_count: 0 }),
    e("search", "09:05:00", 6, null, { term: "hoverboard", result_count: 0 }),
    e("signup", "09:10:00", 1, 1, {}),
    e("signup", "09:10:00", 2, 2, {}),
    ...[1, 2, 3, 4].map((v) => e("cart_item_added", "09:20:00", v, v <= 2 ? v : null, { product_id: 7, quantity: 1 })),
    e("quote_created", "09:30:00", 1, 1, { quote_id: "q-1", total: usd(4598) }),
    e("quote_created", "09:30:00", 2, 2, { quote_id: "q-2", total: usd(1000) }),
    e("quote_created", "09:30:00", 3, 3, { quote_id: "q-3", total: usd(2500) }),
    e("checkout_succeeded", "09:40:00", null, 1, { order_id: "o-1", quote_id: "q-1", total: usd(4598) }),
    e("checkout_succeeded", "09:40:00", 2, 2, { order_id: "o-2", quote_id: "q-2", total: usd(1000) }),
    e("checkout_declined", "09:40:00", 3, 3, { quote_id: "q-3", code: "payment_declined" }),
    // the next day visitor 2 cancels; a week later visitor 1 buys again (a returning buyer)
    e("order_cancelled", "10:00:00", null, 2, { order_id: "o-2", total: usd(1000) }, plusDays(D, 1)),
    e("checkout_succeeded", "10:00:00", 1, 1, { order_id: "o-3", quote_id: "q-4", total: usd(2000) }, plusDays(D, 8)),
  ];
}

for (const backend of testBackends()) {
  describe(`analytics: exact KPIs of a scripted set of sessions (${backend})`, () => {
    let a: AnalyticsHarness;
    const server = scriptedServerEvents();

    before(async () => {
      a = await startAnalytics(backend, { now: () => new Date("2026-12-01T00:00:00Z") });
      for (let v = 1; v <= 10; v++) {
        const events = [{ id: randomUUID(), type: "page_view", occurred_at: at(D, "08:55:00"), properties: { path: "/" } }];
        if (v <= 5) events.push({ id: randomUUID(), type: "product_view", occurred_at: at(D, "09:15:00"), properties: { product_id: 7 } } as never);
        const res = await a.post("/v1/events", { events }, { headers: { "X-Disqo-Visitor-Id": visitor(v) } });
        expect(res.status).to.equal(202);
      }
      const res = await a.post("/v1/internal/events", { events: server }, { token: a.tokens.service("order") });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ accepted: server.length, duplicates: 0 });
    });
    after(() => a.close());

    const admin = () => a.tokens.admin();
    const funnelOf = async (from: string, to: string) => {
      const res = await a.get(`/v1/admin/kpis/funnel?from=${from}&to=${to}`, admin());
      expect(res.status).to.equal(200);
      return Object.fromEntries(res.body.steps.map((s: { step: string }) => [s.step, s]));
    };

    it("when the funnel of the day is read, then each step counts its distinct people and buyers are 20% of visitors", async () => {
      const steps = await funnelOf(D, D);
      expect(Object.fromEntries(Object.entries(steps).map(([k, s]) => [k, (s as { people: number }).people]))).to.deep.equal({
        visitors: 10,
        signups: 2,
        searchers: 6,
        product_viewers: 5,
        cart_adders: 4,
        quote_creators: 3,
        buyers: 2,
      });
      expect(steps.buyers).to.include({ conversion_from_visitors: 0.2, conversion_from_previous: 0.6667 });
      expect(steps.cart_adders).to.include({ conversion_from_visitors: 0.4, conversion_from_previous: 0.8 });
      expect(steps.visitors).to.include({ conversion_from_visitors: 1, conversion_from_previous: null });
    });

    it("when the window holds only the next day, then only that day's people count (window edges are whole UTC days)", async () => {
      const steps = await funnelOf(plusDays(D, 1), plusDays(D, 1));
      expect(steps.visitors.people).to.equal(1);
      expect(steps.buyers).to.include({ people: 0, conversion_from_previous: null, conversion_from_visitors: 0 });
      const empty = await funnelOf("2026-01-01", "2026-01-31");
      expect(empty.visitors).to.include({ people: 0, conversion_from_visitors: null });
    });

    it("when the same batch is delivered again (an outbox retry), then it is all duplicates and no number moves", async () => {
      const again = await a.post("/v1/internal/events", { events: server }, { token: a.tokens.service("order") });
      expect(again.body).to.deep.equal({ accepted: 0, duplicates: server.length });
      const steps = await funnelOf(D, D);
      expect(steps.buyers.people).to.equal(2);
      const summary = await a.get(`/v1/admin/kpis/summary?from=${D}&to=${D}`, admin());
      expect(summary.body.intervals[0].orders).to.equal(2);
    });

    it("when one visitor's events of different days arrive in concurrent batches, out of order, then they are one visitor in every window", async () => {
      const far = "2026-10-01";
      const person = `concurrent-${randomUUID().slice(0, 8)}`;
      const days = [9, 2, 7, 4, 1, 8, 3, 6, 5].map((n) => plusDays(far, n));
      const answers = await Promise.all(
        days.map((day) =>
          a.post("/v1/internal/events", { events: [{ id: randomUUID(), type: "search", occurred_at: at(day, "12:00:00"), visitor_id: person, user_id: null, properties: { term: "lamp", result_count: 3 } }] }, { token: a.tokens.service("product") }),
        ),
      );
      expect(answers.map((r) => r.status)).to.deep.equal(days.map(() => 200));
      for (const [from, to] of [[1, 9], [1, 1], [3, 6], [9, 9], [5, 12]] as const) {
        const steps = await funnelOf(plusDays(far, from), plusDays(far, to));
        expect([steps.visitors.people, steps.searchers.people], `window ${from}..${to}`).to.deep.equal([1, 1]);
      }
      expect((await funnelOf(plusDays(far, 10), plusDays(far, 20))).visitors.people).to.equal(0);
    });

    it("when the daily summary is read, then orders, revenue, AOV, buyers, declines and abandoned carts are exact", async () => {
      const res = await a.get(`/v1/admin/kpis/summary?from=${D}&to=${plusDays(D, 1)}&interval=day&abandon_after_hours=24`, admin());
      expect(res.status).to.equal(200);
      const [day, next] = res.body.intervals;
      expect(day).to.deep.equal({
        start: D,
        end: D,
        orders: 2,
        revenue: usd(5598),
        average_order_value: usd(2799),
        orders_per_buyer: 1,
        buyers: 2,
        new_buyers: 2,
        returning_buyers: 0,
        declines: 1,
        cancellations: 0,
        abandoned_carts: 2,
      });
      expect(next).to.include({ start: plusDays(D, 1), orders: 0, cancellations: 1, buyers: 0, abandoned_carts: 0 });
      expect(next.average_order_value).to.equal(null);
      expect(res.body.zero_result_searches).to.deep.equal([
        { term: "zeppelin", searches: 2 },
        { term: "hoverboard", searches: 1 },
      ]);
    });

    it("when weeks are asked for, then intervals are ISO weeks cut to the window and a second order makes a returning buyer", async () => {
      const res = await a.get(`/v1/admin/kpis/summary?from=${D}&to=${plusDays(D, 12)}&interval=week`, admin());
      expect(res.body.intervals.map((i: { start: string; end: string }) => [i.start, i.end])).to.deep.equal([
        ["2026-11-10", "2026-11-15"],
        ["2026-11-16", "2026-11-22"],
      ]);
      expect(res.body.intervals[1]).to.include({ orders: 1, buyers: 1, new_buyers: 0, returning_buyers: 1, orders_per_buyer: 1 });
      expect(res.body.intervals[1].revenue).to.deep.equal(usd(2000));
    });

    it("when an abandoned cart's time has not passed yet, then it is not counted", async () => {
      const res = await a.get(`/v1/admin/kpis/summary?from=${D}&to=${D}&abandon_after_hours=720`, admin());
      expect(res.body.intervals[0].abandoned_carts).to.equal(0);
    });
  });
}
