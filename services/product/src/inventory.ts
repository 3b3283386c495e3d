import type { Sequelize, Transaction } from "sequelize";
import { conflict, isUniqueViolation, notFound, sqlDate, unprocessable, type Logger } from "@disqo-commerce/kit";
import { createReservationStore, type Item, type ReservationRow } from "./data-access/reservation-store.js";
import type { components } from "./generated/openapi.js";
import type { ProductModels } from "./models/index.js";

export type ReservationDto = components["schemas"]["Reservation"];
export type ReservationInput = components["schemas"]["ReservationInput"];

/** A hold longer than this is a bug in the caller, not a checkout. */
const MAX_HOLD_MS = 30 * 24 * 60 * 60_000;

/** Items of one product are added together; sorted by product id (the order product rows are locked in). */
export function normalizeItems(items: Item[]): Item[] {
  const merged = new Map<number, number>();
  for (const { product_id, quantity } of items) merged.set(product_id, (merged.get(product_id) ?? 0) + quantity);
  return [...merged.entries()].sort((a, b) => a[0] - b[0]).map(([product_id, quantity]) => ({ product_id, quantity }));
}

function sameItems(a: Item[], b: Item[]): boolean {
  return a.length === b.length && a.every((x, i) => x.product_id === b[i].product_id && x.quantity === b[i].quantity);
}

function toDto(r: ReservationRow, items: Item[], now: number): ReservationDto {
  const expiresAt = sqlDate(r.expires_at);
  return {
    id: r.id,
    status: r.status,
    items: items.map((i) => ({ product_id: Number(i.product_id), quantity: Number(i.quantity) })),
    expires_at: expiresAt.toISOString(),
    is_expired: r.status === "held" && expiresAt.getTime() <= now,
    created_at: sqlDate(r.created_at).toISOString(),
    updated_at: sqlDate(r.updated_at).toISOString(),
  };
}

/**
 * Stock reservations. available = stock - committed - units of unexpired holds; expired holds
 * stop counting by that very formula, so no job has to free them.
 *
 * Never oversold: every check-then-write runs in one transaction that first locks the
 * reservation row and then the products' rows in id order (a fixed order, so two
 * reservations cannot deadlock on each other). On SQLite the kit's transactions are
 * IMMEDIATE, so writers run one at a time; on MariaDB `SELECT ... FOR UPDATE` serialises the
 * writers of the same products and READ COMMITTED lets the hold sum that follows see every
 * hold committed before the lock was granted (the kit's transactions, services/kit/src/db.ts).
 */
