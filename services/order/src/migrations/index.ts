import { DataTypes } from "sequelize";
import { idempotencyHolderMigration, idempotencyMigration, type Migration, analyticsOutboxMigration } from "@disqo-commerce/kit";

const money = () => ({ type: DataTypes.INTEGER, allowNull: false });
const timestamps = () => ({
  created_at: { type: DataTypes.DATE(3), allowNull: false },
  updated_at: { type: DataTypes.DATE(3), allowNull: false },
});

/**
 * The saga log of checkouts: one row per attempt to pay for a quote, written before anything
 * leaves the process, so a restart knows what was in flight. `live` is 1 while an attempt is
 * running or has succeeded and NULL once it failed: the unique (quote_id, live) index lets a
 * quote have any number of failed attempts but only one live one (NULLs never collide).
 */
const createCheckoutAttempts: Migration = {
  name: "001-create-checkout-attempts",
  async up({ context: qi }) {
    await qi.createTable("checkout_attempts", {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      quote_id: { type: DataTypes.STRING(64), allowNull: false },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      live: { type: DataTypes.INTEGER, allowNull: true },
      // unused since the kit's store holds the key for the attempt (kit-idempotency-held-by);
      // kept while replicas of the release before may still write it, dropped by a later migration
      idempotency_key: { type: DataTypes.STRING(200), allowNull: true },
      state: { type: DataTypes.STRING(16), allowNull: false },
      step: { type: DataTypes.STRING(40), allowNull: true },
      amount: money(),
      currency: { type: DataTypes.STRING(3), allowNull: false },
      quote_json: { type: DataTypes.TEXT, allowNull: false },
      quote_expires_at: { type: DataTypes.DATE(3), allowNull: false },
      hold_extended: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      payment_gateway_id: { type: DataTypes.STRING(32), allowNull: false },
      gateway_transaction_id: { type: DataTypes.STRING(100), allowNull: true },
      response_code: { type: DataTypes.STRING(64), allowNull: true },
      charged_at: { type: DataTypes.DATE(3), allowNull: true },
      lease_until: { type: DataTypes.DATE(3), allowNull: false },
      last_error: { type: DataTypes.STRING(500), allowNull: true },
      ...timestamps(),
    });
    await qi.addIndex("checkout_attempts", ["quote_id", "live"], { unique: true, name: "checkout_attempts_one_live_per_quote" });
    await qi.addIndex("checkout_attempts", ["state", "lease_until"]);
  },
};

const createTransactions: Migration = {
  name: "002-create-transactions",
  async up({ context: qi }) {
    await qi.createTable("transactions", {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      // the idempotency reference sent to the processor: one per charge attempt / refund, never reused
      reference: { type: DataTypes.STRING(80), allowNull: false, unique: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      order_id: { type: DataTypes.STRING(36), allowNull: true },
      quote_id: { type: DataTypes.STRING(64), allowNull: false },
      payment_gateway_id: { type: DataTypes.STRING(32), allowNull: false },
      gateway_transaction_id: { type: DataTypes.STRING(100), allowNull: true },
      type: { type: DataTypes.STRING(8), allowNull: false },
      status: { type: DataTypes.STRING(12), allowNull: false },
      amount: money(),
      currency: { type: DataTypes.STRING(3), allowNull: false },
      response_code: { type: DataTypes.STRING(64), allowNull: true },
      ...timestamps(),
    });
    await qi.addIndex("transactions", ["user_id", "created_at"]);
    await qi.addIndex("transactions", ["order_id"]);
    await qi.addIndex("transactions", ["quote_id"]);
  },
};

const createOrders: Migration = {
  name: "003-create-orders",
  async up({ context: qi }) {
    await qi.createTable("orders", {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      // one order per quote, whatever races: the database says no to a second one
      quote_id: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      status: { type: DataTypes.STRING(20), allowNull: false },
      currency: { type: DataTypes.STRING(3), allowNull: false },
      subtotal: money(),
      discount_total: money(),
      shipping_total: money(),
      tax_total: money(),
      total: money(),
      promo_code: { type: DataTypes.STRING(32), allowNull: true },
      shipping_address: { type: DataTypes.TEXT, allowNull: true },
      paid_at: { type: DataTypes.DATE(3), allowNull: true },
      ...timestamps(),
    });
    await qi.addIndex("orders", ["user_id", "created_at"]);
    await qi.addIndex("orders", ["status", "created_at"]);
    await qi.addIndex("orders", ["created_at"]);

    await qi.createTable("shipments", {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      order_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: "orders", key: "id" } },
      carrier: { type: DataTypes.STRING(100), allowNull: false },
      tracking_number: { type: DataTypes.STRING(100), allowNull: false },
      expected_arrival_date: { type: DataTypes.DATEONLY, allowNull: false },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
    });
    await qi.addIndex("shipments", ["order_id"]);

    await qi.createTable("order_items", {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      order_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: "orders", key: "id" } },
      position: { type: DataTypes.INTEGER, allowNull: false },
      product_id: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(300), allowNull: false },
      quantity: { type: DataTypes.INTEGER, allowNull: false },
      unit_price: money(),
      subtotal: money(),
      discount: money(),
      tax: money(),
      total: money(),
      shipment_id: { type: DataTypes.STRING(36), allowNull: true, references: { model: "shipments", key: "id" } },
      expected_arrival_date: { type: DataTypes.DATEONLY, allowNull: true },
    });
    await qi.addIndex("order_items", ["order_id", "position"]);
  },
};

