import type { HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { ProductDomain } from "./index.js";

type InventoryOps = Pick<operations, "putReservation" | "commitReservation" | "releaseReservation">;

export function inventoryHandlers(d: ProductDomain): HandlerMap<InventoryOps> {
  return {
    async putReservation({ params, body }) {
      const { created, reservation } = await d.inventory.put(params.reservation_id, body);
      return created ? { status: 201, body: reservation } : { status: 200, body: reservation };
    },
    async commitReservation({ params }) {
      return { status: 200, body: await d.inventory.commit(params.reservation_id) };
    },
    async releaseReservation({ params, principal }) {
      // only the order service owns a sale: its release is a cancelled order's stock coming back
      const returnSold = principal?.kind === "service" && principal.service === "order";
      await d.inventory.release(params.reservation_id, { returnSold });
      return { status: 204 };
    },
  };
}
