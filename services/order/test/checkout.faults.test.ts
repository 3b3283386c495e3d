import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { ProcessCrash } from "../src/checkout/saga.js";
import { checkout, createProduct, eventually, getQuote, newUserId, orderTables, productState, quoteFor, reservationOf, startPlatform, type OrderPlatform } from "./support.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A step hook the tests can point anywhere: a peer going down, the process dying, time passing. */
function faultSwitch() {
  const faults: { onStep?: (step: string) => void | Promise<void> } = {};
  return { faults, hooks: { afterStep: async (_saga: string, step: string) => faults.onStep?.(step) } };
}

async function tablesFor(p: OrderPlatform, quoteId: string) {
  const all = await orderTables(p.order.sequelize);
  const orders = all.orders.filter((o) => o.quote_id === quoteId);
  return {
    attempts: all.attempts.filter((a) => a.quote_id === quoteId).map((a) => [a.state, a.live]),
    transactions: all.transactions.filter((t) => t.quote_id === quoteId).map((t) => [t.type, t.status]),
    orders: orders.map((o) => o.status),
    receipts: all.receipts.filter((r) => orders.some((o) => o.id === r.order_id)).map((r) => r.kind),
    outbox: all.outbox.filter((e) => e.aggregate.endsWith(`:${quoteId}`)).map((e) => [e.kind, e.state]),
  };
}

