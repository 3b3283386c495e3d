import { expect } from "chai";
import { DisqoCommerce, type KpiSummary } from "@disqo-commerce/sdk";
import { FAST_RETRY, json, networkFailure, problem, sequence, stubFetch } from "./helpers.js";

const BASE = "http://api.test";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FUNNEL = {
  from: "2026-11-01",
  to: "2026-11-30",
  steps: [
    { step: "visitors", people: 10, conversion_from_previous: 1, conversion_from_visitors: 1 },
    { step: "buyers", people: 2, conversion_from_previous: 0.2, conversion_from_visitors: 0.2 },
  ],
};
const SUMMARY: KpiSummary = {
  from: "2026-11-01", to: "2026-11-07", interval: "week", abandon_after_hours: 48, zero_result_searches: [],
  intervals: [{
    start: "2026-11-01", end: "2026-11-07", orders: 3, revenue: { amount: 9000, currency: "USD" }, average_order_value: { amount: 3000, currency: "USD" },
    orders_per_buyer: 1.5, buyers: 2, new_buyers: 1, returning_buyers: 1, declines: 1, cancellations: 0, abandoned_carts: 4,
  }],
} as unknown as KpiSummary;

describe("sdk analytics: events and KPIs", () => {
  it("when a visitor's client tracks views, then each event gets an id and the visitor rides in the header and the batch", async () => {
    const fetch = stubFetch(() => json(202, { accepted: 2, duplicates: 0 }));
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, visitorId: "v_3f9c2a71b8e04d5c" });
    const result = await shop.analytics.track([
      { type: "page_view", properties: { path: "/search" } },
      { id: "0b7f3c1e-5d2a-4e8f-9c6b-1a2d3e4f5a6b", type: "product_view", properties: { product_id: 7 } },
    ]);
    expect(result).to.deep.equal({ accepted: 2, duplicates: 0 });
    const [sent] = fetch.calls;
    expect(`${sent!.method} ${sent!.path}`).to.equal("POST /v1/events");
    expect(sent!.headers.get("x-disqo-visitor-id")).to.equal("v_3f9c2a71b8e04d5c");
    const body = sent!.body as { visitor_id: string; events: Array<{ id: string; type: string }> };
    expect(body.visitor_id).to.equal("v_3f9c2a71b8e04d5c");
    expect(body.events[0]!.id).to.match(UUID);
    expect(body.events[1]!.id).to.equal("0b7f3c1e-5d2a-4e8f-9c6b-1a2d3e4f5a6b");
  });

  it("when the track request fails on the network, then the retry resends the same event ids (counted once)", async () => {
    const fetch = stubFetch(sequence(() => networkFailure(), () => json(202, { accepted: 0, duplicates: 1 })));
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, retry: FAST_RETRY, visitorId: "visitor-12345" });
    await shop.analytics.track({ type: "page_view", properties: { path: "/" } }, { idempotencyKey: "track-1" });
    expect(fetch.calls).to.have.length(2);
    const ids = fetch.calls.map((c) => (c.body as { events: Array<{ id: string }> }).events[0]!.id);
    expect(ids[0]).to.equal(ids[1]);
  });

  it("when the visitor id is not of the API's format, then the constructor refuses it before any request", () => {
    for (const bad of ["short", "has space in it", "x".repeat(65), "émoji-visitor"]) {
      expect(() => new DisqoCommerce({ baseUrl: BASE, visitorId: bad }), bad).to.throw(RangeError, /visitorId/);
    }
  });

  it("when no visitor id is set, then no visitor header or field is sent", async () => {
    const fetch = stubFetch(() => json(202, { accepted: 1, duplicates: 0 }));
    await new DisqoCommerce({ baseUrl: BASE, fetch }).analytics.track({ type: "page_view", properties: { path: "/" } });
    expect(fetch.calls[0]!.headers.has("x-disqo-visitor-id")).to.equal(false);
    expect(fetch.calls[0]!.body).to.not.have.property("visitor_id");
  });

  it("when an admin asks for the funnel and a weekly summary, then the window and options go as query parameters and the bodies come back as sent", async () => {
    const fetch = stubFetch((r) => json(200, r.path.endsWith("/funnel") ? FUNNEL : SUMMARY));
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, accessToken: "admin-token" });
    const funnel = await shop.kpis.funnel({ from: "2026-11-01", to: "2026-11-30" });
    const summary = await shop.kpis.summary({ from: "2026-11-01", to: "2026-11-07", interval: "week", abandon_after_hours: 48 });
    expect(funnel.steps.map((s) => s.people)).to.deep.equal([10, 2]);
    expect(summary.intervals[0]!.revenue).to.deep.equal({ amount: 9000, currency: "USD" });
    expect(fetch.calls.map((c) => `${c.path}${c.url.search}`)).to.deep.equal([
      "/v1/admin/kpis/funnel?from=2026-11-01&to=2026-11-30",
      "/v1/admin/kpis/summary?from=2026-11-01&to=2026-11-07&interval=week&abandon_after_hours=48",
    ]);
    expect(fetch.calls[0]!.headers.get("authorization")).to.equal("Bearer admin-token");
  });

  it("when a shopper asks for KPIs, then the 403 problem surfaces as PermissionDeniedError", async () => {
    const fetch = stubFetch(() => problem(403));
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, accessToken: "shopper" });
    const error = await shop.kpis.funnel({ from: "2026-11-01", to: "2026-11-30" }).then(() => undefined, (e: unknown) => e);
    expect(error).to.have.property("name", "PermissionDeniedError");
    expect(error).to.have.property("status", 403);
  });
});
