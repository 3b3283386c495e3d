/**
 * The money and stock invariants of checkout, read straight from the services' databases
 * after a run (the checkout benchmark and the cluster fault test both check them):
 *
 *   orders = successful charges = accepted quotes   (and sum of order totals = sum charged)
 *   every charge on the processor's books has its order, every order its charge
 *   orders = checkouts answered 201, units sold per product = units in those checkouts
 *   initial stock = available + units sold (+ units still held by open quotes, expected 0)
 *   units sold (order items) = units committed at the product service
 */
import { QueryTypes, type Sequelize } from "sequelize";

export type CheckoutService = "order" | "cart" | "product";

/** Opens a service's database (SQLite file or MariaDB URL); the caller's choice. */
export type OpenDatabase = (service: CheckoutService) => Sequelize;

/** What the shoppers were told: every 201 checkout and the units each product sold in them. */
export interface Expected {
  checkouts: number;
  units: Map<number, number>;
}

export const emptyExpected = (): Expected => ({ checkouts: 0, units: new Map() });

export function addCheckout(expected: Expected, productId: number, quantity: number): void {
  expected.checkouts++;
  expected.units.set(productId, (expected.units.get(productId) ?? 0) + quantity);
}

export function mergeExpected(into: Expected, from: Expected): void {
  into.checkouts += from.checkouts;
  for (const [id, units] of from.units) into.units.set(id, (into.units.get(id) ?? 0) + units);
}

export interface ProductTally {
  id: number;
  initial: number;
  stock: number;
  available: number;
  sold: number;
  committed: number;
  held: number;
  /** Of `held`: units held for a quote the cart never recorded (a replica died between the hold and the quote); they lapse at the hold's expiry. */
  orphaned: number;
}

