import { randomUUID } from "node:crypto";
import type { Transaction } from "sequelize";
import { conflict, notFound, unprocessable } from "@disqo-commerce/kit";
import type { components } from "../generated/openapi.js";
import type { OrderModels } from "../models/index.js";
import { assertTransition } from "./status.js";
import type { OrderDto, ShipmentDto, Views } from "./views.js";

export type ShipmentInput = components["schemas"]["ShipmentInput"];

/** Shipping and delivery, by admins: each a status transition checked by the status machine under a row lock. */
export function createFulfilment(models: OrderModels, views: Views) {
  const { sequelize, Order, OrderItem, Shipment } = models;

  async function lockedOrder(id: string, t: Transaction) {
    const order = await Order.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
    if (!order) throw notFound("No such order.");
    return order;
  }

  return {
    async ship(orderId: string, input: ShipmentInput): Promise<{ shipment: ShipmentDto; order: OrderDto }> {
      const shipmentId = await sequelize.transaction(async (t) => {
        const order = await lockedOrder(orderId, t);
        const items = await OrderItem.findAll({ where: { order_id: orderId }, transaction: t });
        const unshipped = items.filter((i) => !i.shipment_id);
        const wanted = input.item_ids ?? unshipped.map((i) => i.id);
        const target = wanted.length >= unshipped.length && unshipped.every((i) => wanted.includes(i.id)) ? "shipped" : "partially_shipped";
        assertTransition(order.status, target);
        const foreign = wanted.filter((id) => !items.some((i) => i.id === id));
        if (foreign.length > 0) {
          throw unprocessable("validation_failed", "Some item_ids are not items of this order.", {
            errors: foreign.map((id) => ({ path: "/body/item_ids", message: `${id} is not an item of this order` })),
          });
        }
        const already = wanted.filter((id) => items.some((i) => i.id === id && i.shipment_id));
        if (already.length > 0) throw conflict("conflict", `Some items have already shipped: ${already.join(", ")}.`, { current_status: order.status });
        const id = randomUUID();
        await Shipment.create(
          { id, order_id: orderId, carrier: input.carrier, tracking_number: input.tracking_number, expected_arrival_date: input.expected_arrival_date },
          { transaction: t },
        );
        await OrderItem.update({ shipment_id: id, expected_arrival_date: input.expected_arrival_date }, { where: { order_id: orderId, id: wanted }, transaction: t });
        await Order.update({ status: target }, { where: { id: orderId }, transaction: t });
        return id;
      });
      const order = (await views.order(orderId))!;
      return { shipment: order.shipments.find((s) => s.id === shipmentId)!, order };
    },

    async deliver(orderId: string): Promise<OrderDto> {
      await sequelize.transaction(async (t) => {
        const order = await lockedOrder(orderId, t);
        assertTransition(order.status, "delivered");
        await Order.update({ status: "delivered" }, { where: { id: orderId }, transaction: t });
      });
      return (await views.order(orderId))!;
    },
  };
}

export type Fulfilment = ReturnType<typeof createFulfilment>;
