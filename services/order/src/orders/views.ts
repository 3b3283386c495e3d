import { Op } from "sequelize";
import { decodeCursor, encodeCursor, sqlDate } from "@disqo-commerce/kit";
import type { OrderReads, OrderRow, ReceiptRow, TransactionRow } from "../data-access/order-reads.js";
import type { components } from "../generated/openapi.js";
import type { OrderModels } from "../models/index.js";

export type OrderDto = components["schemas"]["Order"];
export type ReceiptDto = components["schemas"]["Receipt"];
export type TransactionDto = components["schemas"]["Transaction"];
export type ShipmentDto = components["schemas"]["Shipment"];
type Page<T> = { data: T[]; next_cursor: string | null };

const money = (amount: number | string, currency: string) => ({ amount: Number(amount), currency });
const iso = (d: Date | string) => sqlDate(d).toISOString();
/** DATEONLY columns come back as strings on SQLite and as strings or Dates on MariaDB. */
const day = (d: Date | string | null | undefined) => (d == null ? null : typeof d === "string" ? d.slice(0, 10) : d.toISOString().slice(0, 10));

export function toTransactionDto(t: TransactionRow): TransactionDto {
  return {
    id: t.id,
    order_id: t.order_id ?? null,
    quote_id: t.quote_id,
    type: t.type,
    status: t.status,
    amount: money(t.amount, t.currency),
    payment_gateway_id: t.payment_gateway_id,
    gateway_transaction_id: t.gateway_transaction_id ?? null,
    response_code: t.response_code ?? null,
    created_at: iso(t.created_at),
  };
}

type Keyset = { t: number; id: string };

/** Newest first, ties broken by id, resumable from an opaque cursor. */
function keysetWhere(cursor: string | undefined): Record<symbol, unknown> | undefined {
  const after = decodeCursor<Keyset>(cursor, ["t", "id"]);
  if (!after) return undefined;
  const at = new Date(after.t);
  return { [Op.or]: [{ created_at: { [Op.lt]: at } }, { created_at: at, id: { [Op.lt]: after.id } }] };
}

function pageOf<R extends { id: string; created_at: Date | string }, D>(rows: R[], limit: number, map: (rows: R[]) => Promise<D[]>): Promise<Page<D>> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return map(page).then((data) => ({ data, next_cursor: rows.length > limit && last ? encodeCursor({ t: sqlDate(last.created_at).getTime(), id: last.id }) : null }));
}

/**
 * Read side: orders, receipts and transactions as the API shows them (plain objects). One
 * order or receipt and the children of a page are read through `reads` (prepared
 * statements); the pages of a list are still found with the models' keyset queries.
 */
