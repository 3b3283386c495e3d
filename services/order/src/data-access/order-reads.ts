import type { Sequelize } from "sequelize";
import { createSqlReader, placeholders } from "@disqo-commerce/kit";
import type { OrderStatus, TransactionStatus, TransactionType } from "../models/index.js";

/*
 * The order service's reads of orders, receipts and transactions as the driver gives the rows
 * (see the kit's SqlReader): prepared statements, no model instances. A checkout answers with
 * its order, so these six reads ran through Sequelize's model layer on every checkout
 * (issue 11's profile of the order service: the statements' CPU was most of its own).
 * DECIMAL columns may come back as strings and dates as stored text on SQLite: the views
 * convert.
 */

type Stamp = Date | string;
type Amount = number | string;

/** The totals an order and each of its receipts carry. */
interface Totals {
  currency: string;
  subtotal: Amount;
  discount_total: Amount;
  shipping_total: Amount;
  tax_total: Amount;
  total: Amount;
}

/** A priced line, as an order item and a receipt item hold it. */
interface PricedLine {
  product_id: number;
  name: string;
  quantity: number;
  unit_price: Amount;
  subtotal: Amount;
  discount: Amount;
  tax: Amount;
  total: Amount;
}

export interface OrderRow extends Totals {
  id: string;
  user_id: number;
  quote_id: string;
  status: OrderStatus;
  promo_code: string | null;
  shipping_address: string | null;
  created_at: Stamp;
  updated_at: Stamp;
}

export interface OrderItemRow extends PricedLine {
  id: string;
  order_id: string;
  shipment_id?: string | null;
  expected_arrival_date?: Stamp | null;
}

export interface ShipmentRow {
  id: string;
  order_id: string;
  carrier: string;
  tracking_number: string;
  expected_arrival_date: Stamp;
  created_at: Stamp;
}

export interface ReceiptRow extends Totals {
  id: string;
  order_id: string;
  user_id: number;
  kind: "sale" | "refund";
  transaction_id: string;
  created_at: Stamp;
}

export interface ReceiptItemRow extends PricedLine {
  receipt_id: string;
}

export interface TransactionRow {
  id: string;
  order_id: string | null;
  quote_id: string;
  type: TransactionType;
  status: TransactionStatus;
  amount: Amount;
  currency: string;
  payment_gateway_id: string;
  gateway_transaction_id: string | null;
  response_code: string | null;
  created_at: Stamp;
}


export function createOrderReads(sequelize: Sequelize) {
  const reader = createSqlReader(sequelize);
  const of = <R>(table: string, column: string, order: string) => (ids: string[]): Promise<R[]> =>
    ids.length === 0 ? Promise.resolve([]) : reader.all<R>(`SELECT * FROM ${table} WHERE ${column} IN (${placeholders(ids.length)}) ORDER BY ${order}`, ids);
  return {
    async order(id: string): Promise<OrderRow | undefined> {
      return (await reader.all<OrderRow>("SELECT * FROM orders WHERE id = ?", [id]))[0];
    },
    async receipt(id: string): Promise<ReceiptRow | undefined> {
      return (await reader.all<ReceiptRow>("SELECT * FROM receipts WHERE id = ?", [id]))[0];
    },
    itemsOfOrders: of<OrderItemRow>("order_items", "order_id", "position ASC"),
    shipmentsOfOrders: of<ShipmentRow>("shipments", "order_id", "created_at ASC, id ASC"),
    receiptsOfOrders: of<ReceiptRow>("receipts", "order_id", "created_at ASC, kind DESC"),
    transactionsOfOrders: of<TransactionRow>("transactions", "order_id", "created_at ASC, type ASC"),
    itemsOfReceipts: of<ReceiptItemRow>("receipt_items", "receipt_id", "position ASC"),
  };
}

export type OrderReads = ReturnType<typeof createOrderReads>;
