import { expect } from "chai";
import { formatMoney, parseMajorUnits, toMajorUnits } from "../src/money.js";

describe("money: formatting integer minor units with their currency", () => {
  it("when formatting, then the amount is shown in the currency's own digits", () => {
    expect(formatMoney({ amount: 1999, currency: "USD" })).to.equal("$19.99");
    expect(formatMoney({ amount: 0, currency: "USD" })).to.equal("$0.00");
    expect(formatMoney({ amount: 123456789, currency: "USD" })).to.equal("$1,234,567.89");
    expect(formatMoney({ amount: -460, currency: "USD" })).to.equal("-$4.60");
    expect(formatMoney({ amount: 1999, currency: "EUR" })).to.equal("€19.99");
    expect(formatMoney({ amount: 1999, currency: "JPY" })).to.equal("¥1,999");
  });

  it("when the value is not money, then nothing is shown rather than a wrong number", () => {
    expect(formatMoney(null)).to.equal("");
    expect(formatMoney({ amount: 19.99, currency: "USD" })).to.equal("");
    expect(formatMoney({ amount: 1, currency: "dollars" })).to.equal("");
  });

  it("when parsing a typed price, then it becomes exact minor units, and anything else is refused", () => {
    expect(parseMajorUnits("19.99")).to.equal(1999);
    expect(parseMajorUnits("0.29")).to.equal(29);
    expect(parseMajorUnits(" 1,299.5 ")).to.equal(129950);
    expect(parseMajorUnits("7")).to.equal(700);
    expect(parseMajorUnits("7.")).to.equal(700);
    for (const bad of ["", "abc", "-3", "1.999", "1e3", "$5", "1.2.3"]) expect(parseMajorUnits(bad), bad).to.equal(null);
    expect(parseMajorUnits("1999", "JPY")).to.equal(1999);
    expect(parseMajorUnits("19.5", "JPY")).to.equal(null);
  });

  it("when turning minor units back into a field value, then it round-trips", () => {
    for (const amount of [0, 5, 29, 1999, 100000]) expect(parseMajorUnits(toMajorUnits(amount))).to.equal(amount);
    expect(toMajorUnits(1250)).to.equal("12.50");
    expect(toMajorUnits(1999, "JPY")).to.equal("1999");
  });
});
