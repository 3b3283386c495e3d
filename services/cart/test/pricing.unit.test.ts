import { expect } from "chai";
import fc from "fast-check";
import { apportion, discountFor, priceQuote, shippingFor, taxOn, DEFAULT_PRICING_RULES, type Discount, type PricingRules } from "../src/pricing.js";

const rules: PricingRules = { taxRates: { CA: 725, NY: 400, OR: 0 }, flatShipping: 599, freeShippingThreshold: 5000 };

describe("pricing", () => {
  describe("discountFor", () => {
    it("when a percent code applies, then the discount is rounded half-up", () => {
      expect(discountFor(1005, { kind: "percent", percentOff: 10 })).to.equal(101); // 100.5 -> 101
      expect(discountFor(1004, { kind: "percent", percentOff: 10 })).to.equal(100); // 100.4 -> 100
    });
    it("when an amount code exceeds the subtotal, then the discount is the subtotal", () => {
      expect(discountFor(700, { kind: "amount", amountOff: 1000 })).to.equal(700);
      expect(discountFor(7000, { kind: "amount", amountOff: 1000 })).to.equal(1000);
    });
    it("when there is no code, then there is no discount", () => {
      expect(discountFor(7000, null)).to.equal(0);
    });
    it("when given a fractional or negative amount, then it refuses", () => {
      expect(() => discountFor(10.5, null)).to.throw(RangeError);
      expect(() => discountFor(100, { kind: "amount", amountOff: -1 })).to.throw(RangeError);
      expect(() => discountFor(100, { kind: "percent", percentOff: 101 })).to.throw(RangeError);
    });
  });

  describe("apportion", () => {
    it("when the shares are not whole, then the leftover cents go to the largest remainders", () => {
      // 100 over 1:1:1 -> 33.33 each, one cent left, to the first (ties go to the earlier line)
      expect(apportion(100, [1, 1, 1])).to.deep.equal([34, 33, 33]);
      // 10 over 3:3:4 -> exact
      expect(apportion(10, [3, 3, 4])).to.deep.equal([3, 3, 4]);
      // 5 over 1:2 -> 1.67, 3.33: the 0.67 remainder wins
      expect(apportion(5, [1, 2])).to.deep.equal([2, 3]);
    });
    it("when the total is zero or there are no weights, then every part is zero", () => {
      expect(apportion(0, [5, 7])).to.deep.equal([0, 0]);
      expect(apportion(0, [])).to.deep.equal([]);
    });
    it("when amounts are beyond 2^53 in intermediate products, then no cent is lost", () => {
      const weights = [9_000_000_000_000, 1_000_000_000_001];
      const parts = apportion(9_999_999_999_999, weights);
      expect(parts[0] + parts[1]).to.equal(9_999_999_999_999);
    });
  });

  describe("taxOn", () => {
    it("when the tax is exactly half a cent, then it rounds up", () => {
      expect(taxOn(200, 725)).to.equal(15); // 14.5 -> 15
      expect(taxOn(100, 725)).to.equal(7); // 7.25 -> 7
      expect(taxOn(0, 725)).to.equal(0);
    });
  });

  describe("shippingFor", () => {
    it("when the discounted merchandise reaches the threshold, then shipping is free", () => {
      expect(shippingFor(1, 4999, rules)).to.equal(599);
      expect(shippingFor(1, 5000, rules)).to.equal(0);
    });
    it("when the cart is empty, then there is no shipping", () => {
      expect(shippingFor(0, 0, rules)).to.equal(0);
    });
  });

  describe("priceQuote", () => {
    it("when a CA cart has a 10% code, then every line and total is as computed by hand", () => {
      const q = priceQuote(
        [
          { unitPrice: 1999, quantity: 2 }, // 3998
          { unitPrice: 500, quantity: 1 }, // 500
        ],
        { discount: { kind: "percent", percentOff: 10 }, state: "CA", rules },
      );
      expect(q.subtotal).to.equal(4498);
      expect(q.discountTotal).to.equal(450); // 449.8 -> 450
      // 450 * 3998/4498 = 399.97 -> 399 (+1 remainder), 450 * 500/4498 = 50.02 -> 50
      expect(q.lines.map((l) => l.discount)).to.deep.equal([400, 50]);
      // (3998-400)*7.25% = 260.855 -> 261; (500-50)*7.25% = 32.625 -> 33
      expect(q.lines.map((l) => l.tax)).to.deep.equal([261, 33]);
      expect(q.taxTotal).to.equal(294);
      expect(q.shippingTotal).to.equal(599); // 4048 < 5000
      expect(q.total).to.equal(4498 - 450 + 599 + 294);
      expect(q.lines.map((l) => l.total)).to.deep.equal([3998 - 400 + 261, 500 - 50 + 33]);
      expect(q.taxRate).to.equal(725);
    });
    it("when the state is unknown or absent, then no tax is charged", () => {
      expect(priceQuote([{ unitPrice: 1000, quantity: 1 }], { state: "ZZ", rules }).taxTotal).to.equal(0);
      expect(priceQuote([{ unitPrice: 1000, quantity: 1 }], { rules }).taxTotal).to.equal(0);
    });
    it("when an amount code covers the whole cart, then lines are free but shipping is charged", () => {
      const q = priceQuote([{ unitPrice: 300, quantity: 1 }, { unitPrice: 200, quantity: 2 }], { discount: { kind: "amount", amountOff: 5000 }, state: "NY", rules });
      expect(q.discountTotal).to.equal(700);
      expect(q.lines.map((l) => l.total)).to.deep.equal([0, 0]);
      expect(q.total).to.equal(599);
    });
    it("when there are no lines, then every total is zero", () => {
      const q = priceQuote([], { rules });
      expect([q.subtotal, q.discountTotal, q.shippingTotal, q.taxTotal, q.total]).to.deep.equal([0, 0, 0, 0, 0]);
    });
    it("when a line has a bad quantity or price, then it refuses", () => {
      expect(() => priceQuote([{ unitPrice: 100, quantity: 0 }])).to.throw(RangeError);
      expect(() => priceQuote([{ unitPrice: 1.5, quantity: 1 }])).to.throw(RangeError);
    });
    it("when no rules are given, then the defaults apply", () => {
      const q = priceQuote([{ unitPrice: 1000, quantity: 1 }], { state: "CA" });
      expect(q.shippingTotal).to.equal(DEFAULT_PRICING_RULES.flatShipping);
      expect(q.taxTotal).to.equal(73); // 72.5 -> 73
    });
  });

  describe("properties over random carts", () => {
    const line = fc.record({ unitPrice: fc.integer({ min: 0, max: 10_000_000 }), quantity: fc.integer({ min: 1, max: 99 }) });
    const discount: fc.Arbitrary<Discount | null> = fc.oneof(
      fc.constant(null),
      fc.record({ kind: fc.constant("percent" as const), percentOff: fc.integer({ min: 0, max: 100 }) }),
      fc.record({ kind: fc.constant("amount" as const), amountOff: fc.integer({ min: 0, max: 100_000_000 }) }),
    );
    const state = fc.constantFrom("CA", "NY", "OR", "ZZ", null);

    it("then totals reconcile and every total is the sum of its lines", () => {
      fc.assert(
        fc.property(fc.array(line, { maxLength: 30 }), discount, state, (lines, d, s) => {
          const q = priceQuote(lines, { discount: d, state: s, rules });
          const sum = (f: (l: (typeof q.lines)[number]) => number) => q.lines.reduce((a, l) => a + f(l), 0);
          expect(q.subtotal - q.discountTotal + q.shippingTotal + q.taxTotal).to.equal(q.total);
          expect(sum((l) => l.subtotal)).to.equal(q.subtotal);
          expect(sum((l) => l.discount)).to.equal(q.discountTotal);
          expect(sum((l) => l.tax)).to.equal(q.taxTotal);
          expect(sum((l) => l.total) + q.shippingTotal).to.equal(q.total);
        }),
        { numRuns: 500 },
      );
    });

    it("then no line is discounted below zero and every amount is a non-negative integer", () => {
      fc.assert(
        fc.property(fc.array(line, { maxLength: 30 }), discount, state, (lines, d, s) => {
          const q = priceQuote(lines, { discount: d, state: s, rules });
          for (const l of q.lines) {
            expect(l.discount).to.be.at.most(l.subtotal);
            for (const v of [l.subtotal, l.discount, l.tax, l.total]) expect(Number.isSafeInteger(v) && v >= 0).to.equal(true);
          }
          expect(q.discountTotal).to.be.at.most(q.subtotal);
        }),
        { numRuns: 500 },
      );
    });

    it("then apportioned parts always sum to the total and stay within their weights", () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 1_000_000_000 }), { minLength: 1, maxLength: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (weights, share) => {
          const total = Math.floor(weights.reduce((a, b) => a + b, 0) * share);
          const parts = apportion(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).to.equal(total);
          parts.forEach((p, i) => expect(p).to.be.within(0, weights[i]));
        }),
        { numRuns: 500 },
      );
    });
  });
});
