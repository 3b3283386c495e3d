import { randomUUID } from "node:crypto";
import { AppError, isUniqueViolation, type EventRecorder } from "@disqo-commerce/kit";
import type { ProcessorOutcome } from "../../payments/processor-client.js";
import type { OrderModels } from "../../models/index.js";
import { OutcomeUnknownError, type SagaStep } from "../saga.js";
import { later, type CheckoutContext, type CheckoutDeps } from "../context.js";

/** Records a declined charge (visible in `GET /v1/transactions`) and its analytics event; repeating it is harmless. */
export async function recordDeclinedCharge(
  models: OrderModels,
  events: EventRecorder,
  attempt: { id: string; user_id: number; quote_id: string; payment_gateway_id: string },
  outcome: ProcessorOutcome,
): Promise<string> {
  try {
    return await models.sequelize.transaction(async (transaction) => {
    const row = await models.Transaction.create({
      id: randomUUID(),
      reference: attempt.id,
      user_id: attempt.user_id,
      order_id: null,
      quote_id: attempt.quote_id,
      payment_gateway_id: attempt.payment_gateway_id,
      gateway_transaction_id: outcome.gatewayTransactionId,
      type: "charge",
      status: "declined",
      amount: outcome.amount,
      currency: outcome.currency,
      response_code: outcome.responseCode,
    }, { transaction });
    await events.record("checkout_declined", { userId: attempt.user_id }, { quote_id: attempt.quote_id, code: outcome.responseCode.slice(0, 64) }, transaction);
    return row.id;
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await models.Transaction.findOne({ where: { reference: attempt.id } });
    return existing!.id;
  }
}

export function paymentDeclined(outcome: ProcessorOutcome, transactionId: string): AppError {
  return new AppError(402, "payment_declined", `The card was declined (${outcome.responseCode}). Nothing was charged; the quote is still open.`, {
    extensions: { decline_code: outcome.responseCode, transaction_id: transactionId },
  });
}

/**
 * The pivot of the saga: charges the card under the attempt's id as reference. The attempt
 * is marked `charging` first, so if the process dies mid-call recovery knows to look the
 * charge up. A lost answer is looked up, never re-sent.
 */
export function chargePayment(deps: CheckoutDeps): SagaStep<CheckoutContext> {
  const { attempts } = deps;
  return {
    name: "chargePayment",
    pivot: true,
    async invoke(ctx) {
      const quote = ctx.quote!;
      await attempts.change(ctx.attemptId, { state: "charging", step: "chargePayment", lease_until: later(deps.clock, deps.settings.leaseMs) });
      const settlement = await deps.payments.charge({
        reference: ctx.attemptId,
        amount: quote.total,
        currency: quote.currency,
        token: ctx.input.token,
        description: `DISQO Commerce order ${ctx.attemptId}`,
      });
      if (settlement.kind !== "settled") {
        throw new OutcomeUnknownError(`charge outcome unknown: ${settlement.kind === "unknown" ? settlement.reason : "no record"}`);
      }
      const outcome = settlement.outcome;
      if (outcome.status === "declined") {
        const transactionId = await recordDeclinedCharge(
          deps.models,
          deps.events,
          { id: ctx.attemptId, user_id: ctx.input.userId, quote_id: quote.id, payment_gateway_id: deps.payments.gatewayId },
          outcome,
        );
        await attempts.change(ctx.attemptId, { response_code: outcome.responseCode, gateway_transaction_id: outcome.gatewayTransactionId });
        throw paymentDeclined(outcome, transactionId);
      }
      ctx.charge = outcome;
      ctx.chargedAt = deps.clock();
      await attempts.change(ctx.attemptId, { gateway_transaction_id: outcome.gatewayTransactionId, response_code: outcome.responseCode, charged_at: ctx.chargedAt });
    },
  };
}
