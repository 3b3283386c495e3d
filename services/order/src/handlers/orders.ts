import { notFound, userOf, type HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { OrderDomain } from "./index.js";

type Ops = Pick<operations, "listOrders" | "getOrder" | "cancelOrder">;

export function orderHandlers(d: OrderDomain): HandlerMap<Ops> {
  return {
    async listOrders({ principal, query }) {
      return { status: 200, body: await d.views.listOrders({ userId: userOf(principal).userId, limit: query.limit ?? 20, cursor: query.cursor }) };
    },
    async getOrder({ principal, params }) {
      const user = userOf(principal);
      const order = await d.views.order(params.id);
      // someone else's order is indistinguishable from none (admins see all)
      if (!order || (order.user_id !== user.userId && user.role !== "admin")) throw notFound("No such order.");
      return { status: 200, body: order };
    },
    async cancelOrder({ principal, params }) {
      return { status: 200, body: await d.cancelOrder.cancel(params.id, userOf(principal)) };
    },
  };
}
