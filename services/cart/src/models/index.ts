import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/*
 * BIGINT money columns come back from mysql2 as numbers while they are safe integers
 * (supportBigNumbers without bigNumberStrings) and as numbers from SQLite; the repositories
 * still pass them through Number() so a string can never leak into arithmetic.
 */

export class CartModel extends Model<InferAttributes<CartModel>, InferCreationAttributes<CartModel>> {
  declare id: CreationOptional<number>;
  declare user_id: number;
  declare active_user_id: number | null;
  declare is_active: boolean;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class CartItemModel extends Model<InferAttributes<CartItemModel>, InferCreationAttributes<CartItemModel>> {
  declare id: CreationOptional<number>;
  declare cart_id: number;
  declare product_id: number;
  declare name: string;
  declare quantity: number;
  declare unit_price: number;
  declare currency: string;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class QuoteModel extends Model<InferAttributes<QuoteModel>, InferCreationAttributes<QuoteModel>> {
  declare id: string;
  declare cart_id: number;
  declare user_id: number;
  declare status: "open" | "accepted" | "superseded";
  declare currency: string;
  declare subtotal: number;
  declare discount_total: number;
  declare shipping_total: number;
  declare tax_total: number;
  declare total: number;
  declare tax_rate: number;
  declare promo_code: string | null;
  declare shipping_address: string | null;
  declare price_changes: string;
  declare expires_at: Date;
  declare order_id: CreationOptional<string | null>;
  declare accepted_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class QuoteItemModel extends Model<InferAttributes<QuoteItemModel>, InferCreationAttributes<QuoteItemModel>> {
  declare id: CreationOptional<number>;
  declare quote_id: string;
  declare cart_item_id: number;
  declare product_id: number;
  declare name: string;
  declare quantity: number;
  declare unit_price: number;
  declare subtotal: number;
  declare discount: number;
  declare tax: number;
  declare total: number;
}

export class PromoCodeModel extends Model<InferAttributes<PromoCodeModel>, InferCreationAttributes<PromoCodeModel>> {
  declare id: CreationOptional<number>;
  declare code: string;
  declare kind: "percent" | "amount";
  declare percent_off: number | null;
  declare amount_off: number | null;
  declare min_subtotal: number | null;
  declare currency: string;
  declare expires_at: Date | null;
  declare is_active: CreationOptional<boolean>;
  declare max_redemptions: CreationOptional<number | null>;
  declare once_per_customer: CreationOptional<boolean>;
  declare redemptions: CreationOptional<number>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

/** A promo code held by an open quote (until it expires) or redeemed by an accepted (paid) one. */
export class PromoRedemptionModel extends Model<InferAttributes<PromoRedemptionModel>, InferCreationAttributes<PromoRedemptionModel>> {
  declare id: CreationOptional<number>;
  declare code: string;
  declare user_id: number;
  declare quote_id: string;
  declare status: "held" | "redeemed";
  declare expires_at: Date;
  declare order_id: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export interface CartModels {
  Cart: typeof CartModel;
  CartItem: typeof CartItemModel;
  Quote: typeof QuoteModel;
  QuoteItem: typeof QuoteItemModel;
  PromoCode: typeof PromoCodeModel;
  PromoRedemption: typeof PromoRedemptionModel;
}

const timestamps = { timestamps: true, createdAt: "created_at", updatedAt: "updated_at", underscored: true } as const;

/**
 * Binds the models to one database; called once per app. Each call binds fresh subclasses,
 * so two apps in one process (tests on SQLite and MariaDB) never share a connection.
 */
export function defineModels(sequelize: Sequelize): CartModels {
  const Cart = class Cart extends CartModel {};
  const CartItem = class CartItem extends CartItemModel {};
  const Quote = class Quote extends QuoteModel {};
  const QuoteItem = class QuoteItem extends QuoteItemModel {};
  const PromoCode = class PromoCode extends PromoCodeModel {};
  const PromoRedemption = class PromoRedemption extends PromoRedemptionModel {};
  Cart.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      active_user_id: { type: DataTypes.INTEGER, allowNull: true },
      is_active: { type: DataTypes.BOOLEAN, allowNull: false },
      created_at: DataTypes.DATE(3),
      updated_at: DataTypes.DATE(3),
    },
    { sequelize, tableName: "carts", ...timestamps },
  );
  CartItem.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      cart_id: { type: DataTypes.INTEGER, allowNull: false },
      product_id: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(200), allowNull: false },
      quantity: { type: DataTypes.INTEGER, allowNull: false },
      unit_price: { type: DataTypes.BIGINT, allowNull: false },
      currency: { type: DataTypes.STRING(3), allowNull: false },
      created_at: DataTypes.DATE(3),
      updated_at: DataTypes.DATE(3),
    },
    { sequelize, tableName: "cart_items", ...timestamps },
  );
  Quote.init(
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      cart_id: { type: DataTypes.INTEGER, allowNull: false },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
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
      created_at: DataTypes.DATE(3),
      updated_at: DataTypes.DATE(3),
    },
    { sequelize, tableName: "quotes", ...timestamps },
  );
  QuoteItem.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      quote_id: { type: DataTypes.STRING(64), allowNull: false },
      cart_item_id: { type: DataTypes.INTEGER, allowNull: false },
      product_id: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(200), allowNull: false },
      quantity: { type: DataTypes.INTEGER, allowNull: false },
      unit_price: { type: DataTypes.BIGINT, allowNull: false },
      subtotal: { type: DataTypes.BIGINT, allowNull: false },
      discount: { type: DataTypes.BIGINT, allowNull: false },
      tax: { type: DataTypes.BIGINT, allowNull: false },
      total: { type: DataTypes.BIGINT, allowNull: false },
    },
    { sequelize, tableName: "quote_items", timestamps: false },
  );
  PromoCode.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      code: { type: DataTypes.STRING(32), allowNull: false },
      kind: { type: DataTypes.STRING(10), allowNull: false },
      percent_off: { type: DataTypes.INTEGER, allowNull: true },
      amount_off: { type: DataTypes.BIGINT, allowNull: true },
      min_subtotal: { type: DataTypes.BIGINT, allowNull: true },
      currency: { type: DataTypes.STRING(3), allowNull: false },
      expires_at: { type: DataTypes.DATE(3), allowNull: true },
      is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      max_redemptions: { type: DataTypes.INTEGER, allowNull: true },
      once_per_customer: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      redemptions: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      created_at: DataTypes.DATE(3),
      updated_at: DataTypes.DATE(3),
    },
    { sequelize, tableName: "promo_codes", ...timestamps },
  );
  PromoRedemption.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      code: { type: DataTypes.STRING(32), allowNull: false },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      quote_id: { type: DataTypes.STRING(64), allowNull: false },
      status: { type: DataTypes.STRING(10), allowNull: false },
      expires_at: { type: DataTypes.DATE(3), allowNull: false },
      order_id: { type: DataTypes.STRING(64), allowNull: true },
      created_at: DataTypes.DATE(3),
      updated_at: DataTypes.DATE(3),
    },
    { sequelize, tableName: "promo_redemptions", ...timestamps },
  );
  return { Cart, CartItem, Quote, QuoteItem, PromoCode, PromoRedemption };
}