export interface InvariantReport {
  ok: boolean;
  orders: number;
  charges: number;
  processorCharges: number;
  acceptedQuotes: number;
  orderTotal: number;
  chargedTotal: number;
  outboxPending: number;
  outboxFailed: number;
  unsettledAttempts: number;
  products: ProductTally[];
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const countOf = async (db: Sequelize, sql: string, replacements: Record<string, unknown> = {}) =>
  Number(Object.values((await db.query<Record<string, unknown>>(sql, { type: QueryTypes.SELECT, replacements }))[0] ?? { n: 0 })[0] ?? 0);

export interface InvariantInput {
  open: OpenDatabase;
  /** The API gateway's URL: `available` is read as a shopper sees it. */
  gateway: string;
  productIds: number[];
  initialStock: number;
  expected: Expected;
  /** How long to wait for the outbox (commit stock, accept quote) and recovery to finish. */
  settleMs?: number;
  /**
   * Holds for quotes the cart never recorded are expected after a kill (the cart holds the
   * stock, then records the quote; a crash in between leaves the hold to lapse at its expiry).
   * When true they are reported, not counted as a problem.
   */
  orphanedHoldsLapse?: boolean;
}

export async function checkInvariants(input: InvariantInput): Promise<InvariantReport> {
  const { productIds, initialStock, expected } = input;
  const orderDb = input.open("order");
  const cartDb = input.open("cart");
  const productDb = input.open("product");
  try {
    // the follow-ups run from the outbox and half-done checkouts from recovery: let them finish first
    const deadline = Date.now() + (input.settleMs ?? 60_000);
    let outboxPending = 0;
    let unsettledAttempts = 0;
    do {
      outboxPending = await countOf(orderDb, "SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'");
      unsettledAttempts = await countOf(orderDb, "SELECT COUNT(*) AS n FROM checkout_attempts WHERE state IN ('started', 'charging')");
      if (outboxPending === 0 && unsettledAttempts === 0) break;
      await sleep(500);
    } while (Date.now() < deadline);
    const outboxFailed = await countOf(orderDb, "SELECT COUNT(*) AS n FROM outbox WHERE state = 'failed'");
    const orders = await countOf(orderDb, "SELECT COUNT(*) AS n FROM orders");
    const charges = await countOf(orderDb, "SELECT COUNT(*) AS n FROM transactions WHERE type = 'charge' AND status = 'succeeded'");
    const orderTotal = await countOf(orderDb, "SELECT COALESCE(SUM(total), 0) AS n FROM orders");
    const chargedTotal = await countOf(orderDb, "SELECT COALESCE(SUM(amount), 0) AS n FROM transactions WHERE type = 'charge' AND status = 'succeeded'");
    const chargesWithoutOrder = await countOf(
      orderDb,
      "SELECT COUNT(*) AS n FROM transactions t LEFT JOIN orders o ON o.id = t.order_id WHERE t.type = 'charge' AND t.status = 'succeeded' AND o.id IS NULL",
    );
    const ordersWithoutCharge = await countOf(
      orderDb,
      "SELECT COUNT(*) AS n FROM orders o WHERE NOT EXISTS (SELECT 1 FROM transactions t WHERE t.order_id = o.id AND t.type = 'charge' AND t.status = 'succeeded')",
    );
    // the processor's side of the world: a charge it made must have become an order (no refunds in these runs)
    const processorCharges = await countOf(orderDb, "SELECT COUNT(*) AS n FROM test_gateway_ledger WHERE type = 'charge' AND status = 'succeeded'");
    const processorChargesWithoutOrder = await countOf(
      orderDb,
      "SELECT COUNT(*) AS n FROM test_gateway_ledger l LEFT JOIN orders o ON o.id = l.reference WHERE l.type = 'charge' AND l.status = 'succeeded' AND o.id IS NULL",
    );
    const acceptedQuotes = await countOf(cartDb, "SELECT COUNT(*) AS n FROM quotes WHERE status = 'accepted'");
    const now = Date.now();
    const products: ProductTally[] = [];
    for (const id of productIds) {
      const [row] = await productDb.query<{ stock: number; committed: number }>("SELECT stock, committed FROM products WHERE id = :id", { type: QueryTypes.SELECT, replacements: { id } });
      const holds = await productDb.query<{ reservation_id: string; quantity: number }>(
        "SELECT reservation_id, quantity FROM reservation_items WHERE product_id = :id AND held_until > :now",
        { type: QueryTypes.SELECT, replacements: { id, now } },
      );
      const held = holds.reduce((n, h) => n + Number(h.quantity), 0);
      let orphaned = 0;
      for (const h of holds) if ((await countOf(cartDb, "SELECT COUNT(*) AS n FROM quotes WHERE id = :rid", { rid: h.reservation_id })) === 0) orphaned += Number(h.quantity);
      const sold = await countOf(orderDb, "SELECT COALESCE(SUM(quantity), 0) AS n FROM order_items WHERE product_id = :id", { id });
      const api = (await (await fetch(`${input.gateway}/v1/products/${id}`)).json()) as { available: number };
      products.push({ id, initial: initialStock, stock: Number(row!.stock), available: Number(api.available), sold, committed: Number(row!.committed), held, orphaned });
    }
    const problems: string[] = [];
    if (!(orders === charges && charges === acceptedQuotes && charges === processorCharges)) {
      problems.push(`orders ${orders}, successful charges ${charges}, charges on the processor's books ${processorCharges}, accepted quotes ${acceptedQuotes}`);
    }
    if (chargesWithoutOrder) problems.push(`${chargesWithoutOrder} successful charges without an order`);
    if (processorChargesWithoutOrder) problems.push(`${processorChargesWithoutOrder} charges on the processor's books without an order`);
    if (ordersWithoutCharge) problems.push(`${ordersWithoutCharge} orders without a successful charge`);
    // no order the shoppers were not told about, none missing (a 5xx checkout that completed later would show here)
    if (orders !== expected.checkouts) problems.push(`orders ${orders} != checkouts answered 201 ${expected.checkouts}`);
    if (orderTotal !== chargedTotal) problems.push(`order totals ${orderTotal} != charged ${chargedTotal}`);
    if (outboxPending) problems.push(`${outboxPending} outbox entries still pending`);
    if (outboxFailed) problems.push(`${outboxFailed} outbox entries failed for good`);
    if (unsettledAttempts) problems.push(`${unsettledAttempts} checkout attempts not settled`);
    for (const p of products) {
      if (p.stock !== p.initial) problems.push(`product ${p.id}: stock ${p.stock} != initial ${p.initial}`);
      if (p.initial !== p.available + p.sold + p.held) problems.push(`product ${p.id}: initial ${p.initial} != available ${p.available} + sold ${p.sold} + held ${p.held}`);
      if (p.sold !== p.committed) problems.push(`product ${p.id}: sold ${p.sold} (order items) != committed ${p.committed}`);
      if (p.sold !== (expected.units.get(p.id) ?? 0)) problems.push(`product ${p.id}: sold ${p.sold} != units in checkouts answered 201 ${expected.units.get(p.id) ?? 0}`);
      const counted = input.orphanedHoldsLapse ? p.held - p.orphaned : p.held;
      if (counted) problems.push(`product ${p.id}: ${counted} units still held${input.orphanedHoldsLapse ? " by quotes the cart recorded" : ""}`);
    }
    return { ok: problems.length === 0, orders, charges, processorCharges, acceptedQuotes, orderTotal, chargedTotal, outboxPending, outboxFailed, unsettledAttempts, products, problems };
  } finally {
    await Promise.all([orderDb.close(), cartDb.close(), productDb.close()]);
  }
}
