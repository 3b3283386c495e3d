import { randomUUID } from "node:crypto";
import { AppError, serviceUnavailable } from "@disqo-commerce/kit";
import type { components } from "../generated/openapi.js";
import type { CheckoutContext, CheckoutDeps, CheckoutInput } from "./context.js";
import { OutcomeUnknownError, ProcessCrash, runSaga, type SagaHooks } from "./saga.js";
import { chargePayment } from "./steps/charge-payment.js";
import { confirmQuote } from "./steps/confirm-quote.js";
import { holdStock } from "./steps/hold-stock.js";
import { loadQuote } from "./steps/load-quote.js";
import { openAttempt } from "./steps/open-attempt.js";
import { dispatchFollowUps, recordOrder } from "./steps/record-order.js";

export type CheckoutResult = components["schemas"]["CheckoutResult"];

/** The answer for a completed attempt: the order, its sale receipt and its charge. */
export async function checkoutResult(deps: Pick<CheckoutDeps, "views">, orderId: string): Promise<CheckoutResult> {
  const order = await deps.views.order(orderId);
  if (!order) throw new Error(`order ${orderId} is missing`);
  const receipt = order.receipts.find((r) => r.kind === "sale");
  const transaction = order.transactions.find((t) => t.type === "charge" && t.status === "succeeded");
  if (!receipt || !transaction) throw new Error(`order ${orderId} has no sale receipt or charge`);
  return { order, receipt, transaction };
}

/**
 * Checkout as a saga (docs/ARCHITECTURE.md, "Checkout"): quote -> attempt logged -> stock hold extended -> quote
 * still valid -> charge (the pivot) -> transaction, receipt and order in one DB transaction
 * -> follow-ups (commit the stock, accept the quote) from the outbox.
 * Before the charge every failure is compensated (the hold goes back to the quote, the
 * attempt is closed); after it nothing is undone, the order is finished forward.
 * A retry of the request is the kit's business: the attempt holds the Idempotency-Key from
 * the moment it is logged (see openAttempt), so the retry is a 409 while the outcome is open
 * and a replay of it after; the saga never looks the key up itself.
 */
export function createPlaceOrder(deps: CheckoutDeps, hooks: SagaHooks = {}) {
  const steps = [loadQuote(deps), openAttempt(deps), holdStock(deps), confirmQuote(deps), chargePayment(deps), recordOrder(deps), dispatchFollowUps(deps)];

  return async function placeOrder(input: CheckoutInput): Promise<CheckoutResult> {
    const ctx: CheckoutContext = { input, attemptId: randomUUID(), holdTouched: false };
    try {
      await runSaga("checkout", steps, ctx, deps.logger, hooks);
    } catch (error) {
      if (error instanceof AppError || error instanceof ProcessCrash) throw error;
      if (error instanceof OutcomeUnknownError) {
        throw serviceUnavailable("The payment processor did not answer in time. The charge is being settled; retry with the same Idempotency-Key to get the outcome, and do not pay again.");
      }
      if (ctx.charge) {
        throw serviceUnavailable("The payment went through and the order is being finalised; retry with the same Idempotency-Key to get it.");
      }
      throw error;
    }
    return checkoutResult(deps, ctx.attemptId);
  };
}

export type PlaceOrder = ReturnType<typeof createPlaceOrder>;
