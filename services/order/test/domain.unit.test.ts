import { expect } from "chai";
import { AppError, createLogger } from "@disqo-commerce/kit";
import { assertTransition, canTransition } from "../src/orders/status.js";
import { OutcomeUnknownError, ProcessCrash, runSaga, type SagaStep } from "../src/checkout/saga.js";
import { TestPaymentProcessor } from "../src/payments/test-processor.js";
import { createPayments } from "../src/payments/payments.js";

const silent = createLogger({ service: "order-unit", level: "silent" });

describe("order status machine", () => {
  it("when a transition is in the machine, then it is allowed; otherwise it is a 409 with the current status", () => {
    expect(canTransition("pending", "paid")).to.equal(true);
    expect(canTransition("paid", "partially_shipped")).to.equal(true);
    expect(canTransition("partially_shipped", "shipped")).to.equal(true);
    expect(canTransition("shipped", "delivered")).to.equal(true);
    expect(canTransition("paid", "cancelling")).to.equal(true);
    expect(canTransition("cancelling", "cancelled")).to.equal(true);
    expect(canTransition("cancelling", "paid")).to.equal(true);
    // a cancel claims the order first: a paid order never jumps straight to cancelled, and a claimed one cannot ship
    for (const [from, to] of [["paid", "cancelled"], ["cancelling", "shipped"], ["shipped", "cancelling"], ["partially_shipped", "cancelling"], ["delivered", "shipped"], ["cancelled", "paid"], ["paid", "delivered"]] as const) {
      expect(() => assertTransition(from, to)).to.throw(AppError).with.property("extensions").that.deep.equals({ current_status: from });
    }
  });
});

describe("saga runner", () => {
  const recorder = () => {
    const log: string[] = [];
    const step = (name: string, options: { fail?: Error; pivot?: boolean } = {}): SagaStep<object> => ({
      name,
      pivot: options.pivot,
      async invoke() {
        log.push(`do ${name}`);
        if (options.fail) throw options.fail;
      },
      async compensate() {
        log.push(`undo ${name}`);
      },
    });
    return { log, step };
  };

  it("when a step before the pivot fails, then every entered step is compensated in reverse order", async () => {
    const { log, step } = recorder();
    const boom = new Error("boom");
    const run = runSaga("t", [step("a"), step("b"), step("c", { fail: boom }), step("d")], {}, silent);
    await run.then(() => expect.fail("should fail"), (e) => expect(e).to.equal(boom));
    expect(log).to.deep.equal(["do a", "do b", "do c", "undo c", "undo b", "undo a"]);
  });

  it("when a step after the pivot fails, when the outcome is unknown, or when the process dies, then nothing is compensated", async () => {
    for (const steps of [
      (s: ReturnType<typeof recorder>["step"]) => [s("a"), s("pay", { pivot: true }), s("write", { fail: new Error("db") })],
      (s: ReturnType<typeof recorder>["step"]) => [s("a"), s("pay", { fail: new OutcomeUnknownError("?") })],
      (s: ReturnType<typeof recorder>["step"]) => [s("a"), s("b", { fail: new ProcessCrash("b") })],
    ]) {
      const { log, step } = recorder();
      await runSaga("t", steps(step), {}, silent).catch(() => undefined);
      expect(log.filter((l) => l.startsWith("undo"))).to.deep.equal([]);
    }
  });
});

describe("test payment processor and payments", () => {
  const signal = () => new AbortController().signal;

  it("when the test tokens are charged, then they approve or decline with their own codes, and a repeated reference charges once", async () => {
    const processor = new TestPaymentProcessor();
    const charge = (reference: string, token: string) => processor.charge({ reference, amount: 500, currency: "USD", token, description: "t" }, { signal: signal() });
    expect((await charge("r1", "tok_visa")).status).to.equal("succeeded");
    expect(await charge("r2", "tok_chargeDeclined")).to.include({ status: "declined", responseCode: "card_declined" });
    expect(await charge("r3", "tok_insufficientFunds")).to.include({ status: "declined", responseCode: "insufficient_funds" });
    const again = await charge("r1", "tok_visa");
    expect(await processor.succeededCharges()).to.have.length(1);
    expect(again.gatewayTransactionId).to.equal((await processor.succeededCharges())[0].gatewayTransactionId);
  });

  it("when a refund exceeds its charge or names an unknown charge, then it is declined", async () => {
    const processor = new TestPaymentProcessor();
    const charged = await processor.charge({ reference: "c", amount: 500, currency: "USD", token: "tok_visa", description: "t" }, { signal: signal() });
    expect((await processor.refund({ reference: "x1", chargeId: charged.gatewayTransactionId, amount: 501, currency: "USD" }, { signal: signal() })).status).to.equal("declined");
    expect((await processor.refund({ reference: "x2", chargeId: "ch_nope", amount: 1, currency: "USD" }, { signal: signal() })).status).to.equal("declined");
    expect((await processor.refund({ reference: "x3", chargeId: charged.gatewayTransactionId, amount: 500, currency: "USD" }, { signal: signal() })).status).to.equal("succeeded");
  });

  it("when the charge answer is lost, then the outcome is looked up and the charge is never sent again", async () => {
    const processor = new TestPaymentProcessor();
    const payments = createPayments(processor, silent, { timeoutMs: 50, lookupAttempts: 2, lookupDelayMs: 1 });

    const settled = await payments.charge({ reference: "t1", amount: 700, currency: "USD", token: "tok_timeout", description: "t" });

    expect(settled.kind).to.equal("settled");
    expect(processor.calls.map((c) => c.op)).to.deep.equal(["charge", "lookup"]);
  });

  it("when the processor cannot be reached, then the outcome is unknown (never a guess)", async () => {
    const processor = new TestPaymentProcessor();
    processor.setAvailable(false);
    const payments = createPayments(processor, silent, { timeoutMs: 50, lookupAttempts: 2, lookupDelayMs: 1 });

    expect((await payments.charge({ reference: "t2", amount: 700, currency: "USD", token: "tok_visa", description: "t" })).kind).to.equal("unknown");
    processor.setAvailable(true);
    expect((await payments.lookup("t2")).kind).to.equal("absent");
  });
});
