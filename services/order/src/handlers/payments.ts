import { userOf, type HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { OrderDomain } from "./index.js";

export function paymentHandlers(d: OrderDomain): HandlerMap<Pick<operations, "listTransactions">> {
  return {
    async listTransactions({ principal, query }) {
      return {
        status: 200,
        body: await d.views.listTransactions({ userId: userOf(principal).userId, quoteId: query.quote_id, orderId: query.order_id, limit: query.limit ?? 20, cursor: query.cursor }),
      };
    },
  };
}
