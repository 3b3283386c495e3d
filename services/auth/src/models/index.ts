import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from "sequelize";

export class UserModel extends Model<InferAttributes<UserModel>, InferCreationAttributes<UserModel>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare password_hash: string;
  declare first_name: string;
  declare last_name: string;
  declare address_1: CreationOptional<string | null>;
  declare address_2: CreationOptional<string | null>;
  declare city: CreationOptional<string | null>;
  declare state: CreationOptional<string | null>;
  declare zip_code: CreationOptional<string | null>;
  declare phone: CreationOptional<string | null>;
  declare role: CreationOptional<"customer" | "admin">;
  declare is_active: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class RefreshTokenModel extends Model<InferAttributes<RefreshTokenModel>, InferCreationAttributes<RefreshTokenModel>> {
  declare id: CreationOptional<number>;
  declare user_id: number;
  declare family_id: string;
  declare token_hash: string;
  declare expires_at: Date;
  declare rotated_at: CreationOptional<Date | null>;
  declare revoked_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
}

/**
 * One counted attempt of a limit (attempt-limiter.ts): a failed login under `email:` and
 * `client:` buckets, a registration under `register:`, a wrong current password under
 * `password:`. The table keeps its first name, login_failures.
 */
export class LoginFailureModel extends Model<InferAttributes<LoginFailureModel>, InferCreationAttributes<LoginFailureModel>> {
  declare id: CreationOptional<number>;
  declare bucket: string;
  declare failed_at: Date;
}

export interface AuthModels {
  User: typeof UserModel;
  RefreshToken: typeof RefreshTokenModel;
  LoginFailure: typeof LoginFailureModel;
}

/** Binds the models to this process's database; called once at start. */
export function defineModels(sequelize: Sequelize): AuthModels {
  UserModel.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      email: { type: DataTypes.STRING(254), allowNull: false },
      password_hash: { type: DataTypes.STRING(255), allowNull: false },
      first_name: { type: DataTypes.STRING(100), allowNull: false },
      last_name: { type: DataTypes.STRING(100), allowNull: false },
      address_1: DataTypes.STRING(200),
      address_2: DataTypes.STRING(200),
      city: DataTypes.STRING(100),
      state: DataTypes.STRING(2),
      zip_code: DataTypes.STRING(10),
      phone: DataTypes.STRING(30),
      role: { type: DataTypes.STRING(20), allowNull: false, defaultValue: "customer" },
      is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      created_at: DataTypes.DATE(3),
      updated_at: DataTypes.DATE(3),
    },
    { sequelize, tableName: "users", underscored: true, timestamps: true, createdAt: "created_at", updatedAt: "updated_at" },
  );
  RefreshTokenModel.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      family_id: { type: DataTypes.STRING(40), allowNull: false },
      token_hash: { type: DataTypes.STRING(64), allowNull: false },
      expires_at: { type: DataTypes.DATE(3), allowNull: false },
      rotated_at: DataTypes.DATE(3),
      revoked_at: DataTypes.DATE(3),
      created_at: DataTypes.DATE(3),
    },
    { sequelize, tableName: "refresh_tokens", underscored: true, timestamps: true, createdAt: "created_at", updatedAt: false },
  );
  LoginFailureModel.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      bucket: { type: DataTypes.STRING(300), allowNull: false },
      failed_at: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize, tableName: "login_failures", timestamps: false },
  );
  return { User: UserModel, RefreshToken: RefreshTokenModel, LoginFailure: LoginFailureModel };
}
