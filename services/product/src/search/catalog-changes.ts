import { QueryTypes, type Sequelize } from "sequelize";

/*
 * The catalog change feed, read by every search index that lives outside the service's own
 * SQLite database (the MariaDB replica's FTS5 mirror, OpenSearch).
 *
 * It is the transactional outbox of the catalog: every write that changes a searchable column
 * increments `product_changes.seq` inside its own transaction and stamps the product row with
 * the new value (`products.change_seq`). The counter row's lock orders writers, so sequence
 * order is commit order, and a reader that has applied every row up to (seq, id) has missed
 * nothing below it. A row carries the product's whole searchable state, not a delta, so
 * applying it twice or after a newer one can be made harmless by comparing sequences.
 * Products are never deleted (only deactivated), so upserts are the only change.
 */

export type ChangedProduct = {
  id: number;
  name: string;
  description: string;
  sku: string;
  category: string;
  price_amount: number;
  is_active: number | boolean;
  change_seq: number | string;
};

/** A reader's position in the feed: the last (change_seq, id) it applied. Bulk loads stamp many rows with one seq. */
export type FeedPosition = { seq: number; id: number };

export const FEED_START: FeedPosition = { seq: 0, id: 0 };

/** The next `limit` changes after `after`, in feed order. */
export function readChanges(sequelize: Sequelize, after: FeedPosition, limit: number): Promise<ChangedProduct[]> {
  return sequelize.query<ChangedProduct>(
    `SELECT id, name, description, sku, category, price_amount, is_active, change_seq FROM products
       WHERE change_seq >= ? AND (change_seq > ? OR id > ?) ORDER BY change_seq, id LIMIT ${limit}`,
    { replacements: [after.seq, after.seq, after.id], type: QueryTypes.SELECT },
  );
}

/** The feed position just after the last of `rows` (which must be in feed order and non-empty). */
export function positionAfter(rows: ChangedProduct[]): FeedPosition {
  const last = rows[rows.length - 1];
  return { seq: Number(last.change_seq), id: Number(last.id) };
}

/** The head of the feed and the identity of the database it belongs to. */
export async function feedHead(sequelize: Sequelize): Promise<{ seq: number; epoch: string }> {
  const [head] = await sequelize.query<{ seq: number | string; epoch: string }>("SELECT seq, epoch FROM product_changes WHERE id = 1", { type: QueryTypes.SELECT });
  if (!head) throw new Error("product_changes is empty; run the migrations first");
  return { seq: Number(head.seq), epoch: head.epoch };
}
