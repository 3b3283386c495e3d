import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

export class ProductModel extends Model<InferAttributes<ProductModel>, InferCreationAttributes<ProductModel>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare description: string;
  declare sku: string;
  declare category: CreationOptional<string>;
  declare price_amount: number;
  declare currency: CreationOptional<string>;
  declare is_active: CreationOptional<boolean>;
  declare stock: CreationOptional<number>;
  declare committed: CreationOptional<number>;
  declare change_seq: CreationOptional<number>;
  /** The images as JSON (StoredImage[], see images/product-images.ts); null when it has none. */
  declare images: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export type ReservationStatus = "held" | "committed" | "released";

export class ReservationModel extends Model<InferAttributes<ReservationModel>, InferCreationAttributes<ReservationModel>> {
  declare id: string;
  declare status: ReservationStatus;
  declare expires_at: Date;
  declare committed_at: CreationOptional<Date | null>;
  declare released_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class ReservationItemModel extends Model<InferAttributes<ReservationItemModel>, InferCreationAttributes<ReservationItemModel>> {
  declare reservation_id: string;
  declare product_id: number;
  declare quantity: number;
  declare held_until: number | null;
}

export interface ProductModels {
  Product: typeof ProductModel;
  Reservation: typeof ReservationModel;
  ReservationItem: typeof ReservationItemModel;
}

/** Binds the models to this process's database; called once at start. */
export function defineModels(sequelize: Sequelize): ProductModels {
  // Subclasses per database, so two apps on two databases in one process (tests on SQLite and
  // MariaDB) do not rebind each other's models.
  const Product = class extends ProductModel {};
  const Reservation = class extends ReservationModel {};
  const ReservationItem = class extends ReservationItemModel {};
  Product.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING(200), allowNull: false },
      description: { type: DataTypes.TEXT, allowNull: false },
      sku: { type: DataTypes.STRING(64), allowNull: false },
      category: { type: DataTypes.STRING(32), allowNull: false, defaultValue: "other" },
      price_amount: { type: DataTypes.INTEGER, allowNull: false },
      currency: { type: DataTypes.STRING(3), allowNull: false, defaultValue: "USD" },
      is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      stock: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      committed: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      change_seq: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
      images: { type: DataTypes.TEXT, allowNull: true },
      created_at: DataTypes.DATE(3),
      updated_at: DataTypes.DATE(3),
    },
    { sequelize, modelName: "Product", tableName: "products", underscored: true, timestamps: true, createdAt: "created_at", updatedAt: "updated_at" },
  );
  Reservation.init(
    {
      id: { type: DataTypes.STRING(64).BINARY, primaryKey: true },
      status: { type: DataTypes.STRING(12), allowNull: false },
      expires_at: { type: DataTypes.DATE(3), allowNull: false },
      committed_at: DataTypes.DATE(3),
      released_at: DataTypes.DATE(3),
      created_at: DataTypes.DATE(3),
      updated_at: DataTypes.DATE(3),
    },
    { sequelize, modelName: "Reservation", tableName: "reservations", underscored: true, timestamps: true, createdAt: "created_at", updatedAt: "updated_at" },
  );
  ReservationItem.init(
    {
      reservation_id: { type: DataTypes.STRING(64).BINARY, primaryKey: true },
      product_id: { type: DataTypes.INTEGER, primaryKey: true },
      quantity: { type: DataTypes.INTEGER, allowNull: false },
      held_until: { type: DataTypes.BIGINT, allowNull: true },
    },
    { sequelize, modelName: "ReservationItem", tableName: "reservation_items", underscored: true, timestamps: false },
  );
  return { Product, Reservation, ReservationItem };
}
