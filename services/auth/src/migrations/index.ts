import { DataTypes } from "sequelize";
import { analyticsOutboxMigration, idempotencyHolderMigration, idempotencyMigration, type Migration } from "@disqo-commerce/kit";

const createUsers: Migration = {
  name: "001-create-users",
  async up({ context: qi }) {
    await qi.createTable("users", {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      email: { type: DataTypes.STRING(254), allowNull: false, unique: true },
      password_hash: { type: DataTypes.STRING(255), allowNull: false },
      first_name: { type: DataTypes.STRING(100), allowNull: false },
      last_name: { type: DataTypes.STRING(100), allowNull: false },
      address_1: { type: DataTypes.STRING(200), allowNull: true },
      address_2: { type: DataTypes.STRING(200), allowNull: true },
      city: { type: DataTypes.STRING(100), allowNull: true },
      state: { type: DataTypes.STRING(2), allowNull: true },
      zip_code: { type: DataTypes.STRING(10), allowNull: true },
      phone: { type: DataTypes.STRING(30), allowNull: true },
      role: { type: DataTypes.STRING(20), allowNull: false, defaultValue: "customer" },
      is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
      updated_at: { type: DataTypes.DATE(3), allowNull: false },
    });
  },
};

const createRefreshTokens: Migration = {
  name: "002-create-refresh-tokens",
  async up({ context: qi }) {
    await qi.createTable("refresh_tokens", {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" } },
      family_id: { type: DataTypes.STRING(40), allowNull: false },
      token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      expires_at: { type: DataTypes.DATE(3), allowNull: false },
      rotated_at: { type: DataTypes.DATE(3), allowNull: true },
      revoked_at: { type: DataTypes.DATE(3), allowNull: true },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
    });
    await qi.addIndex("refresh_tokens", ["family_id"]);
    await qi.addIndex("refresh_tokens", ["user_id"]);
  },
};

/** Failed logins, shared by replicas through the database, for rate limiting. */
const createLoginFailures: Migration = {
  name: "003-create-login-failures",
  async up({ context: qi }) {
    await qi.createTable("login_failures", {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      bucket: { type: DataTypes.STRING(300), allowNull: false },
      failed_at: { type: DataTypes.DATE(3), allowNull: false },
    });
    await qi.addIndex("login_failures", ["bucket", "failed_at"]);
  },
};

export const migrations: Migration[] = [idempotencyMigration, createUsers, createRefreshTokens, createLoginFailures, analyticsOutboxMigration("004-create-analytics-outbox"), idempotencyHolderMigration];
