import { randomUUID } from "node:crypto";
import { Op } from "sequelize";
import { AppError, conflict, notFound, serviceUnavailable, type EventRecorder, type Logger, type Principal } from "@disqo-commerce/kit";
import { followUps } from "../outbox/follow-ups.js";
import type { Outbox } from "../outbox/outbox.js";
import type { ProcessorOutcome } from "../payments/processor-client.js";
import type { Payments } from "../payments/payments.js";
import type { OrderModels, TransactionModel } from "../models/index.js";
import { assertTransition, statusesBefore } from "./status.js";
import type { OrderDto, Views } from "./views.js";

export interface CancelDeps {
  models: OrderModels;
  payments: Payments;
  outbox: Outbox;
  events: EventRecorder;
  views: Views;
  logger: Logger;
  clock: () => Date;
  leaseMs: number;
}

/**
 * Cancelling a paid order is a small saga of its own. First, in one DB transaction, the
 * order is claimed by a conditional update `paid -> cancelling` (the status is the lock: a
 * shipment racing the cancel either got there first, and the cancel is a 409, or finds the
 * order `cancelling` and is the 409) and a pending refund transaction is written under a
 * reference unique per order. Only then does the processor refund, and one DB transaction
 * marks the refund, writes the refund receipt (the sale receipt stays as it was), moves the
 * order `cancelling -> cancelled` and queues the stock's return. A refused refund puts the
 * order back to `paid`; a refund whose answer was lost stays pending (the order stays
 * `cancelling`) and is sent again under the same reference by recovery.
 */
