import { conflict } from "@disqo-commerce/kit";
import type { OrderStatus } from "../models/index.js";

/**
 * The order status machine. `pending` is an order whose payment has not settled (card
 * charges through the gateway settle before the order is written, so they start `paid`).
 * `cancelling` is a paid order whose refund is on its way: the cancel claims it before any
 * money moves, so nothing can ship it meanwhile; it ends `cancelled` when the refund
 * settles, or goes back to `paid` when the processor refuses the refund.
 */
const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ["paid", "cancelled"],
  paid: ["partially_shipped", "shipped", "cancelling"],
  cancelling: ["cancelled", "paid"],
  partially_shipped: ["partially_shipped", "shipped"],
  shipped: ["delivered"],
  delivered: [],
  cancelled: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws 409 `illegal_transition` (with the current status) unless `from -> to` is allowed. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) {
    const change = to === "cancelling" ? "be cancelled" : `become ${to.replace("_", " ")}`;
    throw conflict("illegal_transition", `An order that is ${from.replace("_", " ")} cannot ${change}.`, { current_status: from });
  }
}

/** Every status that may move to `to`: the guard of a conditional update that claims the order. */
export function statusesBefore(to: OrderStatus): OrderStatus[] {
  return (Object.keys(TRANSITIONS) as OrderStatus[]).filter((from) => canTransition(from, to));
}
