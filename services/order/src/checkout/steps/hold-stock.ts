import { conflict, serviceUnavailable } from "@disqo-commerce/kit";
import { followUps } from "../../outbox/follow-ups.js";
import { describeFailure } from "../../remote/clients.js";
import { reservationItems } from "../quote.js";
import type { SagaStep } from "../saga.js";
import { later, type CheckoutContext, type CheckoutDeps } from "../context.js";

/**
 * Extends the quote's stock hold (reservation id = quote id) for the checkout, so the stock
 * is still held when the follow-up commits it, even after a long outage. Undone by handing
 * the hold back to the quote: its own expiry, or released when that has passed.
 */
export function holdStock(deps: CheckoutDeps): SagaStep<CheckoutContext> {
  return {
    name: "holdStock",
    async invoke(ctx) {
      const quote = ctx.quote!;
      ctx.holdTouched = true;
      await deps.attempts.change(ctx.attemptId, { hold_extended: true, step: "holdStock" });
      try {
        await deps.remotes.inventory.putReservation({
          reservation_id: quote.id,
          ReservationInput: { items: reservationItems(quote), expires_at: later(deps.clock, deps.settings.holdSeconds * 1000).toISOString() },
        });
      } catch (error) {
        const failure = await describeFailure(error);
        if (failure.kind === "unreachable") {
          throw serviceUnavailable("The product service did not answer; nothing was charged. Try again shortly.");
        }
        // a definite no changes nothing at the product service: there is no hold to hand back
        ctx.holdTouched = false;
        if (failure.status === 409 && (failure.code === "insufficient_stock" || failure.code === "product_unavailable")) {
          throw conflict(failure.code, "Some products of the quote are no longer available; nothing was charged.", { products: failure.body.products ?? [] });
        }
        if (failure.status === 409) throw conflict("quote_not_open", "The quote's stock is no longer held; ask for a new quote.");
        throw new Error(`product service refused the hold: ${failure.status} ${failure.code ?? ""}`);
      }
    },
    async compensate(ctx) {
      if (!ctx.holdTouched || !ctx.quote) return;
      const entry = followUps.restoreHold(ctx.quote.id, reservationItems(ctx.quote), ctx.quote.expiresAt);
      await deps.models.sequelize.transaction((t) => deps.outbox.enqueue([entry], t));
      await deps.outbox.dispatch({ aggregates: [entry.aggregate], force: true });
    },
  };
}
