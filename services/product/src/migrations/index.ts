import { randomUUID } from "node:crypto";
import { DataTypes } from "sequelize";
import { analyticsOutboxMigration, idempotencyHolderMigration, idempotencyMigration, isMysql, type Migration } from "@disqo-commerce/kit";
import { FTS5_DDL } from "../search/fts5-schema.js";

/**
 * WAL journal for the SQLite file (it is a property of the file, so once is enough): readers
 * never block the writer and a COMMIT never waits for readers. The kit's openDatabase asks for
 * it in an afterConnect hook that Sequelize's SQLite dialect never fires; without WAL a
 * concurrent reservation's COMMIT can fail with SQLITE_BUSY and leave its lock held.
 */
const sqliteWal: Migration = {
  name: "000-product-sqlite-wal",
  async up({ sequelize }) {
    if (isMysql(sequelize)) return;
    await sequelize.query("PRAGMA journal_mode=WAL");
  },
};

const createProducts: Migration = {
  name: "001-create-products",
  async up({ context: qi }) {
    await qi.createTable("products", {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING(200), allowNull: false },
      description: { type: DataTypes.TEXT, allowNull: false },
      // skus are stored upper-case, so uniqueness is the same on SQLite and on MariaDB's case-insensitive collation
      sku: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      price_amount: { type: DataTypes.INTEGER, allowNull: false },
      currency: { type: DataTypes.STRING(3), allowNull: false, defaultValue: "USD" },
      is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      stock: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      // units sold (committed reservations), kept here so `available` needs no scan of sales history
      committed: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      // the catalog change sequence (see product_changes) at this row's last searchable change
      change_seq: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
      updated_at: { type: DataTypes.DATE(3), allowNull: false },
    });
    await qi.addIndex("products", ["price_amount", "id"], { name: "products_price" });
    await qi.addIndex("products", ["change_seq", "id"], { name: "products_change_seq" });
  },
};

/**
 * One row holding the catalog's change sequence. Every catalog write increments it inside its
 * transaction, so the row lock orders writers and sequence order is commit order: a replica's
 * search index that has seen every change up to N has missed nothing below N. `epoch` names
 * this database, so a replica notices when its local index belongs to another one.
 */
const createProductChanges: Migration = {
  name: "002-create-product-changes",
  async up({ context: qi }) {
    await qi.createTable("product_changes", {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      seq: { type: DataTypes.BIGINT, allowNull: false },
      epoch: { type: DataTypes.STRING(36), allowNull: false },
    });
    await qi.bulkInsert("product_changes", [{ id: 1, seq: 0, epoch: randomUUID() }]);
  },
};

const createReservations: Migration = {
  name: "003-create-reservations",
  async up({ context: qi }) {
    await qi.createTable("reservations", {
      // BINARY: reservation ids are case-sensitive on MariaDB as on SQLite
      id: { type: DataTypes.STRING(64).BINARY, primaryKey: true },
      status: { type: DataTypes.STRING(12), allowNull: false },
      expires_at: { type: DataTypes.DATE(3), allowNull: false },
      committed_at: { type: DataTypes.DATE(3), allowNull: true },
      released_at: { type: DataTypes.DATE(3), allowNull: true },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
      updated_at: { type: DataTypes.DATE(3), allowNull: false },
    });
    await qi.createTable("reservation_items", {
      reservation_id: { type: DataTypes.STRING(64).BINARY, allowNull: false, primaryKey: true, references: { model: "reservations", key: "id" } },
      product_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, references: { model: "products", key: "id" } },
      quantity: { type: DataTypes.INTEGER, allowNull: false },
      // epoch ms until which these units are held; NULL once committed or released. An index on
      // (product_id, held_until) makes "unexpired holds of these products" a short range scan.
      held_until: { type: DataTypes.BIGINT, allowNull: true },
    });
    await qi.addIndex("reservation_items", ["product_id", "held_until"], { name: "reservation_items_holds" });
  },
};

/** On SQLite the FTS5 index lives in this database; on MariaDB each replica builds its own (search/replica-index.ts). */
const createSearchIndex: Migration = {
  name: "004-create-products-fts",
  async up({ sequelize }) {
    if (isMysql(sequelize)) return;
    for (const sql of FTS5_DDL) await sequelize.query(sql);
  },
};

/**
 * Categories and images (issue 14). A catalog loaded by the generator before this migration
 * gets the category its sku prefix stands for (catalog/generator.ts); anything else is
 * `other`. The category is searchable (a filter and a facet), so those rows take a new change
 * sequence number and every search index outside this database picks them up.
 */
const GENERATED_SKU_CATEGORIES: Record<string, string> = { BK: "books", OF: "office", EL: "electronics", KT: "kitchen", HM: "home", OD: "outdoors", TY: "toys", AP: "apparel" };

const addCategoryAndImages: Migration = {
  name: "006-add-product-category-and-images",
  async up({ context: qi, sequelize }) {
    await qi.addColumn("products", "category", { type: DataTypes.STRING(32), allowNull: false, defaultValue: "other" });
    // JSON, read with the row: a product read needs no second query for its images
    await qi.addColumn("products", "images", { type: DataTypes.TEXT, allowNull: true });
    await qi.addIndex("products", ["category", "id"], { name: "products_category" });
    await qi.addIndex("products", ["category", "price_amount", "id"], { name: "products_category_price" });
    await sequelize.transaction(async (t) => {
      await sequelize.query("UPDATE product_changes SET seq = seq + 1 WHERE id = 1", { transaction: t });
      const arms = Object.entries(GENERATED_SKU_CATEGORIES).map(([prefix, category]) => `WHEN sku LIKE '${prefix}-%' THEN '${category}'`);
      await sequelize.query(
        `UPDATE products SET category = CASE ${arms.join(" ")} ELSE 'other' END, change_seq = (SELECT seq FROM product_changes WHERE id = 1)`,
        { transaction: t },
      );
    });
  },
};

export const migrations: Migration[] = [
  sqliteWal,
  idempotencyMigration,
  createProducts,
  createProductChanges,
  createReservations,
  createSearchIndex,
  analyticsOutboxMigration("005-create-analytics-outbox"),
  addCategoryAndImages,
  idempotencyHolderMigration,
];
