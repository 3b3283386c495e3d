import { conflict } from "@disqo-commerce/kit";
import type { OrderStatus } from "../models/index.js";

/**
 * The order status machine. `pending` is an order whose payment has not settled (card
 * charges through the gateway settle before the order is written, so they start `paid`).
 */
const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ["paid", "cancelled"],
  paid: ["partially_shipped", "shipped", "cancelled"],
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
    throw conflict("illegal_transition", `An order that is ${from.replace("_", " ")} cannot become ${to.replace("_", " ")}.`, { current_status: from });
  }
}
