import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

export type AttemptState = "started" | "charging" | "completed" | "declined" | "failed";
export type OrderStatus = "pending" | "paid" | "cancelling" | "partially_shipped" | "shipped" | "delivered" | "cancelled";
export type TransactionType = "charge" | "refund";
export type TransactionStatus = "pending" | "succeeded" | "declined" | "failed";
export type OutboxState = "pending" | "done" | "failed";

export class CheckoutAttemptModel extends Model<InferAttributes<CheckoutAttemptModel>, InferCreationAttributes<CheckoutAttemptModel>> {
  declare id: string;
  declare quote_id: string;
  declare user_id: number;
  declare live: number | null;
  declare state: AttemptState;
  declare step: CreationOptional<string | null>;
  declare amount: number;
  declare currency: string;
  declare quote_json: string;
  declare quote_expires_at: Date;
  declare hold_extended: CreationOptional<boolean>;
  declare payment_gateway_id: string;
  declare gateway_transaction_id: CreationOptional<string | null>;
  declare response_code: CreationOptional<string | null>;
  declare charged_at: CreationOptional<Date | null>;
  declare lease_until: Date;
  declare last_error: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class TransactionModel extends Model<InferAttributes<TransactionModel>, InferCreationAttributes<TransactionModel>> {
  declare id: string;
  declare reference: string;
  declare user_id: number;
  declare order_id: string | null;
  declare quote_id: string;
  declare payment_gateway_id: string;
  declare gateway_transaction_id: string | null;
  declare type: TransactionType;
  declare status: TransactionStatus;
  declare amount: number;
  declare currency: string;
  declare response_code: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class OrderModel extends Model<InferAttributes<OrderModel>, InferCreationAttributes<OrderModel>> {
  declare id: string;
  declare user_id: number;
  declare quote_id: string;
  declare status: OrderStatus;
  declare currency: string;
  declare subtotal: number;
  declare discount_total: number;
  declare shipping_total: number;
  declare tax_total: number;
  declare total: number;
  declare promo_code: string | null;
  declare shipping_address: string | null;
  declare paid_at: Date | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class OrderItemModel extends Model<InferAttributes<OrderItemModel>, InferCreationAttributes<OrderItemModel>> {
  declare id: string;
  declare order_id: string;
  declare position: number;
  declare product_id: number;
  declare name: string;
  declare quantity: number;
  declare unit_price: number;
  declare subtotal: number;
  declare discount: number;
  declare tax: number;
  declare total: number;
  declare shipment_id: CreationOptional<string | null>;
  declare expected_arrival_date: CreationOptional<string | null>;
}

export class ShipmentModel extends Model<InferAttributes<ShipmentModel>, InferCreationAttributes<ShipmentModel>> {
  declare id: string;
  declare order_id: string;
  declare carrier: string;
  declare tracking_number: string;
  declare expected_arrival_date: string;
  declare created_at: CreationOptional<Date>;
}

export class ReceiptModel extends Model<InferAttributes<ReceiptModel>, InferCreationAttributes<ReceiptModel>> {
  declare id: string;
  declare order_id: string;
  declare user_id: number;
  declare kind: "sale" | "refund";
  declare transaction_id: string;
  declare currency: string;
  declare subtotal: number;
  declare discount_total: number;
  declare shipping_total: number;
  declare tax_total: number;
  declare total: number;
  declare created_at: CreationOptional<Date>;
}

export class ReceiptItemModel extends Model<InferAttributes<ReceiptItemModel>, InferCreationAttributes<ReceiptItemModel>> {
  declare id: CreationOptional<number>;
  declare receipt_id: string;
  declare position: number;
  declare product_id: number;
  declare name: string;
  declare quantity: number;
  declare unit_price: number;
  declare subtotal: number;
  declare discount: number;
  declare tax: number;
  declare total: number;
}

export class OutboxModel extends Model<InferAttributes<OutboxModel>, InferCreationAttributes<OutboxModel>> {
  declare id: CreationOptional<number>;
  declare aggregate: string;
  declare kind: string;
  declare payload: string;
  declare state: OutboxState;
  declare attempts: CreationOptional<number>;
  declare next_attempt_at: Date;
  /** Which dispatcher runs the entry, and until when; another may take it over after that. */
  declare claimed_by: CreationOptional<string | null>;
  declare claimed_until: CreationOptional<Date | null>;
  declare last_error: CreationOptional<string | null>;
  declare done_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export interface OrderModels {
  sequelize: Sequelize;
  CheckoutAttempt: typeof CheckoutAttemptModel;
  Transaction: typeof TransactionModel;
  Order: typeof OrderModel;
  OrderItem: typeof OrderItemModel;
  Shipment: typeof ShipmentModel;
  Receipt: typeof ReceiptModel;
  ReceiptItem: typeof ReceiptItemModel;
  Outbox: typeof OutboxModel;
}

// factories, not shared objects: Sequelize writes into each attribute definition it is given
const money = () => ({ type: DataTypes.INTEGER, allowNull: false });
const stamps = () => ({ created_at: DataTypes.DATE(3), updated_at: DataTypes.DATE(3) });
const withStamps = { underscored: true, timestamps: true, createdAt: "created_at", updatedAt: "updated_at" } as const;
const createdOnly = { underscored: true, timestamps: true, createdAt: "created_at", updatedAt: false } as const;

/**
 * Binds the models to one database. Each app instance gets its own subclasses, so two
 * instances on two databases (tests, a restarted "process") never share a binding.
 */
export function defineModels(sequelize: Sequelize): OrderModels {
  class CheckoutAttempt extends CheckoutAttemptModel {}
  CheckoutAttempt.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      quote_id: { type: DataTypes.STRING(64), allowNull: false },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      live: DataTypes.INTEGER,
      state: { type: DataTypes.STRING(16), allowNull: false },
      step: DataTypes.STRING(40),
      amount: money(),
      currency: { type: DataTypes.STRING(3), allowNull: false },
      quote_json: { type: DataTypes.TEXT, allowNull: false },
      quote_expires_at: { type: DataTypes.DATE(3), allowNull: false },
      hold_extended: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      payment_gateway_id: { type: DataTypes.STRING(32), allowNull: false },
      gateway_transaction_id: DataTypes.STRING(100),
      response_code: DataTypes.STRING(64),
      charged_at: DataTypes.DATE(3),
      lease_until: { type: DataTypes.DATE(3), allowNull: false },
      last_error: DataTypes.STRING(500),
      ...stamps(),
    },
    { sequelize, tableName: "checkout_attempts", ...withStamps },
  );

  class Transaction extends TransactionModel {}
  Transaction.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      reference: { type: DataTypes.STRING(80), allowNull: false },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      order_id: DataTypes.STRING(36),
      quote_id: { type: DataTypes.STRING(64), allowNull: false },
      payment_gateway_id: { type: DataTypes.STRING(32), allowNull: false },
      gateway_transaction_id: DataTypes.STRING(100),
      type: { type: DataTypes.STRING(8), allowNull: false },
      status: { type: DataTypes.STRING(12), allowNull: false },
      amount: money(),
      currency: { type: DataTypes.STRING(3), allowNull: false },
      response_code: DataTypes.STRING(64),
      ...stamps(),
    },
    { sequelize, tableName: "transactions", ...withStamps },
  );

