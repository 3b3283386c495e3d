import { AppError, conflict, isUniqueViolation } from "@disqo-commerce/kit";
import type { SagaStep } from "../saga.js";
import { keyHolderOf, later, type CheckoutContext, type CheckoutDeps } from "../context.js";

/**
 * Writes the attempt to the saga log before anything leaves the process. Only one attempt of
 * a quote may be live (running or succeeded): a second concurrent checkout of the same quote
 * is refused here, before it could charge. Then the attempt takes the request's
 * Idempotency-Key over from the request: the key is settled with the attempt's outcome, by the
 * request or, if it dies, by recovery. In this order, so that a key is never held by an
 * attempt that does not exist (a process that dies between the two leaves an attempt that
 * recovery closes and a key that a retry takes over once abandoned).
 */
export function openAttempt(deps: CheckoutDeps): SagaStep<CheckoutContext> {
  const { CheckoutAttempt } = deps.models;
  const { attempts } = deps;
  return {
    name: "openAttempt",
    async invoke(ctx) {
      const quote = ctx.quote!;
      try {
        await attempts.open({
          id: ctx.attemptId,
          quote_id: quote.id,
          user_id: ctx.input.userId,
          state: "started",
          step: "openAttempt",
          amount: quote.total,
          currency: quote.currency,
          quote_json: JSON.stringify(quote),
          quote_expires_at: new Date(quote.expiresAt),
          payment_gateway_id: deps.payments.gatewayId,
          lease_until: later(deps.clock, deps.settings.leaseMs),
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const live = await CheckoutAttempt.findOne({ where: { quote_id: quote.id, live: 1 } });
        if (live?.state === "completed") throw conflict("quote_not_open", "The quote was already paid for.");
        throw conflict("quote_not_open", "A checkout of this quote is already in progress; wait for it to finish.");
      }
      await ctx.input.idempotency.holdFor(keyHolderOf(ctx.attemptId));
    },
    async compensate(ctx, error) {
      const declined = error instanceof AppError && error.code === "payment_declined";
      await attempts.change(ctx.attemptId, { state: declined ? "declined" : "failed", live: null, last_error: String((error as Error)?.message ?? error).slice(0, 500) }, { onlyLive: true });
      // the attempt is closed with nothing to keep: the request's own answer (its 4xx, or a 5xx that frees the key) decides
      await ctx.input.idempotency.release();
    },
  };
}
