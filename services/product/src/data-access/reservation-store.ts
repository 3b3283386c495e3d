import type { Sequelize, Transaction } from "sequelize";
import { assignments, forUpdate, insertRows, placeholders, selectInTransaction, writeStatement } from "@disqo-commerce/kit";

export type Item = { product_id: number; quantity: number };
export type StockRow = { id: number; stock: number; committed: number; is_active: number | boolean };
export type ReservationStatus = "held" | "committed" | "released";
/** A reservation as read: dates as the driver gives them (text on SQLite). */
export interface ReservationRow {
  id: string;
  status: ReservationStatus;
  expires_at: Date | string;
  created_at: Date | string;
  updated_at: Date | string;
}

/**
 * The SQL of stock reservations: row locks, hold sums and the writes, with the dialect
 * differences (MariaDB's `FOR UPDATE`; SQLite's transactions lock the whole database) kept
 * here, out of the reservation rules in inventory.ts. Every method runs in the caller's
 * transaction, straight on its connection (the kit's selectInTransaction / writeStatement):
 * a checkout places, extends and commits a hold, and through the model layer those ~20
 * statements cost more CPU than the statements themselves.
 */
export function createReservationStore(sequelize: Sequelize) {
  const lock = forUpdate(sequelize);
  const select = <T>(t: Transaction, sql: string, params: unknown[]) => selectInTransaction<T>(sequelize, t, sql, params);
  const write = (t: Transaction, sql: string, params: unknown[]) => writeStatement(sequelize, sql, params, t);

  return {
    /** The reservation, locked, and its items by product id; null when there is none. */
    async lockReservation(id: string, t: Transaction): Promise<{ reservation: ReservationRow; items: Item[] } | null> {
      const [row] = await select<ReservationRow>(t, `SELECT status, expires_at, created_at, updated_at FROM reservations WHERE id = ?${lock}`, [id]);
      if (!row) return null;
      const items = await select<Item>(t, "SELECT product_id, quantity FROM reservation_items WHERE reservation_id = ? ORDER BY product_id ASC", [id]);
      // the id as asked for: MariaDB answers the binary column as bytes
      return { reservation: { ...row, id }, items: items.map((r) => ({ product_id: Number(r.product_id), quantity: Number(r.quantity) })) };
    },

    /** The products' stock rows, locked in id order (a fixed order: two writers cannot deadlock). */
    lockProducts(ids: number[], t: Transaction): Promise<StockRow[]> {
      return select<StockRow>(t, `SELECT id, stock, committed, is_active FROM products WHERE id IN (${placeholders(ids.length)}) ORDER BY id${lock}`, ids);
    },

    /** Units of each product held by holds unexpired at `now`, except `excludeReservation`'s own. */
    async heldUnits(ids: number[], now: number, t: Transaction, excludeReservation?: string): Promise<Map<number, number>> {
      const holds = await select<{ product_id: number; held: number | string }>(
        t,
        `SELECT product_id, SUM(quantity) AS held FROM reservation_items
           WHERE product_id IN (${placeholders(ids.length)}) AND held_until > ?${excludeReservation ? " AND reservation_id <> ?" : ""} GROUP BY product_id`,
        [...ids, now, ...(excludeReservation ? [excludeReservation] : [])],
      );
      return new Map(holds.map((h) => [Number(h.product_id), Number(h.held)]));
    },

    async createReservation(id: string, expiresAt: Date, t: Transaction): Promise<ReservationRow> {
      const now = new Date();
      await write(t, "INSERT INTO reservations (id, status, expires_at, created_at, updated_at) VALUES (?, 'held', ?, ?, ?)", [id, expiresAt, now, now]);
      return { id, status: "held", expires_at: expiresAt, created_at: now, updated_at: now };
    },

    /** Changes the reservation's status or expiry; answers the row as it is now. */
    async updateReservation(
      reservation: ReservationRow,
      change: { status?: ReservationStatus; expires_at?: Date; committed_at?: Date; released_at?: Date },
      t: Transaction,
    ): Promise<ReservationRow> {
      const updatedAt = new Date();
      const [set, values] = assignments({ ...change, updated_at: updatedAt });
      await write(t, `UPDATE reservations SET ${set} WHERE id = ?`, [...values, reservation.id]);
      return { ...reservation, ...(change.status ? { status: change.status } : {}), ...(change.expires_at ? { expires_at: change.expires_at } : {}), updated_at: updatedAt };
    },

    /** The reservation's items become `items`, each held until `heldUntil`. */
    async replaceItems(id: string, items: Item[], heldUntil: number, t: Transaction): Promise<void> {
      await write(t, "DELETE FROM reservation_items WHERE reservation_id = ?", [id]);
      await insertRows(sequelize, "reservation_items", items.map((i) => ({ reservation_id: id, product_id: i.product_id, quantity: i.quantity, held_until: heldUntil })), t);
    },

    /** The reservation's items stop holding stock (committed or released). */
    async endHold(id: string, t: Transaction): Promise<void> {
      await write(t, "UPDATE reservation_items SET held_until = NULL WHERE reservation_id = ?", [id]);
    },

    /** Sold units: `sign` 1 sells the items, -1 gives them back. */
    async addCommitted(items: Item[], sign: 1 | -1, t: Transaction): Promise<void> {
      for (const i of items) await write(t, "UPDATE products SET committed = committed + ? WHERE id = ?", [sign * i.quantity, i.product_id]);
    },
  };
}

export type ReservationStore = ReturnType<typeof createReservationStore>;