export function createInventory(deps: { sequelize: Sequelize; models: ProductModels; logger: Logger }) {
  const { sequelize, models } = deps;
  const store = createReservationStore(sequelize);
  const { lockReservation, lockProducts, addCommitted } = store;

  const inTransaction = <T>(work: (t: Transaction) => Promise<T>) => sequelize.transaction(work);

  /**
   * Locks the products and throws a 409 naming every product that cannot give the units asked
   * for: unknown ones, inactive ones (unless `allowInactive`), then those whose stock minus sold
   * units minus other unexpired holds is short.
   */
  async function assertStock(items: Item[], t: Transaction, now: number, excludeReservation?: string, allowInactive = false): Promise<void> {
    const ids = items.map((i) => i.product_id);
    const products = new Map((await lockProducts(ids, t)).map((p) => [Number(p.id), p]));
    const held = await store.heldUnits(ids, now, t, excludeReservation);
    const unavailable = items.filter((i) => {
      const p = products.get(i.product_id);
      return !p || (!allowInactive && !p.is_active);
    });
    if (unavailable.length > 0) {
      throw conflict("product_unavailable", `${unavailable.length} product(s) are unknown or no longer sold.`, {
        products: unavailable.map((i) => ({ product_id: i.product_id, requested: i.quantity, available: 0 })),
      });
    }
    const shortages = items.flatMap((i) => {
      const p = products.get(i.product_id)!;
      const available = Math.max(0, Number(p.stock) - Number(p.committed) - (held.get(i.product_id) ?? 0));
      return available < i.quantity ? [{ product_id: i.product_id, requested: i.quantity, available }] : [];
    });
    if (shortages.length > 0) throw conflict("insufficient_stock", `Not enough stock for ${shortages.length} product(s).`, { products: shortages });
  }

  function illegal(status: string, detail: string) {
    return conflict("illegal_transition", detail, { current_status: status });
  }

  async function put(id: string, input: ReservationInput, retried = false): Promise<{ created: boolean; reservation: ReservationDto }> {
    const items = normalizeItems(input.items);
    const expiresAt = new Date(input.expires_at);
    const now = Date.now();
    if (!(expiresAt.getTime() > now) || expiresAt.getTime() - now > MAX_HOLD_MS) {
      throw unprocessable("validation_failed", "`expires_at` must be in the future and at most 30 days ahead.", {
        errors: [{ path: "/body/expires_at", message: "must be in the future and at most 30 days ahead" }],
      });
    }
    try {
      return await inTransaction(async (t) => {
        const existing = await lockReservation(id, t);
        if (!existing) {
          await assertStock(items, t, now);
          const reservation = await store.createReservation(id, expiresAt, t);
          await store.replaceItems(id, items, expiresAt.getTime(), t);
          return { created: true, reservation: toDto(reservation, items, now) };
        }
        const { reservation } = existing;
        if (reservation.status === "released") throw illegal("released", "This reservation was released; use a new reservation id.");
        if (reservation.status === "committed") {
          if (!sameItems(existing.items, items)) throw illegal("committed", "This reservation is already committed with other items.");
          return { created: false, reservation: toDto(reservation, existing.items, now) };
        }
        // an extension re-checks too: the product may have been deactivated (the checkout must
        // fail here, before the card is charged), and the stock must still cover the hold
        await assertStock(items, t, now, id);
        await store.replaceItems(id, items, expiresAt.getTime(), t);
        const extended = await store.updateReservation(reservation, { expires_at: expiresAt }, t);
        return { created: false, reservation: toDto(extended, items, now) };
      });
    } catch (error) {
      // two first PUTs of one id raced and the other inserted first: replay against its row
      if (!retried && isUniqueViolation(error)) return put(id, input, true);
      throw error;
    }
  }

  async function commit(id: string): Promise<ReservationDto> {
    const now = Date.now();
    return inTransaction(async (t) => {
      const existing = await lockReservation(id, t);
      if (!existing) throw notFound("No such reservation.");
      const { reservation, items } = existing;
      if (reservation.status === "committed") return toDto(reservation, items, now);
      if (reservation.status === "released") throw illegal("released", "This reservation was released and cannot be committed.");
      // the stock must still cover the hold (the stock rule keeps it so; checked, not assumed).
      // A live hold was last placed or extended while its products were on sale, and the order
      // service extends it before charging: that sale stands even if a product was deactivated
      // since. A lapsed hold is a new sale: its products must still be on sale.
      const live = sqlDate(reservation.expires_at).getTime() > now;
      await assertStock(items, t, now, id, live);
      await addCommitted(items, 1, t);
      await store.endHold(id, t);
      const committed = await store.updateReservation(reservation, { status: "committed", committed_at: new Date(now) }, t);
      return toDto(committed, items, now);
    });
  }

  /**
   * Frees a hold. A committed reservation's units were sold: they go back to stock only when
   * `returnSold` (the order service cancelling its order); anyone else's release of it (the
   * cart superseding a quote whose acceptance is late) leaves the sale alone.
   */
  async function release(id: string, options: { returnSold: boolean }): Promise<void> {
    const now = Date.now();
    await inTransaction(async (t) => {
      const existing = await lockReservation(id, t);
      if (!existing) throw notFound("No such reservation.");
      const { reservation, items } = existing;
      if (reservation.status === "released") return;
      if (reservation.status === "committed") {
        if (!options.returnSold) return;
        await lockProducts(items.map((i) => i.product_id), t);
        await addCommitted(items, -1, t);
      }
      await store.endHold(id, t);
      await store.updateReservation(reservation, { status: "released", released_at: new Date(now) }, t);
    });
  }

  return { put, commit, release };
}

export type Inventory = ReturnType<typeof createInventory>;
