import type { Sequelize, Transaction } from "sequelize";
import { forUpdate, insertRows, selectInTransaction, writeStatement } from "@disqo-commerce/kit";

/**
 * The SQL of a cart change, in its transaction, straight on the driver (the kit's
 * selectInTransaction / writeStatement): lock the cart and a line, count lines, sum what the
 * cart's own open quotes hold, add or change a line. Every add-to-cart runs these; through the
 * model layer they cost more CPU than the statements. MariaDB locks with `FOR UPDATE`;
 * SQLite's transactions hold the whole database.
 */
export function createCartLines(sequelize: Sequelize) {
  const lock = forUpdate(sequelize);
  const select = <T>(t: Transaction, sql: string, params: unknown[]) => selectInTransaction<T>(sequelize, t, sql, params);
  const write = (t: Transaction, sql: string, params: unknown[]) => writeStatement(sequelize, sql, params, t);

  return {
    /** Locks the cart if it is still the user's active one; false when it is not (its quote was accepted meanwhile). */
    async lockActiveCart(cartId: number, userId: number, t: Transaction): Promise<boolean> {
      return (await select(t, `SELECT id FROM carts WHERE id = ? AND active_user_id = ?${lock}`, [cartId, userId])).length > 0;
    },

    /** The cart changed now (its `updated_at`). */
    async touchCart(cartId: number, t: Transaction): Promise<void> {
      await write(t, "UPDATE carts SET updated_at = ? WHERE id = ?", [new Date(), cartId]);
    },

    /** The cart's line of a product, locked; undefined when there is none. */
    async lockLineOf(cartId: number, productId: number, t: Transaction): Promise<{ id: number; quantity: number } | undefined> {
      const [line] = await select<{ id: number; quantity: number }>(t, `SELECT id, quantity FROM cart_items WHERE cart_id = ? AND product_id = ?${lock}`, [cartId, productId]);
      return line && { id: Number(line.id), quantity: Number(line.quantity) };
    },

    async countLines(cartId: number, t: Transaction): Promise<number> {
      const [row] = await select<{ n: number | string }>(t, "SELECT COUNT(*) AS n FROM cart_items WHERE cart_id = ?", [cartId]);
      return Number(row?.n ?? 0);
    },

    /** Units of a product the cart's own open, unexpired quotes hold. */
    async heldByOwnQuotes(cartId: number, productId: number, now: Date, t: Transaction): Promise<number> {
      const [row] = await select<{ held: number | string | null }>(
        t,
        "SELECT SUM(qi.quantity) AS held FROM quote_items qi JOIN quotes q ON q.id = qi.quote_id WHERE q.cart_id = ? AND q.status = 'open' AND q.expires_at > ? AND qi.product_id = ?",
        [cartId, now, productId],
      );
      return Number(row?.held ?? 0);
    },

    async addLine(line: { cart_id: number; product_id: number; name: string; quantity: number; unit_price: number; currency: string }, t: Transaction): Promise<void> {
      const now = new Date();
      await insertRows(sequelize, "cart_items", [{ ...line, created_at: now, updated_at: now }], t);
    },

    async setLineQuantity(lineId: number, quantity: number, t: Transaction): Promise<void> {
      await write(t, "UPDATE cart_items SET quantity = ?, updated_at = ? WHERE id = ?", [quantity, new Date(), lineId]);
    },
  };
}

export type CartLines = ReturnType<typeof createCartLines>;
