import type { HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { OrderDomain } from "./index.js";

type Ops = Pick<operations, "listAdminOrders" | "createShipment" | "deliverOrder">;

/** Admin-only operations (the spec's `x-required-role: admin` is enforced by the kit). */
export function adminHandlers(d: OrderDomain): HandlerMap<Ops> {
  return {
    async listAdminOrders({ query }) {
      return { status: 200, body: await d.views.listOrders({ userId: query.user_id, status: query.status, limit: query.limit ?? 20, cursor: query.cursor }) };
    },
    async createShipment({ params, body }) {
      return { status: 201, body: await d.fulfilment.ship(params.id, body) };
    },
    async deliverOrder({ params }) {
      return { status: 200, body: await d.fulfilment.deliver(params.id) };
    },
  };
}