export function createViews(models: OrderModels, reads: OrderReads) {
  const { Order, Receipt, Transaction } = models;

  async function receiptsDto(receipts: ReceiptRow[]): Promise<ReceiptDto[]> {
    if (receipts.length === 0) return [];
    const items = await reads.itemsOfReceipts(receipts.map((r) => r.id));
    return receipts.map((r) => ({
      id: r.id,
      order_id: r.order_id,
      kind: r.kind,
      transaction_id: r.transaction_id,
      subtotal: money(r.subtotal, r.currency),
      discount_total: money(r.discount_total, r.currency),
      shipping_total: money(r.shipping_total, r.currency),
      tax_total: money(r.tax_total, r.currency),
      total: money(r.total, r.currency),
      items: items
        .filter((i) => i.receipt_id === r.id)
        .map((i) => ({
          product_id: i.product_id,
          name: i.name,
          quantity: i.quantity,
          unit_price: money(i.unit_price, r.currency),
          subtotal: money(i.subtotal, r.currency),
          discount: money(i.discount, r.currency),
          tax: money(i.tax, r.currency),
          total: money(i.total, r.currency),
        })),
      created_at: iso(r.created_at),
    }));
  }

  async function ordersDto(orders: OrderRow[]): Promise<OrderDto[]> {
    if (orders.length === 0) return [];
    const ids = orders.map((o) => o.id);
    const [items, shipments, receipts, transactions] = await Promise.all([
      reads.itemsOfOrders(ids),
      reads.shipmentsOfOrders(ids),
      reads.receiptsOfOrders(ids),
      reads.transactionsOfOrders(ids),
    ]);
    const receiptDtos = await receiptsDto(receipts);
    return orders.map((o) => {
      const c = o.currency;
      const mine = items.filter((i) => i.order_id === o.id);
      return {
        id: o.id,
        user_id: o.user_id,
        quote_id: o.quote_id,
        status: o.status,
        currency: c,
        subtotal: money(o.subtotal, c),
        discount_total: money(o.discount_total, c),
        shipping_total: money(o.shipping_total, c),
        tax_total: money(o.tax_total, c),
        total: money(o.total, c),
        promo_code: o.promo_code ?? null,
        shipping_address: o.shipping_address ? (JSON.parse(o.shipping_address) as OrderDto["shipping_address"]) : null,
        items: mine.map((i) => ({
          id: i.id,
          product_id: i.product_id,
          name: i.name,
          quantity: i.quantity,
          unit_price: money(i.unit_price, c),
          subtotal: money(i.subtotal, c),
          discount: money(i.discount, c),
          tax: money(i.tax, c),
          total: money(i.total, c),
          shipment_id: i.shipment_id ?? null,
          expected_arrival_date: day(i.expected_arrival_date),
        })),
        shipments: shipments
          .filter((s) => s.order_id === o.id)
          .map((s) => ({
            id: s.id,
            order_id: s.order_id,
            carrier: s.carrier,
            tracking_number: s.tracking_number,
            expected_arrival_date: day(s.expected_arrival_date)!,
            item_ids: mine.filter((i) => i.shipment_id === s.id).map((i) => i.id),
            created_at: iso(s.created_at),
          })),
        receipts: receiptDtos.filter((r) => r.order_id === o.id),
        transactions: transactions.filter((x) => x.order_id === o.id).map(toTransactionDto),
        created_at: iso(o.created_at),
        updated_at: iso(o.updated_at),
      };
    });
  }

  return {
    ordersDto,
    receiptsDto,

    async order(id: string): Promise<OrderDto | null> {
      const row = await reads.order(id);
      return row ? (await ordersDto([row]))[0] : null;
    },

    async receipt(id: string): Promise<(ReceiptDto & { user_id: number }) | null> {
      const row = await reads.receipt(id);
      return row ? { ...(await receiptsDto([row]))[0], user_id: row.user_id } : null;
    },

    async listOrders(filter: { userId?: number; status?: string; limit: number; cursor?: string }): Promise<Page<OrderDto>> {
      const where: Record<string | symbol, unknown> = { ...keysetWhere(filter.cursor) };
      if (filter.userId !== undefined) where.user_id = filter.userId;
      if (filter.status !== undefined) where.status = filter.status;
      const rows = await Order.findAll({ where, order: [["created_at", "DESC"], ["id", "DESC"]], limit: filter.limit + 1 });
      return pageOf(rows, filter.limit, (page) => ordersDto(page));
    },

    async listReceipts(filter: { userId: number; orderId?: string; limit: number; cursor?: string }): Promise<Page<ReceiptDto>> {
      const where: Record<string | symbol, unknown> = { ...keysetWhere(filter.cursor), user_id: filter.userId };
      if (filter.orderId !== undefined) where.order_id = filter.orderId;
      const rows = await Receipt.findAll({ where, order: [["created_at", "DESC"], ["id", "DESC"]], limit: filter.limit + 1 });
      return pageOf(rows, filter.limit, (page) => receiptsDto(page));
    },

    async listTransactions(filter: { userId: number; quoteId?: string; orderId?: string; limit: number; cursor?: string }): Promise<Page<TransactionDto>> {
      const where: Record<string | symbol, unknown> = { ...keysetWhere(filter.cursor), user_id: filter.userId };
      if (filter.quoteId !== undefined) where.quote_id = filter.quoteId;
      if (filter.orderId !== undefined) where.order_id = filter.orderId;
      const rows = await Transaction.findAll({ where, order: [["created_at", "DESC"], ["id", "DESC"]], limit: filter.limit + 1 });
      return pageOf(rows, filter.limit, async (page) => page.map(toTransactionDto));
    },
  };
}

export type Views = ReturnType<typeof createViews>;