  class Order extends OrderModel {}
  Order.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      quote_id: { type: DataTypes.STRING(64), allowNull: false },
      status: { type: DataTypes.STRING(20), allowNull: false },
      currency: { type: DataTypes.STRING(3), allowNull: false },
      subtotal: money(),
      discount_total: money(),
      shipping_total: money(),
      tax_total: money(),
      total: money(),
      promo_code: DataTypes.STRING(32),
      shipping_address: DataTypes.TEXT,
      paid_at: DataTypes.DATE(3),
      ...stamps(),
    },
    { sequelize, tableName: "orders", ...withStamps },
  );

  class OrderItem extends OrderItemModel {}
  OrderItem.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      order_id: { type: DataTypes.STRING(36), allowNull: false },
      position: { type: DataTypes.INTEGER, allowNull: false },
      product_id: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(300), allowNull: false },
      quantity: { type: DataTypes.INTEGER, allowNull: false },
      unit_price: money(),
      subtotal: money(),
      discount: money(),
      tax: money(),
      total: money(),
      shipment_id: DataTypes.STRING(36),
      expected_arrival_date: DataTypes.DATEONLY,
    },
    { sequelize, tableName: "order_items", underscored: true, timestamps: false },
  );

  class Shipment extends ShipmentModel {}
  Shipment.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      order_id: { type: DataTypes.STRING(36), allowNull: false },
      carrier: { type: DataTypes.STRING(100), allowNull: false },
      tracking_number: { type: DataTypes.STRING(100), allowNull: false },
      expected_arrival_date: { type: DataTypes.DATEONLY, allowNull: false },
      created_at: DataTypes.DATE(3),
    },
    { sequelize, tableName: "shipments", ...createdOnly },
  );

  class Receipt extends ReceiptModel {}
  Receipt.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      order_id: { type: DataTypes.STRING(36), allowNull: false },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      kind: { type: DataTypes.STRING(8), allowNull: false },
      transaction_id: { type: DataTypes.STRING(36), allowNull: false },
      currency: { type: DataTypes.STRING(3), allowNull: false },
      subtotal: money(),
      discount_total: money(),
      shipping_total: money(),
      tax_total: money(),
      total: money(),
      created_at: DataTypes.DATE(3),
    },
    { sequelize, tableName: "receipts", ...createdOnly },
  );

  class ReceiptItem extends ReceiptItemModel {}
  ReceiptItem.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      receipt_id: { type: DataTypes.STRING(36), allowNull: false },
      position: { type: DataTypes.INTEGER, allowNull: false },
      product_id: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(300), allowNull: false },
      quantity: { type: DataTypes.INTEGER, allowNull: false },
      unit_price: money(),
      subtotal: money(),
      discount: money(),
      tax: money(),
      total: money(),
    },
    { sequelize, tableName: "receipt_items", underscored: true, timestamps: false },
  );

  class Outbox extends OutboxModel {}
  Outbox.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      aggregate: { type: DataTypes.STRING(100), allowNull: false },
      kind: { type: DataTypes.STRING(40), allowNull: false },
      payload: { type: DataTypes.TEXT, allowNull: false },
      state: { type: DataTypes.STRING(10), allowNull: false },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_attempt_at: { type: DataTypes.DATE(3), allowNull: false },
      claimed_by: DataTypes.STRING(40),
      claimed_until: DataTypes.DATE(3),
      last_error: DataTypes.STRING(500),
      done_at: DataTypes.DATE(3),
      ...stamps(),
    },
    { sequelize, tableName: "outbox", ...withStamps },
  );

  return { sequelize, CheckoutAttempt, Transaction, Order, OrderItem, Shipment, Receipt, ReceiptItem, Outbox };
}
