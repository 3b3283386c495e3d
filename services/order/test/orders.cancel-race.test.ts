import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import type { Product } from "../../../sdk/src/generated/product/index.js";
import { QueryTypes } from "sequelize";
import { checkout, createProduct, newUserId, orderTables, quoteFor, startPlatform, type OrderPlatform, type Reply } from "./support.js";

/*
 * A shopper's cancel and an admin's shipment of the same paid order, fired together: the
 * order's status is the lock, so exactly one of them wins before any money moves. The
 * loser is a 409 `illegal_transition`; no order ends both refunded and shipped, and no
 * refund is left pending.
 */
const RACES = 50;

for (const backend of testBackends()) {
  describe(`cancel racing a shipment (${backend})`, function () {
    this.timeout(180_000);
    let p: OrderPlatform;
    before(async () => {
      p = await startPlatform(backend);
      // a processor's round trip: the refund is in flight while the shipment arrives
      p.processor.setRefundLatency(20);
    });
    after(async () => {
      await p?.close();
    });

    const shipping = { carrier: "UPS", tracking_number: "1Z999AA10123456784", expected_arrival_date: "2030-01-05" };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    async function paidOrder(product: Product, token?: string) {
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 1 }]);
      const res = await checkout(p, user, quote.id, { token });
      expect(res.status).to.equal(201);
      return { user, orderId: res.body.order.id as string };
    }

    it(`when ${RACES} cancels race ${RACES} shipments, then each order is either refunded and cancelled or shipped, never both`, async () => {
      const product = await createProduct(p, { stock: RACES + 5 });
      const orders = [];
      for (let i = 0; i < RACES; i++) orders.push(await paidOrder(product));

      // one race at a time, so each pair meets with the timing chosen for it (all at once, the
      // queue of 100 requests decides the order instead)
      const replies: { orderId: string; cancel: Reply; ship: Reply }[] = [];
      for (const [i, { user, orderId }] of orders.entries()) {
        // either one first, 0-45 ms apart: the cancel's path to the refund is longer than the
        // shipment's, so the spread covers "the shipment lands while the refund is in flight"
        const cancelFirst = i % 5 !== 0;
        const gap = cancelFirst ? (i % 10) * 5 : i % 8;
        const [cancel, ship] = await Promise.all([
          (async () => {
            if (!cancelFirst) await sleep(gap);
            return p.order.call("POST", `/v1/orders/${orderId}/cancel`, { token: p.tokens.user(user), headers: { "Idempotency-Key": randomUUID() } });
          })(),
          (async () => {
            if (cancelFirst) await sleep(gap);
            return p.order.call("POST", `/v1/orders/${orderId}/shipments`, { token: p.tokens.admin(), body: shipping });
          })(),
        ]);
        replies.push({ orderId, cancel, ship });
      }

      const tables = await orderTables(p.order.sequelize);
      const refundsSucceeded = new Set(tables.transactions.filter((t) => t.type === "refund" && t.status === "succeeded").map((t) => t.order_id));
      const statusOf = new Map(tables.orders.map((o) => [o.id, o.status]));
      const bad: string[] = [];
      for (const { orderId, cancel, ship } of replies) {
        const codes = `cancel ${cancel.status} ${cancel.body?.code ?? ""}, ship ${ship.status} ${ship.body?.code ?? ""}`;
        const status = statusOf.get(orderId);
        const refunded = refundsSucceeded.has(orderId);
        if (![200, 409].includes(cancel.status) || ![201, 409].includes(ship.status)) bad.push(`${orderId}: unexpected answers (${codes})`);
        else if ((cancel.status === 200) === (ship.status === 201)) bad.push(`${orderId}: not exactly one winner (${codes})`);
        const loser = cancel.status === 409 ? cancel : ship;
        if (loser.status === 409 && (loser.body.code !== "illegal_transition" || typeof loser.body.current_status !== "string")) {
          bad.push(`${orderId}: the loser is not an illegal_transition with the current status (${codes})`);
        }
        if (refunded && status !== "cancelled") bad.push(`${orderId}: refunded but ${status}`);
        if (cancel.status === 200 && !(refunded && status === "cancelled")) bad.push(`${orderId}: cancel won but the order is ${status}, refunded=${refunded}`);
        if (ship.status === 201 && (refunded || status !== "shipped")) bad.push(`${orderId}: shipment won but the order is ${status}, refunded=${refunded}`);
      }
      const stuck = tables.transactions.filter((t) => t.type === "refund" && t.status === "pending");
      const shippedAndRefunded = [...refundsSucceeded].filter((id) => statusOf.get(id ?? "") === "shipped");

      expect(shippedAndRefunded, "orders both refunded and shipped").to.deep.equal([]);
      expect(stuck.map((t) => t.order_id), "refunds left pending").to.deep.equal([]);
      expect(bad).to.deep.equal([]);
      // the processor agrees: one refund per cancelled order, none for a shipped one
      const cancelled = tables.orders.filter((o) => o.status === "cancelled").map((o) => o.id);
      const processorRefunds = (await p.processor.ledger()).filter((r) => r.type === "refund" && r.status === "succeeded");
      expect(processorRefunds).to.have.length(cancelled.length);
    });

    const cancel = (user: number, orderId: string) => p.order.call("POST", `/v1/orders/${orderId}/cancel`, { token: p.tokens.user(user), headers: { "Idempotency-Key": randomUUID() } });
    const ship = (orderId: string) => p.order.call("POST", `/v1/orders/${orderId}/shipments`, { token: p.tokens.admin(), body: shipping });
    const statusOf = async (orderId: string) => (await orderTables(p.order.sequelize)).orders.find((o) => o.id === orderId)?.status;
    const refundsOf = async (orderId: string) => (await orderTables(p.order.sequelize)).transactions.filter((t) => t.order_id === orderId && t.type === "refund");
    /** Ages the order's pending refund past the lease, as if the request that sent it died long ago. */
    const ageRefunds = (orderId: string) =>
      p.order.sequelize.query("UPDATE transactions SET updated_at = ? WHERE order_id = ? AND type = 'refund'", {
        replacements: [new Date(Date.now() - 3_600_000), orderId],
        type: QueryTypes.UPDATE,
      });

    it("when the processor refuses the refund, then the order is paid again and can still ship", async () => {
      const { user, orderId } = await paidOrder(await createProduct(p), "tok_refundFail");

      const res = await cancel(user, orderId);

      expect(res.status).to.equal(503);
      expect(res.body.code).to.equal("payment_failed");
      expect(await statusOf(orderId)).to.equal("paid");
      expect((await refundsOf(orderId)).map((t) => t.status)).to.deep.equal(["declined"]);
      expect((await ship(orderId)).status).to.equal(201);
    });

    it("when the refund's answer is lost, then the order stays cancelling, cannot ship, and recovery finishes the cancellation", async () => {
      const { user, orderId } = await paidOrder(await createProduct(p));
      p.processor.setAvailable(false);
      let res: Reply;
      try {
        res = await cancel(user, orderId);
      } finally {
        p.processor.setAvailable(true);
      }

      const shipped = await ship(orderId);
      const again = await cancel(user, orderId);
      await ageRefunds(orderId);
      const settled = await p.order.domain.cancelOrder.recoverRefunds();

      expect(res.status).to.equal(503);
      expect(shipped.status).to.equal(409);
      expect(shipped.body).to.include({ code: "illegal_transition", current_status: "cancelling" });
      expect(again.status).to.equal(409);
      expect(settled).to.be.at.least(1);
      expect(await statusOf(orderId)).to.equal("cancelled");
      expect((await refundsOf(orderId)).map((t) => t.status)).to.deep.equal(["succeeded"]);
    });

    it("when an older release left a refund pending on an order that shipped, then recovery settles it and leaves the order as it is", async () => {
      const { orderId } = await paidOrder(await createProduct(p));
      expect((await ship(orderId)).status).to.equal(201);
      const [charge] = await p.order.sequelize.query<{ gateway_transaction_id: string; amount: number; quote_id: string; user_id: number }>(
        "SELECT gateway_transaction_id, amount, quote_id, user_id FROM transactions WHERE order_id = ? AND type = 'charge'",
        { replacements: [orderId], type: QueryTypes.SELECT },
      );
      const now = new Date();
      await p.order.sequelize.query(
        `INSERT INTO transactions (id, reference, user_id, order_id, quote_id, payment_gateway_id, gateway_transaction_id, type, status, amount, currency, response_code, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'test', NULL, 'refund', 'pending', ?, 'USD', NULL, ?, ?)`,
        { replacements: [randomUUID(), `refund_${orderId}_1`, charge.user_id, orderId, charge.quote_id, charge.amount, now, now], type: QueryTypes.INSERT },
      );
      await ageRefunds(orderId);

      await p.order.domain.cancelOrder.recoverRefunds();
      const second = await p.order.domain.cancelOrder.recoverRefunds();

      expect((await refundsOf(orderId)).map((t) => t.status)).to.deep.equal(["succeeded"]);
      expect(await statusOf(orderId)).to.equal("shipped");
      expect(second).to.equal(0);
    });
  });
}
