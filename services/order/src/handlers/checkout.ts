import { userOf, type HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { OrderDomain } from "./index.js";

export function checkoutHandlers(d: OrderDomain): HandlerMap<Pick<operations, "createCheckout">> {
  return {
    async createCheckout({ principal, body, idempotency }) {
      const result = await d.placeOrder({
        userId: userOf(principal).userId,
        quoteId: body.quote_id,
        token: body.payment_method.token,
        // the key is required by the contract, so the validator has already refused a request without it
        idempotency: idempotency!,
      });
      return { status: 201, body: result };
    },
  };
}
