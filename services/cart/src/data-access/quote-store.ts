import type { Sequelize, Transaction } from "sequelize";
import { forUpdate, insertRows, placeholders, selectInTransaction, sqlDate, writeStatement } from "@disqo-commerce/kit";

/*
 * A quote's writes, in the caller's transaction, as statements on the driver (the kit's
 * insertRows / selectInTransaction / writeStatement): recording a new quote and superseding
 * the cart's others, and accepting one for an order. Through the model layer these were about
 * an eighth of the cart's CPU per checkout (docs/PERFORMANCE-CORE.md, third pass). MariaDB
 * locks the rows it reads with `FOR UPDATE`; SQLite runs write transactions one at a time.
 */

/** A new quote's row; its timestamps are set here. */
export interface NewQuote {
  id: string;
  cart_id: number;
  user_id: number;
  status: "open";
  currency: string;
  subtotal: number;
  discount_total: number;
  shipping_total: number;
  tax_total: number;
  total: number;
  tax_rate: number;
  promo_code: string | null;
  shipping_address: string | null;
  price_changes: string;
  expires_at: Date;
}

export interface NewQuoteItem {
  quote_id: string;
  cart_item_id: number;
  product_id: number;
  name: string;
  quantity: number;
  unit_price: number;
  subtotal: number;
  discount: number;
  tax: number;
  total: number;
}

/** What accepting a quote needs to know of it, read under its lock. */
export interface QuoteToAccept {
  id: string;
  cart_id: number;
  user_id: number;
  status: string;
  promo_code: string | null;
  order_id: string | null;
  expires_at: Date;
}

export function createQuoteStore(sequelize: Sequelize) {
  const lock = forUpdate(sequelize);
  return {
    async insert(quote: NewQuote, items: NewQuoteItem[], t: Transaction): Promise<void> {
      const now = new Date();
      await insertRows(sequelize, "quotes", [{ ...quote, order_id: null, accepted_at: null, created_at: now, updated_at: now }], t);
      await insertRows(sequelize, "quote_items", items, t);
    },

    /** Marks the cart's open quotes other than `keep` superseded (locked until `t` ends); their ids. */
    async supersedeOthers(cartId: number, keep: string, t: Transaction): Promise<string[]> {
      const rows = await selectInTransaction<{ id: string }>(sequelize, t, `SELECT id FROM quotes WHERE cart_id = ? AND status = 'open' AND id <> ?${lock}`, [cartId, keep]);
      const ids = rows.map((r) => r.id);
      if (ids.length) await writeStatement(sequelize, `UPDATE quotes SET status = 'superseded', updated_at = ? WHERE id IN (${placeholders(ids.length)})`, [new Date(), ...ids], t);
      return ids;
    },

    /** The quote, locked until `t` ends; undefined when there is none. */
    async lockForAcceptance(id: string, t: Transaction): Promise<QuoteToAccept | undefined> {
      const [row] = await selectInTransaction<Omit<QuoteToAccept, "expires_at"> & { expires_at: Date | string }>(
        sequelize,
        t,
        `SELECT id, cart_id, user_id, status, promo_code, order_id, expires_at FROM quotes WHERE id = ?${lock}`,
        [id],
      );
      return row && { ...row, cart_id: Number(row.cart_id), user_id: Number(row.user_id), expires_at: sqlDate(row.expires_at) };
    },

    /** The quote accepted for `orderId`, and its cart retired: the shopper's next request starts a new, empty one. */
    async accept(quote: QuoteToAccept, orderId: string, at: Date, t: Transaction): Promise<void> {
      await writeStatement(sequelize, "UPDATE quotes SET status = 'accepted', order_id = ?, accepted_at = ?, updated_at = ? WHERE id = ?", [orderId, at, at, quote.id], t);
      await writeStatement(sequelize, "UPDATE carts SET is_active = ?, active_user_id = NULL, updated_at = ? WHERE id = ?", [false, at, quote.cart_id], t);
    },
  };
}

export type QuoteStore = ReturnType<typeof createQuoteStore>;
