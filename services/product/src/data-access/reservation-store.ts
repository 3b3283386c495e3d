import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { isMysql } from "@disqo-commerce/kit";
import type { ProductModels, ReservationItemModel, ReservationModel } from "../models/index.js";

export type Item = { product_id: number; quantity: number };
export type StockRow = { id: number; stock: number; committed: number; is_active: number | boolean };

/**
 * The SQL of stock reservations: row locks, hold sums and the writes, with the dialect
 * differences (MariaDB's `FOR UPDATE`; SQLite's transactions lock the whole database) kept
 * here, out of the reservation rules in inventory.ts. Every method runs in the caller's
 * transaction.
 */
export function createReservationStore(sequelize: Sequelize, models: ProductModels) {
  const { Reservation, ReservationItem } = models;
  const forUpdate = isMysql(sequelize) ? " FOR UPDATE" : "";

  return {
    /** The reservation, locked, and its items by product id; null when there is none. */
    async lockReservation(id: string, t: Transaction): Promise<{ reservation: ReservationModel; items: Item[] } | null> {
      const reservation = await Reservation.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
      if (!reservation) return null;
      const rows: ReservationItemModel[] = await ReservationItem.findAll({ where: { reservation_id: id }, order: [["product_id", "ASC"]], transaction: t });
      return { reservation, items: rows.map((r) => ({ product_id: Number(r.product_id), quantity: Number(r.quantity) })) };
    },

    /** The products' stock rows, locked in id order (a fixed order: two writers cannot deadlock). */
    lockProducts(ids: number[], t: Transaction): Promise<StockRow[]> {
      return sequelize.query<StockRow>(`SELECT id, stock, committed, is_active FROM products WHERE id IN (?) ORDER BY id${forUpdate}`, {
        replacements: [ids],
        type: QueryTypes.SELECT,
        transaction: t,
      });
    },

    /** Units of each product held by holds unexpired at `now`, except `excludeReservation`'s own. */
    async heldUnits(ids: number[], now: number, t: Transaction, excludeReservation?: string): Promise<Map<number, number>> {
      const holds = await sequelize.query<{ product_id: number; held: number | string }>(
        `SELECT product_id, SUM(quantity) AS held FROM reservation_items
           WHERE product_id IN (?) AND held_until > ?${excludeReservation ? " AND reservation_id <> ?" : ""} GROUP BY product_id`,
        { replacements: [ids, now, ...(excludeReservation ? [excludeReservation] : [])], type: QueryTypes.SELECT, transaction: t },
      );
      return new Map(holds.map((h) => [Number(h.product_id), Number(h.held)]));
    },

    createReservation(id: string, expiresAt: Date, t: Transaction): Promise<ReservationModel> {
      return Reservation.create({ id, status: "held", expires_at: expiresAt }, { transaction: t });
    },

    /** The reservation's items become `items`, each held until `heldUntil`. */
    async replaceItems(id: string, items: Item[], heldUntil: number, t: Transaction): Promise<void> {
      await ReservationItem.destroy({ where: { reservation_id: id }, transaction: t });
      await ReservationItem.bulkCreate(
        items.map((i) => ({ reservation_id: id, product_id: i.product_id, quantity: i.quantity, held_until: heldUntil })),
        { transaction: t },
      );
    },

    /** The reservation's items stop holding stock (committed or released). */
    async endHold(id: string, t: Transaction): Promise<void> {
      await ReservationItem.update({ held_until: null }, { where: { reservation_id: id }, transaction: t });
    },

    /** Sold units: `sign` 1 sells the items, -1 gives them back. */
    async addCommitted(items: Item[], sign: 1 | -1, t: Transaction): Promise<void> {
      for (const i of items) {
        await sequelize.query("UPDATE products SET committed = committed + ? WHERE id = ?", { replacements: [sign * i.quantity, i.product_id], transaction: t });
      }
    },
  };
}

export type ReservationStore = ReturnType<typeof createReservationStore>;