const createReceipts: Migration = {
  name: "004-create-receipts",
  async up({ context: qi }) {
    await qi.createTable("receipts", {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      order_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: "orders", key: "id" } },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      kind: { type: DataTypes.STRING(8), allowNull: false },
      transaction_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: "transactions", key: "id" } },
      currency: { type: DataTypes.STRING(3), allowNull: false },
      subtotal: money(),
      discount_total: money(),
      shipping_total: money(),
      tax_total: money(),
      total: money(),
      created_at: { type: DataTypes.DATE(3), allowNull: false },
    });
    // one sale receipt and at most one refund receipt per order
    await qi.addIndex("receipts", ["order_id", "kind"], { unique: true });
    await qi.addIndex("receipts", ["user_id", "created_at"]);

    await qi.createTable("receipt_items", {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      receipt_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: "receipts", key: "id" } },
      position: { type: DataTypes.INTEGER, allowNull: false },
      product_id: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(300), allowNull: false },
      quantity: { type: DataTypes.INTEGER, allowNull: false },
      unit_price: money(),
      subtotal: money(),
      discount: money(),
      tax: money(),
      total: money(),
    });
    await qi.addIndex("receipt_items", ["receipt_id", "position"]);
  },
};

/**
 * Cross-service steps that must happen after a local commit (commit the stock, accept the
 * quote, hand back a hold): written in the same DB transaction as the change that needs
 * them, then retried with backoff until done, so a crash or an outage delays them but
 * never loses them.
 */
const createOutbox: Migration = {
  name: "005-create-outbox",
  async up({ context: qi }) {
    await qi.createTable("outbox", {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      aggregate: { type: DataTypes.STRING(100), allowNull: false },
      kind: { type: DataTypes.STRING(40), allowNull: false },
      payload: { type: DataTypes.TEXT, allowNull: false },
      state: { type: DataTypes.STRING(10), allowNull: false },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_attempt_at: { type: DataTypes.DATE(3), allowNull: false },
      last_error: { type: DataTypes.STRING(500), allowNull: true },
      done_at: { type: DataTypes.DATE(3), allowNull: true },
      ...timestamps(),
    });
    await qi.addIndex("outbox", ["state", "id"]);
    await qi.addIndex("outbox", ["aggregate", "id"]);
  },
};

/**
 * The built-in test processor's books (payments/test-processor-ledger.ts). They stand for the
 * processor's side of the world, so they live apart from `transactions` (our side): recovery
 * compares the two, and it can only do that after a restart if the books survive it.
 */
const createTestGatewayLedger: Migration = {
  name: "006-create-test-gateway-ledger",
  async up({ context: qi }) {
    await qi.createTable("test_gateway_ledger", {
      reference: { type: DataTypes.STRING(80), primaryKey: true },
      type: { type: DataTypes.STRING(8), allowNull: false },
      status: { type: DataTypes.STRING(12), allowNull: false },
      gateway_transaction_id: { type: DataTypes.STRING(100), allowNull: false },
      response_code: { type: DataTypes.STRING(64), allowNull: false },
      amount: money(),
      currency: { type: DataTypes.STRING(3), allowNull: false },
      refunds_fail: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
    });
    await qi.addIndex("test_gateway_ledger", ["gateway_transaction_id"]);
  },
};

/**
 * An outbox entry is claimed with a lease of its own (who, until when), apart from its
 * backoff (`next_attempt_at`): a dispatch that ignores the backoff (right after the commit
 * that wrote the entry) must still never take an entry another replica is running.
 */
const addOutboxLease: Migration = {
  name: "007-add-outbox-lease",
  async up({ context: qi }) {
    await qi.addColumn("outbox", "claimed_by", { type: DataTypes.STRING(40), allowNull: true });
    await qi.addColumn("outbox", "claimed_until", { type: DataTypes.DATE(3), allowNull: true });
  },
};

/**
 * Cancels now claim the order (`paid -> cancelling`) before the refund is sent. A cancel that
 * was in flight under the older code left its order `paid` next to a pending refund: those
 * orders are `cancelling` from now on, so recovery finishes them and nothing ships them.
 */
const claimInFlightCancellations: Migration = {
  name: "008-claim-in-flight-cancellations",
  async up({ sequelize }) {
    await sequelize.query(
      "UPDATE orders SET status = 'cancelling' WHERE status = 'paid' AND id IN (SELECT order_id FROM transactions WHERE type = 'refund' AND status = 'pending')",
    );
  },
};

export const migrations: Migration[] = [
  idempotencyMigration,
  createCheckoutAttempts,
  createTransactions,
  createOrders,
  createReceipts,
  createOutbox,
  createTestGatewayLedger,
  addOutboxLease,
  claimInFlightCancellations,
  analyticsOutboxMigration("009-create-analytics-outbox"),
  idempotencyHolderMigration,
];
