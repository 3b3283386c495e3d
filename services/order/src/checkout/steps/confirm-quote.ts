import { conflict } from "@disqo-commerce/kit";
import type { SagaStep } from "../saga.js";
import type { CheckoutContext, CheckoutDeps } from "../context.js";

/** The last check before money moves: the quote must not have expired while the stock was being held. */
export function confirmQuote(deps: CheckoutDeps): SagaStep<CheckoutContext> {
  return {
    name: "confirmQuote",
    async invoke(ctx) {
      if (new Date(ctx.quote!.expiresAt).getTime() <= deps.clock().getTime()) {
        throw conflict("quote_expired", "The quote expired during checkout; nothing was charged. Ask for a new one.");
      }
    },
  };
}
