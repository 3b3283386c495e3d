import { expect } from "chai";
import { Op, type Sequelize } from "sequelize";
import { createLogger, migrate, openDatabase } from "@disqo-commerce/kit";
import { freshDatabase, testBackends, type FreshDatabase } from "@disqo-commerce/kit/testing";
import { migrations } from "../src/migrations/index.js";
import { defineModels } from "../src/models/index.js";
import { createOutbox, type OutboxHandler } from "../src/outbox/outbox.js";
import { TestPaymentProcessor, TEST_TOKENS } from "../src/payments/test-processor.js";
import { SqlLedger } from "../src/payments/test-processor-ledger.js";

/*
 * Two order replicas share one database and nothing else: each test opens two connections
 * (two "processes") on one fresh database and checks that what they share is claimed, not
 * done twice, and survives a restart.
 */
const silent = createLogger({ service: "order-replicas", level: "silent" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const signal = () => AbortSignal.timeout(5_000);

for (const backend of testBackends()) {
  describe(`two order replicas on one database (${backend})`, function () {
    this.timeout(60_000);
    let db: FreshDatabase;
    let a: Sequelize;
    let b: Sequelize;
    before(async () => {
      db = await freshDatabase("order_replicas", backend);
      a = openDatabase({ url: db.url, sqliteFile: db.sqliteFile, name: "order" });
      await migrate(a, migrations);
      b = openDatabase({ url: db.url, sqliteFile: db.sqliteFile, name: "order" });
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await db?.drop();
    });

    it("when replica A charged and then died, then a restarted replica finds the charge by its reference and a repeated charge moves no money", async () => {
      const reference = `ref-restart-${backend}`;
      const first = await new TestPaymentProcessor(new SqlLedger(a)).charge({ reference, amount: 1999, currency: "USD", token: TEST_TOKENS.approve, description: "t" }, { signal: signal() });
      // a new processor object on another connection: nothing is carried over in memory
      const restarted = new TestPaymentProcessor(new SqlLedger(b));
      expect(await restarted.lookup(reference, { signal: signal() })).to.deep.equal(first);
      const again = await restarted.charge({ reference, amount: 1999, currency: "USD", token: TEST_TOKENS.approve, description: "t" }, { signal: signal() });
      expect(again.gatewayTransactionId).to.equal(first.gatewayTransactionId);
      expect((await restarted.succeededCharges()).filter((c) => c.reference === reference)).to.have.length(1);
      expect(await restarted.lookup("never-sent", { signal: signal() })).to.equal(null);
    });

    it("when both replicas charge the same reference at once, then the processor's books hold one charge and both get its outcome", async () => {
      const reference = `ref-race-${backend}`;
      const request = { reference, amount: 500, currency: "USD", token: TEST_TOKENS.approve, description: "t" };
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, (_, i) => new TestPaymentProcessor(new SqlLedger(i % 2 ? a : b)).charge(request, { signal: signal() })),
      );
      expect(new Set(outcomes.map((o) => o.gatewayTransactionId)).size).to.equal(1);
      expect((await new TestPaymentProcessor(new SqlLedger(a)).ledger()).filter((r) => r.reference === reference)).to.have.length(1);
    });

    it("when a charge made with tok_refundFail is refunded through the other replica, then the refund is declined (the flag is on the books)", async () => {
      const charge = await new TestPaymentProcessor(new SqlLedger(a)).charge({ reference: `ref-rf-${backend}`, amount: 700, currency: "USD", token: TEST_TOKENS.refundFail, description: "t" }, { signal: signal() });
      const refund = await new TestPaymentProcessor(new SqlLedger(b)).refund({ reference: `refund-rf-${backend}`, chargeId: charge.gatewayTransactionId, amount: 700, currency: "USD" }, { signal: signal() });
      expect(refund).to.include({ status: "declined", responseCode: "refund_failed" });
    });

    it("when two outbox dispatchers race over the same entries, then each entry runs exactly once and in order within its aggregate", async () => {
      const runs = new Map<number, number>();
      const order: Record<string, number[]> = {};
      const handler: OutboxHandler = async (payload) => {
        const n = Number(payload.n);
        runs.set(n, (runs.get(n) ?? 0) + 1);
        (order[String(payload.aggregate)] ??= []).push(n);
        // long enough for the other dispatcher to see the entry while it runs
        await sleep(5 + Math.random() * 20);
        return { done: true };
      };
      const options = { baseDelayMs: 10, maxDelayMs: 50, claimMs: 10_000, clock: () => new Date() };
      const modelsA = defineModels(a);
      const workerA = createOutbox(modelsA, { step: handler }, silent, options);
      const workerB = createOutbox(defineModels(b), { step: handler }, silent, options);
      const entries = Array.from({ length: 40 }, (_, n) => ({ aggregate: `agg-${n % 8}`, kind: "step", payload: { n, aggregate: `agg-${n % 8}` } }));
      await a.transaction((t) => workerA.enqueue(entries, t));

      const deadline = Date.now() + 30_000;
      while ((await workerA.pending()).length > 0 && Date.now() < deadline) {
        // both the periodic pass and the forced pass after a commit, on both replicas at once
        await Promise.all([workerA.dispatch(), workerB.dispatch({ force: true }), workerB.dispatch(), workerA.dispatch({ force: true })]);
      }
      expect(await workerA.pending()).to.deep.equal([]);
      expect([...runs.keys()].sort((x, y) => x - y)).to.deep.equal(entries.map((e) => e.payload.n));
      expect([...runs.values()].every((count) => count === 1), JSON.stringify([...runs])).to.equal(true);
      for (const [aggregate, ns] of Object.entries(order)) expect(ns, aggregate).to.deep.equal([...ns].sort((x, y) => x - y));
      // every lease was let go
      expect(await modelsA.Outbox.count({ where: { claimed_by: { [Op.ne]: null } } })).to.equal(0);
    });

    it("when the other replica is running an entry, then a forced dispatch leaves it alone and settled() waits for its outcome", async () => {
      const aggregate = `busy-${backend}`;
      let release: () => void = () => {};
      let ran = 0;
      const slow: OutboxHandler = async () => {
        ran++;
        await new Promise<void>((r) => (release = r));
        return { done: true };
      };
      const options = { baseDelayMs: 10, maxDelayMs: 50, claimMs: 10_000, clock: () => new Date() };
      const other = createOutbox(defineModels(a), { slow }, silent, options);
      const mine = createOutbox(defineModels(b), { slow }, silent, options);
      await a.transaction((t) => other.enqueue([{ aggregate, kind: "slow", payload: {} }], t));
      const running = other.dispatch({ aggregates: [aggregate] });
      await sleep(200);
      expect(await mine.dispatch({ aggregates: [aggregate], force: true })).to.equal(0);
      expect(await mine.settled([aggregate], 100)).to.equal(false);
      setTimeout(() => release(), 200);
      expect(await mine.settled([aggregate], 5_000)).to.equal(true);
      await running;
      expect(ran).to.equal(1);
      expect((await mine.pending()).filter((e) => e.aggregate === aggregate)).to.deep.equal([]);
    });

    it("when a dispatcher died holding an entry, then the other takes it over once the lease ran out, not before", async () => {
      let now = Date.now();
      const clock = () => new Date(now);
      const calls: string[] = [];
      const hang: OutboxHandler = () => new Promise(() => calls.push("dead"));
      const ok: OutboxHandler = async () => {
        calls.push("ok");
        return { done: true };
      };
      const options = { baseDelayMs: 10, maxDelayMs: 50, claimMs: 5_000, clock };
      const dead = createOutbox(defineModels(a), { lost: hang }, silent, options);
      const alive = createOutbox(defineModels(b), { lost: ok }, silent, options);
      await a.transaction((t) => dead.enqueue([{ aggregate: `lost-${backend}`, kind: "lost", payload: {} }], t));
      void dead.dispatch({ aggregates: [`lost-${backend}`] });
      await sleep(300);
      expect(calls).to.deep.equal(["dead"]);
      expect(await alive.dispatch({ aggregates: [`lost-${backend}`], force: true })).to.equal(0);
      now += 6_000;
      expect(await alive.dispatch({ aggregates: [`lost-${backend}`] })).to.equal(1);
      expect(calls).to.deep.equal(["dead", "ok"]);
      expect((await alive.pending()).filter((e) => e.aggregate === `lost-${backend}`)).to.deep.equal([]);
    });
  });
}
