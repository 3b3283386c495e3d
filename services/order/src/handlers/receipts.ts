import { notFound, userOf, type HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { OrderDomain } from "./index.js";

type Ops = Pick<operations, "listReceipts" | "getReceipt">;

export function receiptHandlers(d: OrderDomain): HandlerMap<Ops> {
  return {
    async listReceipts({ principal, query }) {
      return { status: 200, body: await d.views.listReceipts({ userId: userOf(principal).userId, orderId: query.order_id, limit: query.limit ?? 20, cursor: query.cursor }) };
    },
    async getReceipt({ principal, params }) {
      const found = await d.views.receipt(params.id);
      if (!found || found.user_id !== userOf(principal).userId) throw notFound("No such receipt.");
      const { user_id: _owner, ...receipt } = found;
      return { status: 200, body: receipt };
    },
  };
}
