import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { startAnalytics, type AnalyticsHarness } from "./support.js";

const pageView = (extra: Record<string, unknown> = {}) => ({ id: randomUUID(), type: "page_view", properties: { path: "/" }, ...extra });
const VISITOR = { "X-Disqo-Visitor-Id": "visitor-refusals" };

for (const backend of testBackends()) {
  describe(`analytics: what is refused and who may read (${backend})`, () => {
    let a: AnalyticsHarness;
    before(async () => {
      a = await startAnalytics(backend);
    });
    after(() => a.close());

    it("when a client event has an unknown or server-only type, then it is 422 naming the field, and nothing is stored", async () => {
      for (const type of ["page_vue", "checkout_succeeded"]) {
        const res = await a.post("/v1/events", { events: [{ id: randomUUID(), type, properties: {} }] }, { headers: VISITOR });
        expect(res.status, type).to.equal(422);
        expect(res.body.code).to.equal("validation_failed");
        expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("/body/events/0/type");
      }
      expect(await a.domain.store.isEmpty()).to.equal(true);
    });

    it("when the properties do not fit the type, or there is no visitor id, or the time is in the future, then it is 422", async () => {
      const cases = [
        { body: { events: [{ id: randomUUID(), type: "product_view", properties: { path: "/" } }] }, headers: VISITOR, path: "/body/events/0/properties/product_id" },
        { body: { events: [pageView()] }, headers: {}, path: "/header/x-disqo-visitor-id" },
        { body: { events: [pageView({ occurred_at: new Date(Date.now() + 3_600_000).toISOString() })] }, headers: VISITOR, path: "/body/events/0/occurred_at" },
        { body: { visitor_id: "no", events: [pageView()] }, headers: {}, path: "/body/visitor_id" },
      ];
      for (const c of cases) {
        const res = await a.post("/v1/events", c.body, { headers: c.headers });
        expect(res.status, c.path).to.equal(422);
        expect(res.body.errors.map((e: { path: string }) => e.path), c.path).to.include(c.path);
      }
    });

    it("when more than 50 events come in one batch, then it is 422", async () => {
      const res = await a.post("/v1/events", { events: Array.from({ length: 51 }, () => pageView()) }, { headers: VISITOR });
      expect(res.status).to.equal(422);
    });

    it("when one client sends more events a minute than allowed, then it is 429 with Retry-After, and the events before it counted", async () => {
      const limited = await startAnalytics(backend, { eventsPerMinute: 5 });
      try {
        await rateLimited(limited);
      } finally {
        await limited.close();
      }
    });

    async function rateLimited(a: AnalyticsHarness) {
      const first = await a.post("/v1/events", { visitor_id: "visitor-limit", events: [pageView(), pageView(), pageView()] });
      expect(first.status).to.equal(202);
      expect(first.body).to.deep.equal({ accepted: 3, duplicates: 0 });
      const over = await a.post("/v1/events", { visitor_id: "visitor-limit", events: [pageView(), pageView(), pageView()] });
      expect(over.status).to.equal(429);
      expect(over.body.code).to.equal("rate_limited");
      expect(Number(over.headers.get("retry-after"))).to.be.within(1, 60);
    }

    it("when anyone but a service delivers server events, then it is 401 without a token and 403 with a user's", async () => {
      const batch = { events: [{ id: randomUUID(), type: "signup", occurred_at: new Date().toISOString(), user_id: 5, properties: {} }] };
      expect((await a.post("/v1/internal/events", batch)).status).to.equal(401);
      expect((await a.post("/v1/internal/events", batch, { token: a.tokens.admin() })).status).to.equal(403);
      const ok = await a.post("/v1/internal/events", batch, { token: a.tokens.service("auth") });
      expect(ok.status).to.equal(200);
    });

    it("when the KPIs are read without admin rights, then it is 401 or 403, and an expired token is 401", async () => {
      const path = "/v1/admin/kpis/funnel?from=2026-11-01&to=2026-11-30";
      expect((await a.get(path)).status).to.equal(401);
      expect((await a.get(path, a.tokens.user(5))).status).to.equal(403);
      expect((await a.get(path, a.tokens.expired(5))).body.code).to.equal("token_expired");
      expect((await a.get(path, a.tokens.service("order"))).status).to.equal(401);
    });

    it("when the window is backwards, too long or not dates, then it is 422", async () => {
      for (const q of ["from=2026-11-30&to=2026-11-01", "from=2025-01-01&to=2026-11-30", "from=yesterday&to=2026-11-30", "to=2026-11-30"]) {
        const funnel = await a.get(`/v1/admin/kpis/funnel?${q}`, a.tokens.admin());
        expect(funnel.status, q).to.equal(422);
        const summary = await a.get(`/v1/admin/kpis/summary?${q}&interval=week`, a.tokens.admin());
        expect(summary.status, q).to.equal(422);
      }
      expect((await a.get("/v1/admin/kpis/summary?from=2026-11-01&to=2026-11-02&interval=month", a.tokens.admin())).status).to.equal(422);
      expect((await a.get("/v1/admin/kpis/summary?from=2026-11-01&to=2026-11-02&abandon_after_hours=0", a.tokens.admin())).status).to.equal(422);
    });

    it("when a logged-in shopper sends client events, then they carry the user, and a bad token is ignored rather than refused", async () => {
      const good = await a.post("/v1/events", { visitor_id: "visitor-user1", events: [pageView()] }, { token: a.tokens.user(41) });
      expect(good.status).to.equal(202);
      const bad = await a.post("/v1/events", { visitor_id: "visitor-user2", events: [pageView()] }, { token: "not-a-token" });
      expect(bad.status).to.equal(202);
    });
  });
}