for (const backend of testBackends()) {
  describe(`checkout when things fail (${backend})`, function () {
    this.timeout(120_000);
    const { faults, hooks } = faultSwitch();
    let p: OrderPlatform;
    before(async () => {
      // a short lease, so a "restarted" process may take over what the dead one left at once
      p = await startPlatform(backend, { hooks, settings: { leaseMs: 150 } });
    });
    afterEach(() => {
      faults.onStep = undefined;
      p.down.cart = false;
      p.down.product = false;
      p.processor.setAvailable(true);
    });
    after(async () => {
      await p?.close();
    });

    it("when the cart fails the quote's acceptance once (a replica died mid-call), then the checkout tries again and answers only once the quote is accepted", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 1 }]);
      faults.onStep = (step) => {
        if (step !== "chargePayment") return;
        p.down.cart = true;
        setTimeout(() => (p.down.cart = false), 300);
      };

      const res = await checkout(p, user, quote.id);

      expect(res.status).to.equal(201);
      // by the time the shopper hears 201 the cart is retired: their next quote cannot supersede this one
      expect((await getQuote(p, user, quote.id)).status).to.equal("accepted");
      expect((await tablesFor(p, quote.id)).outbox).to.deep.equal([
        ["commit_reservation", "done"],
        ["accept_quote", "done"],
      ]);
    });

    it("when the cart service goes down after the charge, then the order stands and the quote is accepted once the cart is back", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 2 }]);
      faults.onStep = (step) => {
        if (step === "chargePayment") p.down.cart = true;
      };

      const res = await checkout(p, user, quote.id);

      expect(res.status).to.equal(201);
      expect(res.body.order.status).to.equal("paid");
      expect(await tablesFor(p, quote.id)).to.deep.equal({
        attempts: [["completed", 1]],
        transactions: [["charge", "succeeded"]],
        orders: ["paid"],
        receipts: ["sale"],
        outbox: [
          ["commit_reservation", "done"],
          ["accept_quote", "pending"],
        ],
      });
      expect((await getQuote(p, user, quote.id)).status).to.equal("open");
      expect(await productState(p, product.id)).to.deep.equal({ stock: 5, available: 3 });

      await sleep(100);
      await p.order.domain.outbox.dispatch();
      expect((await tablesFor(p, quote.id)).outbox[1]).to.deep.equal(["accept_quote", "pending"]);

      p.down.cart = false;
      await eventually(
        async () => (await p.order.domain.outbox.dispatch(), tablesFor(p, quote.id)),
        (t) => t.outbox[1][1] === "done",
      );

      const accepted = await getQuote(p, user, quote.id);
      expect(accepted.status).to.equal("accepted");
      expect(accepted.order_id).to.equal(res.body.order.id);
      expect((await tablesFor(p, quote.id)).outbox).to.deep.equal([
        ["commit_reservation", "done"],
        ["accept_quote", "done"],
      ]);
      expect(p.processor.calls.filter((c) => c.op === "charge" && c.reference === res.body.order.id)).to.have.length(1);
    });

    it("when the product service is down at checkout, then it is a clean 503, nothing is charged and the quote is still open", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 1 }]);
      const chargesBefore = p.processor.calls.filter((c) => c.op === "charge").length;
      const key = randomUUID();
      p.down.product = true;

      const res = await checkout(p, user, quote.id, { key });

      expect(res.status).to.equal(503);
      expect(res.body.code).to.equal("service_unavailable");
      expect(p.processor.calls.filter((c) => c.op === "charge").length).to.equal(chargesBefore);
      expect(await tablesFor(p, quote.id)).to.deep.equal({
        attempts: [["failed", null]],
        transactions: [],
        orders: [],
        receipts: [],
        outbox: [["restore_hold", "pending"]],
      });
      expect((await getQuote(p, user, quote.id)).status).to.equal("open");

      p.down.product = false;
      await eventually(
        async () => (await p.order.domain.outbox.dispatch(), tablesFor(p, quote.id)),
        (t) => t.outbox[0][1] === "done",
      );
      const hold = await reservationOf(p, quote.id);
      expect(hold?.status).to.equal("held");
      expect(hold?.expires_at.toISOString()).to.equal(new Date(quote.expires_at).toISOString());

      // the same key: the closed attempt handed it back, so the 503 freed it and the retry runs afresh
      const retry = await checkout(p, user, quote.id, { key });
      expect(retry.status).to.equal(201);
      expect(retry.headers.get("idempotent-replayed")).to.equal(null);
      expect(await productState(p, product.id)).to.deep.equal({ stock: 5, available: 4 });
    });

    it("when the process dies between the charge and the order write, then on restart there is one order and one charge", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 2 }]);
      const key = randomUUID();
      faults.onStep = (step) => {
        if (step === "chargePayment") throw new ProcessCrash(step);
      };

      const dying = await checkout(p, user, quote.id, { key });

      expect(dying.status).to.equal(500);
      let tables = await tablesFor(p, quote.id);
      expect(tables.attempts).to.deep.equal([["charging", 1]]);
      expect(tables.orders).to.deep.equal([]);
      const attemptId = (await orderTables(p.order.sequelize)).attempts.find((a) => a.quote_id === quote.id)!.id;
      expect((await p.processor.succeededCharges()).filter((c) => c.reference === attemptId)).to.have.length(1);

      faults.onStep = undefined;
      await p.order.kill();
      const restarted = await p.restartOrder({ hooks, settings: { leaseMs: 150 } });
      await sleep(200);
      const recovered = await restarted.domain.recovery.runOnce();

      expect(recovered.checkouts).to.deep.equal({ completed: 1 });
      tables = await tablesFor(p, quote.id);
      expect(tables).to.deep.equal({
        attempts: [["completed", 1]],
        transactions: [["charge", "succeeded"]],
        orders: ["paid"],
        receipts: ["sale"],
        outbox: [
          ["commit_reservation", "done"],
          ["accept_quote", "done"],
        ],
      });
      expect(p.processor.calls.filter((c) => c.op === "charge" && c.reference === attemptId)).to.have.length(1);
      expect(await productState(p, product.id)).to.deep.equal({ stock: 5, available: 3 });
      expect((await getQuote(p, user, quote.id)).status).to.equal("accepted");

      const retry = await checkout(p, user, quote.id, { key });
      expect(retry.status).to.equal(201);
      expect(retry.body.order.id).to.equal(attemptId);
      expect((await restarted.domain.recovery.runOnce()).checkouts).to.deep.equal({});
    });

    it("when the process dies after the order is written but before its answer is stored, then recovery answers the key with the order and a retry replays it", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 1 }]);
      const key = randomUUID();
      faults.onStep = (step) => {
        if (step === "recordOrder") throw new ProcessCrash(step);
      };

      expect((await checkout(p, user, quote.id, { key })).status).to.equal(500);
      expect((await tablesFor(p, quote.id)).attempts).to.deep.equal([["completed", 1]]);
      // the attempt still holds the key: a retry now is told to wait, never run again
      const early = await checkout(p, user, quote.id, { key });
      expect(early.status).to.equal(409);
      expect(early.body.code).to.equal("idempotency_key_in_flight");

      faults.onStep = undefined;
      await p.order.kill();
      const restarted = await p.restartOrder({ hooks, settings: { leaseMs: 150 } });
      await sleep(200);
      // the restarted process's own first pass may have settled it already: nothing else may be left to do
      expect((await restarted.domain.recovery.runOnce()).checkouts).to.deep.equal({});

      // only the sweep of ended holders answers the key of a completed attempt
      const retry = await checkout(p, user, quote.id, { key });
      expect(retry.status, JSON.stringify(retry.body)).to.equal(201);
      expect(retry.headers.get("idempotent-replayed")).to.equal("true");
      const attemptId = (await orderTables(p.order.sequelize)).attempts.find((a) => a.quote_id === quote.id)!.id;
      expect(retry.body.order.id).to.equal(attemptId);
      expect(p.processor.calls.filter((c) => c.op === "charge" && c.reference === attemptId)).to.have.length(1);
      expect((await restarted.domain.recovery.runOnce()).keys).to.equal(0);
    });

    it("when the process dies before the charge, then on restart the attempt is closed, the hold goes back to the quote and the shopper can pay", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 1 }]);
      faults.onStep = (step) => {
        if (step === "holdStock") throw new ProcessCrash(step);
      };

      expect((await checkout(p, user, quote.id)).status).to.equal(500);

      faults.onStep = undefined;
      await p.order.kill();
      const restarted = await p.restartOrder({ hooks, settings: { leaseMs: 150 } });
      await sleep(200);
      expect((await restarted.domain.recovery.runOnce()).checkouts).to.deep.equal({ closed: 1 });

      expect(await tablesFor(p, quote.id)).to.deep.equal({ attempts: [["failed", null]], transactions: [], orders: [], receipts: [], outbox: [["restore_hold", "done"]] });
      expect((await reservationOf(p, quote.id))?.expires_at.toISOString()).to.equal(new Date(quote.expires_at).toISOString());
      expect((await checkout(p, user, quote.id)).status).to.equal(201);
    });

    it("when the gateway does not answer in time, then the charge is looked up, never sent twice, and the order is placed", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 1 }]);

      const res = await checkout(p, user, quote.id, { token: "tok_timeout" });

      expect(res.status).to.equal(201);
      const orderId = res.body.order.id;
      expect(p.processor.calls.filter((c) => c.reference === orderId).map((c) => c.op)).to.deep.equal(["charge", "lookup"]);
      expect((await p.processor.succeededCharges()).filter((c) => c.reference === orderId)).to.have.length(1);
      expect((await tablesFor(p, quote.id)).transactions).to.deep.equal([["charge", "succeeded"]]);
    });

    it("when the gateway cannot be reached at all, then it is a 503, the outcome is settled by recovery and the shopper can pay after", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 1 }]);
      const key = randomUUID();
      p.processor.setAvailable(false);

      const res = await checkout(p, user, quote.id, { key });

      expect(res.status).to.equal(503);
      expect((await tablesFor(p, quote.id)).attempts).to.deep.equal([["charging", 1]]);
      const busy = await checkout(p, user, quote.id, { key });
      expect(busy.status).to.equal(409);
      expect(busy.body.code).to.equal("idempotency_key_in_flight");

      p.processor.setAvailable(true);
      await sleep(200);
      expect((await p.order.domain.recovery.runOnce()).checkouts).to.deep.equal({ closed: 1 });
      expect(await tablesFor(p, quote.id)).to.deep.equal({ attempts: [["failed", null]], transactions: [], orders: [], receipts: [], outbox: [["restore_hold", "done"]] });

      const retry = await checkout(p, user, quote.id, { key });
      expect(retry.status).to.equal(201);
      expect((await p.processor.succeededCharges()).filter((c) => c.reference === retry.body.order.id)).to.have.length(1);
    });

    it("when the hold lapsed and another shopper took the stock, then the checkout is a 409 naming the product and nothing is charged", async () => {
      const product = await createProduct(p, { stock: 1 });
      const late = newUserId();
      const quote = await quoteFor(p, late, [{ product, quantity: 1 }]);
      // the product service's hold lapses although the quote is still open (clocks drift, holds get cleaned)
      await p.productDb.query("UPDATE reservation_items SET held_until = ? WHERE reservation_id = ?", { replacements: [Date.now() - 1_000, quote.id] });
      await p.productDb.query("UPDATE reservations SET expires_at = ? WHERE id = ?", { replacements: [new Date(Date.now() - 1_000), quote.id] });
      const early = newUserId();
      const theirs = await quoteFor(p, early, [{ product, quantity: 1 }]);
      expect((await checkout(p, early, theirs.id)).status).to.equal(201);

      const res = await checkout(p, late, quote.id);

      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("insufficient_stock");
      expect(res.body.products).to.deep.equal([{ product_id: product.id, requested: 1, available: 0 }]);
      expect(await tablesFor(p, quote.id)).to.deep.equal({ attempts: [["failed", null]], transactions: [], orders: [], receipts: [], outbox: [] });
      expect(await productState(p, product.id)).to.deep.equal({ stock: 1, available: 0 });
    });

    it("when the refund gets no answer, then cancel is a 503 and recovery refunds once and cancels the order", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 2 }]);
      const { order } = (await checkout(p, user, quote.id)).body;
      p.processor.setAvailable(false);

      const res = await p.order.call("POST", `/v1/orders/${order.id}/cancel`, { token: p.tokens.user(user), headers: { "Idempotency-Key": randomUUID() } });

      expect(res.status).to.equal(503);
      expect((await tablesFor(p, quote.id)).transactions).to.deep.equal([
        ["charge", "succeeded"],
        ["refund", "pending"],
      ]);
      p.processor.setAvailable(true);
      await sleep(200);
      const recovered = await p.order.domain.recovery.runOnce();

      expect(recovered.refunds).to.equal(1);
      expect(await tablesFor(p, quote.id)).to.deep.equal({
        attempts: [["completed", 1]],
        transactions: [
          ["charge", "succeeded"],
          ["refund", "succeeded"],
        ],
        orders: ["cancelled"],
        receipts: ["sale", "refund"],
        outbox: [
          ["commit_reservation", "done"],
          ["accept_quote", "done"],
          ["release_reservation", "done"],
        ],
      });
      expect((await p.processor.ledger()).filter((r) => r.type === "refund" && r.reference.startsWith(`refund_${order.id}`))).to.have.length(1);
      expect(await productState(p, product.id)).to.deep.equal({ stock: 5, available: 5 });
    });
  });

  describe(`checkout of a quote about to expire (${backend})`, function () {
    this.timeout(60_000);
    const { faults, hooks } = faultSwitch();
    const ttlMs = 2_500;
    let p: OrderPlatform;
    before(async () => {
      p = await startPlatform(backend, { hooks, quoteTtlMs: ttlMs });
    });
    after(async () => {
      await p?.close();
    });

    it("when the quote expires while its stock is being held, then it is a 409 quote_expired, nothing is charged and the stock is freed", async () => {
      const product = await createProduct(p, { stock: 3 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 2 }]);
      faults.onStep = async (step) => {
        if (step === "holdStock") await sleep(Math.max(0, new Date(quote.expires_at).getTime() - Date.now() + 100));
      };

      const res = await checkout(p, user, quote.id);

      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("quote_expired");
      expect(p.processor.calls.filter((c) => c.op === "charge").length).to.equal(0);
      expect(await tablesFor(p, quote.id)).to.deep.equal({ attempts: [["failed", null]], transactions: [], orders: [], receipts: [], outbox: [["restore_hold", "done"]] });
      expect((await reservationOf(p, quote.id))?.status).to.equal("released");
      expect(await productState(p, product.id)).to.deep.equal({ stock: 3, available: 3 });
    });

    it("when the quote has already expired, then checkout is a 409 quote_expired", async () => {
      const product = await createProduct(p, { stock: 3 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 1 }]);
      await sleep(Math.max(0, new Date(quote.expires_at).getTime() - Date.now() + 50));

      const res = await checkout(p, user, quote.id);

      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("quote_expired");
      expect(await tablesFor(p, quote.id)).to.deep.equal({ attempts: [], transactions: [], orders: [], receipts: [], outbox: [] });
    });
  });
}
