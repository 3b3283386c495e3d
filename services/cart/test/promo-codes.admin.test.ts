import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import type { PromoCode } from "../../../sdk/src/generated/cart/index.js";
import { newUserId, outcome, rawRequest, startPlatform, type Platform } from "./support.js";

for (const backend of testBackends()) {
  describe(`promo codes: administration (${backend})`, () => {
    let p: Platform;
    before(async () => {
      p = await startPlatform(backend);
    });
    after(() => p.close());

    const admin = () => p.cart.client(p.tokens.admin()).promoCodes;
    const code = () => `T${randomBytes(4).toString("hex")}`;

    it("when an admin creates a percent code, then it is 201, stored upper-case, and usable at once", async () => {
      const name = code().toLowerCase();
      const res = await outcome(admin().createPromoCodeRaw({ PromoCodeInput: { code: name, kind: "percent", percent_off: 15 } }));
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ code: name.toUpperCase(), kind: "percent", percent_off: 15, is_active: true, expires_at: null });
      expect(res.body).to.not.have.property("amount_off");
    });

    it("when an admin creates an amount code with a minimum and expiry, then they are returned as money and time", async () => {
      const expires = "2031-05-01T00:00:00.000Z";
      const created = await outcome(
        admin().createPromoCodeRaw({ PromoCodeInput: { code: code(), kind: "amount", amount_off: { amount: 750, currency: "USD" }, min_subtotal: { amount: 3000, currency: "USD" }, expires_at: new Date(expires).toISOString() } }),
      );
      expect(created.status).to.equal(201);
      expect(created.body.amount_off).to.deep.equal({ amount: 750, currency: "USD" });
      expect(created.body.min_subtotal).to.deep.equal({ amount: 3000, currency: "USD" });
      expect(created.body.percent_off).to.equal(null);
      expect(created.body.expires_at).to.equal(expires);
    });

    it("when the code exists (in any case), then it is 409", async () => {
      const res = await outcome(admin().createPromoCodeRaw({ PromoCodeInput: { code: "welcome10", kind: "percent", percent_off: 50 } }));
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("conflict");
    });

    it("when the fields do not match the kind, then it is 422 naming them", async () => {
      const cases = [
        { input: { code: code(), kind: "percent" as const }, path: "/body/percent_off" },
        { input: { code: code(), kind: "amount" as const, percent_off: 10 }, path: "/body/amount_off" },
        { input: { code: code(), kind: "percent" as const, percent_off: 10, amount_off: { amount: 100, currency: "USD" } }, path: "/body/amount_off" },
        { input: { code: code(), kind: "amount" as const, amount_off: { amount: 100, currency: "EUR" } }, path: "/body/amount_off/currency" },
        { input: { code: code(), kind: "amount" as const, amount_off: { amount: 0, currency: "USD" } }, path: "/body/amount_off/amount" },
      ];
      for (const { input, path } of cases) {
        const res = await outcome(admin().createPromoCodeRaw({ PromoCodeInput: input }));
        expect(res.status, JSON.stringify(input)).to.equal(422);
        expect(res.body.code).to.equal("validation_failed");
        expect(res.body.errors.map((e: { path: string }) => e.path)).to.include(path);
      }
    });

    it("when the body breaks the contract, then it is 422 or 400", async () => {
      for (const body of [{ code: "x", kind: "percent", percent_off: 5 }, { code: code(), kind: "free", percent_off: 5 }, { code: code(), kind: "percent", percent_off: 101 }]) {
        expect((await rawRequest(`${p.cart.url}/v1/promo-codes`, { method: "POST", token: p.tokens.admin(), body: JSON.stringify(body) })).status).to.equal(422);
      }
      expect((await rawRequest(`${p.cart.url}/v1/promo-codes`, { method: "POST", token: p.tokens.admin(), body: "nope" })).status).to.equal(400);
    });

    it("when a customer or nobody manages promo codes, then it is 403 or 401", async () => {
      const customer = p.cart.client(p.tokens.user(newUserId())).promoCodes;
      expect((await outcome(customer.listPromoCodesRaw({}))).status).to.equal(403);
      expect((await outcome(customer.createPromoCodeRaw({ PromoCodeInput: { code: code(), kind: "percent", percent_off: 5 } }))).status).to.equal(403);
      const anonymous = p.cart.client().promoCodes;
      expect((await outcome(anonymous.listPromoCodesRaw({}))).status).to.equal(401);
      expect((await outcome(anonymous.createPromoCodeRaw({ PromoCodeInput: { code: code(), kind: "percent", percent_off: 5 } }))).status).to.equal(401);
    });

    it("when an admin walks the pages, then every code comes exactly once, oldest first, seeded codes included", async () => {
      for (let i = 0; i < 3; i++) await admin().createPromoCode({ PromoCodeInput: { code: code(), kind: "percent", percent_off: 5 } });
      const seen: PromoCode[] = [];
      let cursor: string | undefined;
      do {
        const page = await admin().listPromoCodes({ limit: 2, cursor });
        expect(page.data.length).to.be.at.most(2);
        seen.push(...page.data);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      const ids = seen.map((c) => c.id);
      expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).to.equal(await p.cart.domain.models.PromoCode.count());
      expect(seen.map((c) => c.code)).to.include.members(["WELCOME10", "SAVE5"]);
    });

    it("when the cursor or limit is not one the API issued, then it is 422", async () => {
      expect((await outcome(admin().listPromoCodesRaw({ cursor: "garbage!" }))).status).to.equal(422);
      expect((await outcome(admin().listPromoCodesRaw({ limit: 0 }))).status).to.equal(422);
    });
  });
}