export function createCancelOrder(deps: CancelDeps) {
  const { sequelize, Order, Transaction, Receipt, ReceiptItem } = deps.models;

  async function finish(refund: TransactionModel, outcome: ProcessorOutcome): Promise<void> {
    await sequelize.transaction(async (t) => {
      // Sequelize drops the row lock on SQLite, whose write transactions are serialised anyway
      const lock = { lock: t.LOCK.UPDATE };
      const order = await Order.findByPk(refund.order_id!, { transaction: t, ...lock });
      if (!order) throw new Error(`refund ${refund.id} has no order`);
      const fresh = await Transaction.findByPk(refund.id, { transaction: t, ...lock });
      if (fresh?.status === "succeeded") return;
      await Transaction.update(
        { status: "succeeded", gateway_transaction_id: outcome.gatewayTransactionId, response_code: outcome.responseCode },
        { where: { id: refund.id }, transaction: t },
      );
      if (order.status !== "cancelling") {
        // only a refund sent before cancels claimed the order (older releases) can get here: the
        // money did go back, so the ledger says so, but the order's fate is a person's call
        deps.logger.error({ order_id: order.id, refund_id: refund.id, status: order.status }, "refund settled for an order that is not cancelling; needs an operator");
        return;
      }
      const sale = await Receipt.findOne({ where: { order_id: order.id, kind: "sale" }, transaction: t });
      const saleItems = sale ? await ReceiptItem.findAll({ where: { receipt_id: sale.id }, order: [["position", "ASC"]], transaction: t }) : [];
      const receiptId = randomUUID();
      await Receipt.create(
        {
          id: receiptId,
          order_id: order.id,
          user_id: order.user_id,
          kind: "refund",
          transaction_id: refund.id,
          currency: order.currency,
          subtotal: order.subtotal,
          discount_total: order.discount_total,
          shipping_total: order.shipping_total,
          tax_total: order.tax_total,
          total: outcome.amount,
        },
        { transaction: t },
      );
      await ReceiptItem.bulkCreate(
        saleItems.map((i) => ({
          receipt_id: receiptId,
          position: i.position,
          product_id: i.product_id,
          name: i.name,
          quantity: i.quantity,
          unit_price: i.unit_price,
          subtotal: i.subtotal,
          discount: i.discount,
          tax: i.tax,
          total: i.total,
        })),
        { transaction: t },
      );
      await Order.update({ status: "cancelled" }, { where: { id: order.id, status: "cancelling" }, transaction: t });
      await deps.outbox.enqueue([followUps.releaseReservation(order.quote_id, order.id)], t);
      await deps.events.record("order_cancelled", { userId: order.user_id }, { order_id: order.id, total: { amount: Number(order.total), currency: order.currency } }, t);
    });
  }

  /** Sends (or re-sends, same reference) the refund and finishes the cancellation when it settles. */
  async function settle(refund: TransactionModel, chargeId: string): Promise<"succeeded" | "declined" | "unknown"> {
    const settlement = await deps.payments.refund({ reference: refund.reference, chargeId, amount: refund.amount, currency: refund.currency });
    if (settlement.kind !== "settled") return "unknown";
    if (settlement.outcome.status === "declined") {
      const declined = settlement.outcome;
      await sequelize.transaction(async (t) => {
        const [marked] = await Transaction.update(
          { status: "declined", gateway_transaction_id: declined.gatewayTransactionId, response_code: declined.responseCode },
          { where: { id: refund.id, status: "pending" }, transaction: t },
        );
        // the cancellation failed: the order is paid again and may ship or be cancelled anew
        if (marked === 1) await Order.update({ status: "paid" }, { where: { id: refund.order_id!, status: "cancelling" }, transaction: t });
      });
      return "declined";
    }
    await finish(refund, settlement.outcome);
    const quoteId = (await Order.findByPk(refund.order_id!))!.quote_id;
    await deps.outbox.dispatch({ aggregates: [`reservation:${quoteId}`], force: true }).catch((err) => deps.logger.warn({ err }, "stock return left to the outbox loop"));
    return "succeeded";
  }

  /**
   * Claims the order (`paid -> cancelling`, a conditional update: exactly one request can) and
   * opens its pending refund; or takes over the pending refund of an order left `cancelling`
   * by a request that gave up. Refuses a second live cancellation.
   */
  async function beginRefund(orderId: string): Promise<{ refund: TransactionModel; chargeId: string }> {
    return sequelize.transaction(async (t) => {
      const [claimed] = await Order.update({ status: "cancelling" }, { where: { id: orderId, status: statusesBefore("cancelling") }, transaction: t });
      const order = await Order.findByPk(orderId, { transaction: t });
      if (!order) throw notFound("No such order.");
      if (claimed !== 1 && order.status !== "cancelling") assertTransition(order.status, "cancelling");
      const charge = await Transaction.findOne({ where: { order_id: orderId, type: "charge", status: "succeeded" }, transaction: t });
      if (!charge?.gateway_transaction_id) throw new Error(`order ${orderId} has no settled charge`);
      const refunds = await Transaction.findAll({ where: { order_id: orderId, type: "refund" }, order: [["created_at", "ASC"]], transaction: t });
      const pending = refunds.find((r) => r.status === "pending");
      if (claimed !== 1) {
        // already cancelling: another request's refund is in flight, or one that gave up is taken over
        if (!pending || new Date(pending.updated_at).getTime() > deps.clock().getTime() - deps.leaseMs) {
          throw conflict("conflict", "A cancellation of this order is already in progress; retry shortly.");
        }
        await Transaction.update({ status: "pending" }, { where: { id: pending.id }, transaction: t });
        return { refund: pending, chargeId: charge.gateway_transaction_id };
      }
      const refund = await Transaction.create(
        {
          id: randomUUID(),
          // unique per order and per try: a second concurrent cancellation collides here
          reference: `refund_${orderId}_${refunds.length + 1}`,
          user_id: order.user_id,
          order_id: orderId,
          quote_id: order.quote_id,
          payment_gateway_id: charge.payment_gateway_id,
          gateway_transaction_id: null,
          type: "refund",
          status: "pending",
          amount: charge.amount,
          currency: charge.currency,
          response_code: null,
        },
        { transaction: t },
      );
      return { refund, chargeId: charge.gateway_transaction_id };
    });
  }

  async function cancel(orderId: string, principal: { userId: number; role: string }): Promise<OrderDto> {
    const order = await Order.findByPk(orderId);
    if (!order || (order.user_id !== principal.userId && principal.role !== "admin")) throw notFound("No such order.");
    let begun;
    try {
      begun = await beginRefund(orderId);
    } catch (error) {
      if (error instanceof AppError) throw error;
      if ((error as { name?: string }).name === "SequelizeUniqueConstraintError") {
        throw conflict("conflict", "A cancellation of this order is already in progress; retry shortly.");
      }
      throw error;
    }
    const result = await settle(begun.refund, begun.chargeId);
    if (result === "declined") throw new AppError(503, "payment_failed", "The payment processor refused the refund; the order is unchanged. Try again later.");
    if (result === "unknown") throw serviceUnavailable("The payment processor did not answer; the refund will be settled shortly. Retry with the same Idempotency-Key.");
    return (await deps.views.order(orderId))!;
  }

  /** Pending refunds whose request gave up or whose process died: sent again under the same reference. */
  async function recoverRefunds(): Promise<number> {
    const stale = await Transaction.findAll({
      where: { type: "refund", status: "pending", updated_at: { [Op.lt]: new Date(deps.clock().getTime() - deps.leaseMs) } },
      limit: 100,
    });
    let settled = 0;
    for (const refund of stale) {
      // rewriting the status bumps updated_at (Sequelize skips an update of the timestamp alone): an optimistic claim
      const [claimed] = await Transaction.update({ status: "pending" }, { where: { id: refund.id, status: "pending", updated_at: refund.updated_at } });
      if (claimed !== 1) continue;
      const charge = await Transaction.findOne({ where: { order_id: refund.order_id, type: "charge", status: "succeeded" } });
      if (!charge?.gateway_transaction_id) continue;
      try {
        if ((await settle(refund, charge.gateway_transaction_id)) !== "unknown") settled++;
      } catch (error) {
        deps.logger.error({ err: error, refund_id: refund.id }, "refund recovery failed; will retry");
      }
    }
    return settled;
  }

  return { cancel, recoverRefunds };
}

export type CancelOrder = ReturnType<typeof createCancelOrder>;
