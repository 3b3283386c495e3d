import type { Sequelize, Transaction } from "sequelize";
import { createSqlReader, selectInTransaction } from "@disqo-commerce/kit";
import type { QuoteItemModel, QuoteModel } from "../models/index.js";

/*
 * The cart service's hot reads: the active cart, the cart view and the quote view, read after
 * every change and by the order service. Prepared statements (see the kit's SqlReader), or
 * inside a transaction `t` as that transaction sees the rows.
 */

const QUOTE_COLUMNS =
  "id, cart_id, user_id, status, currency, subtotal, discount_total, shipping_total, tax_total, total, promo_code, shipping_address, price_changes, expires_at, order_id, accepted_at, created_at";
const QUOTE_ITEM_COLUMNS = "cart_item_id, product_id, name, quantity, unit_price, subtotal, discount, tax, total";

/** A quote as read (see the kit's SqlReader): numbers may be text (BIGINT), dates text (SQLite). */
export type QuoteRow = Pick<QuoteModel, "id" | "status" | "currency" | "promo_code" | "shipping_address" | "price_changes" | "order_id"> & {
  cart_id: number | string;
  user_id: number | string;
  subtotal: number | string;
  discount_total: number | string;
  shipping_total: number | string;
  tax_total: number | string;
  total: number | string;
  expires_at: Date | string;
  accepted_at: Date | string | null;
  created_at: Date | string;
};
export type QuoteItemRow = Pick<QuoteItemModel, "name"> & Record<"cart_item_id" | "product_id" | "quantity" | "unit_price" | "subtotal" | "discount" | "tax" | "total", number | string>;

export type CartRow = { id: number; created_at: Date | string; updated_at: Date | string };
export type CartItemRow = { id: number; product_id: number; name: string; quantity: number; unit_price: number | string; currency: string; created_at: Date | string };

export function createCartReads(sequelize: Sequelize) {
  const reader = createSqlReader(sequelize);
  const read = <R>(sql: string, params: unknown[], t?: Transaction): Promise<R[]> =>
    t ? selectInTransaction<R>(sequelize, t, sql, params) : reader.all<R>(sql, params);
  return {
    async activeCartId(userId: number): Promise<number | undefined> {
      const [row] = await reader.all<{ id: number }>("SELECT id FROM carts WHERE active_user_id = ?", [userId]);
      return row ? Number(row.id) : undefined;
    },
    async cart(cartId: number, t?: Transaction): Promise<CartRow | undefined> {
      return (await read<CartRow>("SELECT id, created_at, updated_at FROM carts WHERE id = ?", [cartId], t))[0];
    },
    cartItems(cartId: number, t?: Transaction): Promise<CartItemRow[]> {
      return read<CartItemRow>("SELECT id, product_id, name, quantity, unit_price, currency, created_at FROM cart_items WHERE cart_id = ? ORDER BY id ASC", [cartId], t);
    },
    /** The ids of the cart's open quotes. */
    async openQuoteIds(cartId: number): Promise<string[]> {
      return (await reader.all<{ id: string }>("SELECT id FROM quotes WHERE cart_id = ? AND status = 'open'", [cartId])).map((r) => r.id);
    },
    async quote(id: string): Promise<QuoteRow | undefined> {
      return (await reader.all<QuoteRow>(`SELECT ${QUOTE_COLUMNS} FROM quotes WHERE id = ?`, [id]))[0];
    },
    quoteItems(quoteId: string): Promise<QuoteItemRow[]> {
      return reader.all<QuoteItemRow>(`SELECT ${QUOTE_ITEM_COLUMNS} FROM quote_items WHERE quote_id = ? ORDER BY id ASC`, [quoteId]);
    },
  };
}

export type CartReads = ReturnType<typeof createCartReads>;
