import { conflict, notFound, serviceUnavailable } from "@disqo-commerce/kit";
import { describeFailure } from "../../remote/clients.js";
import { snapshotOf } from "../quote.js";
import type { SagaStep } from "../saga.js";
import type { CheckoutContext, CheckoutDeps } from "../context.js";

/** Reads the quote from the cart service and checks it is the caller's and still payable. */
export function loadQuote(deps: CheckoutDeps): SagaStep<CheckoutContext> {
  return {
    name: "loadQuote",
    async invoke(ctx) {
      let quote;
      try {
        quote = await deps.remotes.quotes.getQuote({ id: ctx.input.quoteId });
      } catch (error) {
        const failure = await describeFailure(error);
        if (failure.kind === "answer" && failure.status === 404) throw notFound("No such quote.");
        deps.logger.warn({ failure }, "cart service did not give the quote");
        throw serviceUnavailable("The cart service did not answer; nothing was charged. Try again shortly.");
      }
      // someone else's quote is indistinguishable from no quote
      if (quote.user_id !== ctx.input.userId) throw notFound("No such quote.");
      const snapshot = snapshotOf(quote);
      if (snapshot.status === "accepted") throw conflict("quote_not_open", "The quote was already paid for.");
      if (snapshot.status === "superseded") throw conflict("quote_not_open", "A newer quote replaced this one; pay for that one.");
      if (snapshot.status === "expired" || new Date(snapshot.expiresAt).getTime() <= deps.clock().getTime()) {
        throw conflict("quote_expired", "The quote expired; ask for a new one.");
      }
      if (snapshot.status !== "open") throw conflict("quote_not_open", `The quote is ${snapshot.status}.`);
      ctx.quote = snapshot;
    },
  };
}
