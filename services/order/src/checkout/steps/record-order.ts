import { randomUUID } from "node:crypto";
import { backoffDelay, insertRows, isUniqueViolation, sleep, writeStatement } from "@disqo-commerce/kit";
import { followUps } from "../../outbox/follow-ups.js";
import { assertTransition } from "../../orders/status.js";
import type { ProcessorOutcome } from "../../payments/processor-client.js";
import type { QuoteSnapshot } from "../quote.js";
import type { SagaStep } from "../saga.js";
import type { CheckoutContext, CheckoutDeps } from "../context.js";

export interface PaidAttempt {
  id: string;
  userId: number;
  quote: QuoteSnapshot;
  paymentGatewayId: string;
}

/**
 * One DB transaction: the charge, the sale receipt and its items, the order and its items,
 * the follow-ups (commit the stock, accept the quote) and the attempt marked completed.
 * Safe to run twice (request and recovery racing): the second finds the order and stops.
 */
export async function writePaidOrder(deps: Pick<CheckoutDeps, "models" | "outbox" | "events">, attempt: PaidAttempt, charge: ProcessorOutcome, paidAt: Date): Promise<void> {
  const { sequelize, Order } = deps.models;
  const q = attempt.quote;
  try {
    await sequelize.transaction(async (t) => {
      const existing = await Order.findOne({ where: { quote_id: q.id }, transaction: t });
      if (existing) {
        if (existing.id !== attempt.id) throw new Error(`quote ${q.id} already has order ${existing.id}; attempt ${attempt.id} was charged too`);
        return;
      }
      const transactionId = randomUUID();
      const receiptId = randomUUID();
      const now = new Date();
      const totals = { currency: q.currency, subtotal: q.subtotal, discount_total: q.discountTotal, shipping_total: q.shippingTotal, tax_total: q.taxTotal, total: q.total };
      const priced = (line: QuoteSnapshot["items"][number], position: number) => ({
        position,
        product_id: line.productId,
        name: line.name,
        quantity: line.quantity,
        unit_price: line.unitPrice,
        subtotal: line.subtotal,
        discount: line.discount,
        tax: line.tax,
        total: line.total,
      });
      await insertRows(sequelize, "transactions", [
        {
          id: transactionId,
          reference: attempt.id,
          user_id: attempt.userId,
          order_id: attempt.id,
          quote_id: q.id,
          payment_gateway_id: attempt.paymentGatewayId,
          gateway_transaction_id: charge.gatewayTransactionId,
          type: "charge",
          status: "succeeded",
          amount: charge.amount,
          currency: charge.currency,
          response_code: charge.responseCode,
          created_at: now,
          updated_at: now,
        },
      ], t);
      assertTransition("pending", "paid");
      await insertRows(sequelize, "orders", [
        {
          id: attempt.id,
          user_id: attempt.userId,
          quote_id: q.id,
          status: "paid",
          ...totals,
          promo_code: q.promoCode,
          shipping_address: q.shippingAddress ? JSON.stringify(q.shippingAddress) : null,
          paid_at: paidAt,
          created_at: now,
          updated_at: now,
        },
      ], t);
      await insertRows(sequelize, "order_items", q.items.map((line, position) => ({ id: randomUUID(), order_id: attempt.id, ...priced(line, position) })), t);
      await insertRows(sequelize, "receipts", [
        { id: receiptId, order_id: attempt.id, user_id: attempt.userId, kind: "sale", transaction_id: transactionId, ...totals, created_at: now },
      ], t);
      await insertRows(sequelize, "receipt_items", q.items.map((line, position) => ({ receipt_id: receiptId, ...priced(line, position) })), t);
      await deps.outbox.enqueue([followUps.commitReservation(q.id, attempt.id), followUps.acceptQuote(q.id, attempt.id, paidAt)], t);
      await deps.events.record("checkout_succeeded", { userId: attempt.userId }, { order_id: attempt.id, quote_id: q.id, total: { amount: q.total, currency: q.currency } }, t);
      await writeStatement(
        sequelize,
        "UPDATE checkout_attempts SET state = 'completed', step = 'recordOrder', gateway_transaction_id = ?, response_code = ?, charged_at = ?, updated_at = ? WHERE id = ?",
        [charge.gatewayTransactionId, charge.responseCode, paidAt, now, attempt.id],
        t,
      );
    });
  } catch (error) {
    // a concurrent writer (recovery) got there first with the same charge
    if (isUniqueViolation(error) && (await Order.findByPk(attempt.id))) return;
    throw error;
  }
}

/** Writes the paid order; a passing database hiccup is retried here, a lasting one is left to recovery. */
export function recordOrder(deps: CheckoutDeps): SagaStep<CheckoutContext> {
  return {
    name: "recordOrder",
    async invoke(ctx) {
      const attempt = { id: ctx.attemptId, userId: ctx.input.userId, quote: ctx.quote!, paymentGatewayId: deps.payments.gatewayId };
      for (let i = 0; ; i++) {
        try {
          await writePaidOrder(deps, attempt, ctx.charge!, ctx.chargedAt!);
          return;
        } catch (error) {
          if (i >= 2) throw error;
          deps.logger.warn({ err: error, attempt_id: ctx.attemptId }, "writing the paid order failed; retrying");
          await sleep(50 * (i + 1));
        }
      }
    },
  };
}

/**
 * Runs the follow-ups of the new order before the checkout answers: the shopper's next cart
 * must not be started while this one is still active (the quote not yet accepted), or a new
 * quote of the same cart would supersede the paid one. A failed step is tried again a few
 * times within `FOLLOW_UP_WINDOW_MS` (a replica of the cart that died mid-call is replaced by
 * the other one at once); whatever is still not done then stays in the outbox for its loop.
 */
const FOLLOW_UP_WINDOW_MS = 3_000;

export function dispatchFollowUps(deps: CheckoutDeps): SagaStep<CheckoutContext> {
  return {
    name: "dispatchFollowUps",
    async invoke(ctx) {
      const quoteId = ctx.quote!.id;
      const aggregates = [`reservation:${quoteId}`, `quote:${quoteId}`];
      const deadline = Date.now() + FOLLOW_UP_WINDOW_MS;
      try {
        for (let round = 0; ; round++) {
          await deps.outbox.dispatch({ aggregates, force: true });
          // another replica's outbox pass may have taken them first: wait for its outcome
          await deps.outbox.settled(aggregates, Math.max(0, deadline - Date.now()));
          const left = (await deps.outbox.pending(aggregates)).filter((e) => e.state === "pending");
          if (left.length === 0 || Date.now() >= deadline) break;
          await sleep(Math.min(backoffDelay(round, { baseMs: 100, maxMs: Number.MAX_SAFE_INTEGER }), Math.max(0, deadline - Date.now())));
        }
      } catch (error) {
        deps.logger.warn({ err: error, order_id: ctx.attemptId }, "follow-ups left to the outbox loop");
      }
    },
  };
}
