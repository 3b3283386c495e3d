import { DataTypes } from "sequelize";
import { analyticsOutboxMigration, idempotencyHolderMigration, idempotencyMigration, type Migration } from "@disqo-commerce/kit";

/*
 * Money columns are BIGINT minor units: a line is up to 99 x $1,000,000 and a cart has up to
 * 100 lines, beyond a 32-bit INT.
 */

const createCarts: Migration = {
  name: "001-create-carts",
  async up({ context: qi }) {
    await qi.createTable("carts", {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      // user_id while the cart is active, NULL after: a unique index on it allows exactly one
      // active cart per user (both SQLite and MariaDB let NULLs repeat in a unique index).
      active_user_id: { type: DataTypes.INTEGER, allowNull: true, unique: true },
      is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
      updated_at: { type: DataTypes.DATE(3), allowNull: false },
    });
    await qi.addIndex("carts", ["user_id"]);
  },
};

const createCartItems: Migration = {
  name: "002-create-cart-items",
  async up({ context: qi }) {
    await qi.createTable("cart_items", {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      cart_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "carts", key: "id" }, onDelete: "CASCADE" },
      product_id: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(200), allowNull: false },
      quantity: { type: DataTypes.INTEGER, allowNull: false },
      unit_price: { type: DataTypes.BIGINT, allowNull: false },
      currency: { type: DataTypes.STRING(3), allowNull: false },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
      updated_at: { type: DataTypes.DATE(3), allowNull: false },
    });
    // one line per product: concurrent adds of the same product cannot make two
    await qi.addIndex("cart_items", ["cart_id", "product_id"], { unique: true, name: "cart_items_cart_product" });
  },
};

const createQuotes: Migration = {
  name: "003-create-quotes",
  async up({ context: qi }) {
    await qi.createTable("quotes", {
      // binary: quote ids are case-sensitive random strings, and MariaDB's default collation is not
      id: { type: DataTypes.STRING(64).BINARY, primaryKey: true },
      cart_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "carts", key: "id" } },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      // open | accepted | superseded; `expired` is open past expires_at, derived on read
      status: { type: DataTypes.STRING(12), allowNull: false },
      currency: { type: DataTypes.STRING(3), allowNull: false },
      subtotal: { type: DataTypes.BIGINT, allowNull: false },
      discount_total: { type: DataTypes.BIGINT, allowNull: false },
      shipping_total: { type: DataTypes.BIGINT, allowNull: false },
      tax_total: { type: DataTypes.BIGINT, allowNull: false },
      total: { type: DataTypes.BIGINT, allowNull: false },
      tax_rate: { type: DataTypes.INTEGER, allowNull: false },
      promo_code: { type: DataTypes.STRING(32), allowNull: true },
      shipping_address: { type: DataTypes.TEXT, allowNull: true },
      price_changes: { type: DataTypes.TEXT, allowNull: false },
      expires_at: { type: DataTypes.DATE(3), allowNull: false },
      order_id: { type: DataTypes.STRING(64), allowNull: true },
      accepted_at: { type: DataTypes.DATE(3), allowNull: true },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
      updated_at: { type: DataTypes.DATE(3), allowNull: false },
    });
    await qi.addIndex("quotes", ["cart_id", "status"]);
    await qi.addIndex("quotes", ["user_id"]);
  },
};

const createQuoteItems: Migration = {
  name: "004-create-quote-items",
  async up({ context: qi }) {
    await qi.createTable("quote_items", {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      quote_id: { type: DataTypes.STRING(64).BINARY, allowNull: false, references: { model: "quotes", key: "id" }, onDelete: "CASCADE" },
      cart_item_id: { type: DataTypes.INTEGER, allowNull: false },
      product_id: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(200), allowNull: false },
      quantity: { type: DataTypes.INTEGER, allowNull: false },
      unit_price: { type: DataTypes.BIGINT, allowNull: false },
      subtotal: { type: DataTypes.BIGINT, allowNull: false },
      discount: { type: DataTypes.BIGINT, allowNull: false },
      tax: { type: DataTypes.BIGINT, allowNull: false },
      total: { type: DataTypes.BIGINT, allowNull: false },
    });
    await qi.addIndex("quote_items", ["quote_id"]);
  },
};

const createPromoCodes: Migration = {
  name: "005-create-promo-codes",
  async up({ context: qi }) {
    await qi.createTable("promo_codes", {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      code: { type: DataTypes.STRING(32), allowNull: false, unique: true },
      kind: { type: DataTypes.STRING(10), allowNull: false },
      percent_off: { type: DataTypes.INTEGER, allowNull: true },
      amount_off: { type: DataTypes.BIGINT, allowNull: true },
      min_subtotal: { type: DataTypes.BIGINT, allowNull: true },
      currency: { type: DataTypes.STRING(3), allowNull: false },
      expires_at: { type: DataTypes.DATE(3), allowNull: true },
      is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
      updated_at: { type: DataTypes.DATE(3), allowNull: false },
    });
  },
};

/** Redemption limits of promo codes, and the redemptions (held by open quotes, or paid) they count. */
const limitPromoRedemptions: Migration = {
  name: "006-limit-promo-redemptions",
  async up({ context: qi }) {
    await qi.addColumn("promo_codes", "max_redemptions", { type: DataTypes.INTEGER, allowNull: true });
    await qi.addColumn("promo_codes", "once_per_customer", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
    await qi.addColumn("promo_codes", "redemptions", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
    await qi.createTable("promo_redemptions", {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      code: { type: DataTypes.STRING(32), allowNull: false },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      quote_id: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      status: { type: DataTypes.STRING(10), allowNull: false },
      expires_at: { type: DataTypes.DATE(3), allowNull: false },
      order_id: { type: DataTypes.STRING(64), allowNull: true },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
      updated_at: { type: DataTypes.DATE(3), allowNull: false },
    });
    await qi.addIndex("promo_redemptions", ["code", "user_id"]);
    await qi.addIndex("promo_redemptions", ["code", "status", "expires_at"]);
  },
};

export const migrations: Migration[] = [idempotencyMigration, createCarts, createCartItems, createQuotes, createQuoteItems, createPromoCodes, limitPromoRedemptions, analyticsOutboxMigration("007-create-analytics-outbox"), idempotencyHolderMigration];
