import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { testBackends } from "@disqo-commerce/kit/testing";
import { createProduct, newUserId, outcome, startPlatform, type Platform } from "./support.js";

for (const backend of testBackends()) {
  describe(`promo codes: max_redemptions and once_per_customer (${backend})`, () => {
    let p: Platform;
    before(async () => {
      p = await startPlatform(backend);
    });
    after(() => p.close());

    const admin = () => p.cart.client(p.tokens.admin()).promoCodes;
    const orderService = () => p.cart.client(p.tokens.service("order")).quotes;
    const newCode = async (limits: { max_redemptions?: number; once_per_customer?: boolean }) => {
      const code = `LIM${randomBytes(4).toString("hex").toUpperCase()}`;
      await admin().createPromoCode({ PromoCodeInput: { code, kind: "percent", percent_off: 10, ...limits } });
      return code;
    };
    /** A shopper with one product in the cart. */
    async function shopper(userId = newUserId()) {
      const clients = p.cart.client(p.tokens.user(userId));
      const product = await createProduct(p, { stock: 50 });
      await clients.cart.addCartItem({ CartItemInput: { product_id: product.id, quantity: 1 } });
      return { userId, ...clients, quote: (promo_code: string) => outcome(clients.quotes.createQuoteRaw({ QuoteInput: { promo_code } })) };
    }
    const redemptionsOf = async (code: string) => (await p.cart.domain.models.PromoCode.findOne({ where: { code } }))!.redemptions;

    it("when an admin creates a code with limits, then they are stored and shown, with 0 redemptions", async () => {
      const code = `LIM${randomBytes(4).toString("hex").toUpperCase()}`;
      const res = await outcome(admin().createPromoCodeRaw({ PromoCodeInput: { code, kind: "percent", percent_off: 5, max_redemptions: 3, once_per_customer: true } }));
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ max_redemptions: 3, once_per_customer: true, redemptions: 0 });
      const plain = await admin().createPromoCode({ PromoCodeInput: { code: `${code}X`, kind: "percent", percent_off: 5 } });
      expect(plain).to.include({ max_redemptions: null, once_per_customer: false, redemptions: 0 });
    });

    it("when WELCOME10 is seeded, then it is once per customer", async () => {
      const row = await p.cart.domain.models.PromoCode.findOne({ where: { code: "WELCOME10" } });
      expect(row!.once_per_customer).to.equal(true);
    });

    it("when a customer's quote with a once-per-customer code was paid, then their next quote with it is 409 promo_code_already_used; another customer may use it", async () => {
      const code = await newCode({ once_per_customer: true });
      const s = await shopper();
      const first = await s.quote(code);
      expect(first.status).to.equal(201);
      // Asking again for the same cart replaces the quote: still allowed, the old hold goes.
      const again = await s.quote(code);
      expect(again.status).to.equal(201);
      await orderService().acceptQuote({ id: again.body.id, QuoteAcceptance: { order_id: "9101" } });
      expect(await redemptionsOf(code)).to.equal(1);

      const next = await shopper(s.userId);
      const refused = await next.quote(code);
      expect(refused.status).to.equal(409);
      expect(refused.body.code).to.equal("promo_code_already_used");
      expect((await (await shopper()).quote(code)).status).to.equal(201);
    });

    it("when open quotes hold all of max_redemptions, then a new quote is 409 promo_code_exhausted, and accepting them counts each once", async () => {
      const code = await newCode({ max_redemptions: 2 });
      const a = await shopper();
      const b = await shopper();
      const qa = await a.quote(code);
      const qb = await b.quote(code);
      expect([qa.status, qb.status]).to.deep.equal([201, 201]);
      const refused = await (await shopper()).quote(code);
      expect(refused.status).to.equal(409);
      expect(refused.body.code).to.equal("promo_code_exhausted");
      await orderService().acceptQuote({ id: qa.body.id, QuoteAcceptance: { order_id: "9201" } });
      await orderService().acceptQuote({ id: qa.body.id, QuoteAcceptance: { order_id: "9201" } }); // a retried acceptance
      await orderService().acceptQuote({ id: qb.body.id, QuoteAcceptance: { order_id: "9202" } });
      expect(await redemptionsOf(code)).to.equal(2);
      expect((await (await shopper()).quote(code)).body.code).to.equal("promo_code_exhausted");
      const listed = (await admin().listPromoCodes({ limit: 100 })).data.find((c) => c.code === code);
      expect(listed).to.include({ redemptions: 2, max_redemptions: 2 });
    });

    it("when a quote holding the last redemption expires unpaid, then its redemption is free again", async () => {
      const code = await newCode({ max_redemptions: 1 });
      const holder = await shopper();
      const held = await holder.quote(code);
      expect(held.status).to.equal(201);
      expect((await (await shopper()).quote(code)).status).to.equal(409);
      await p.cart.domain.models.PromoRedemption.update({ expires_at: new Date(Date.now() - 1000) }, { where: { quote_id: held.body.id } });
      expect((await (await shopper()).quote(code)).status).to.equal(201);
    });

    it("when many customers ask for quotes with the last redemption at once, then exactly one gets it", async () => {
      const code = await newCode({ max_redemptions: 1 });
      const shoppers = await Promise.all(Array.from({ length: 6 }, () => shopper()));
      const answers = await Promise.all(shoppers.map((s) => s.quote(code)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 201), statuses.join(",")).to.have.length(1);
      expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === "promo_code_exhausted"), statuses.join(",")).to.equal(true);
      const winner = answers.find((a) => a.status === 201)!;
      await orderService().acceptQuote({ id: winner.body.id, QuoteAcceptance: { order_id: "9301" } });
      expect(await redemptionsOf(code)).to.equal(1);
    });

    it("when one customer asks for several quotes of one cart with a once-per-customer code at once, then one hold is left", async () => {
      const code = await newCode({ once_per_customer: true });
      const s = await shopper();
      const answers = await Promise.all([s.quote(code), s.quote(code), s.quote(code)]);
      expect(answers.filter((a) => a.status === 201).length).to.be.at.least(1);
      const live = await p.cart.domain.models.PromoRedemption.count({ where: { code, user_id: s.userId } });
      expect(live).to.equal(1);
    });
  });
}
