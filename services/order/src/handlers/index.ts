import type { HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { PlaceOrder } from "../checkout/place-order.js";
import type { CancelOrder } from "../orders/cancel-order.js";
import type { Fulfilment } from "../orders/fulfilment.js";
import type { Views } from "../orders/views.js";
import { adminHandlers } from "./admin.js";
import { checkoutHandlers } from "./checkout.js";
import { orderHandlers } from "./orders.js";
import { paymentHandlers } from "./payments.js";
import { receiptHandlers } from "./receipts.js";

export interface OrderDomain {
  placeOrder: PlaceOrder;
  cancelOrder: CancelOrder;
  fulfilment: Fulfilment;
  views: Views;
}

/** Every operation of openapi/order.yaml, keyed by operationId. */
export function createHandlers(d: OrderDomain): HandlerMap<operations> {
  return { ...checkoutHandlers(d), ...orderHandlers(d), ...adminHandlers(d), ...receiptHandlers(d), ...paymentHandlers(d) };
}
