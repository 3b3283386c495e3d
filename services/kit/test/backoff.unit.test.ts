import { expect } from "chai";
import { backoffDelay } from "../src/index.js";

describe("kit: the one exponential backoff", () => {
  it("when attempts grow, then the delay doubles from the base and stops at the cap", () => {
    const delays = [0, 1, 2, 3, 10, 100].map((a) => backoffDelay(a, { baseMs: 100, maxMs: 1_000 }));
    expect(delays).to.deep.equal([100, 200, 400, 800, 1_000, 1_000]);
  });

  it("when jitter is half, then each delay lies between half and all of the plain one", () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const plain = backoffDelay(attempt, { baseMs: 50, maxMs: 2_000 });
      for (let i = 0; i < 20; i++) expect(backoffDelay(attempt, { baseMs: 50, maxMs: 2_000, jitter: "half" })).to.be.within(plain / 2, plain);
    }
  });

  it("when the attempt number is negative or huge, then the delay stays within base and cap", () => {
    expect(backoffDelay(-3, { baseMs: 10, maxMs: 100 })).to.equal(10);
    expect(backoffDelay(1e9, { baseMs: 10, maxMs: 100 })).to.equal(100);
  });
});
