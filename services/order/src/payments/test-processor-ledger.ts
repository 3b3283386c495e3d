import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";
import { isUniqueViolation } from "@disqo-commerce/kit";
import type { ProcessorOutcome } from "./processor-client.js";

/** A money movement on the test processor's books, and whether its refunds are meant to fail. */
export interface LedgerEntry {
  outcome: ProcessorOutcome;
  refundsFail: boolean;
}

/**
 * The test processor's books. A real processor keeps them on its side; the test processor
 * keeps them in memory (unit tests) or in the order service's database, so a restarted or
 * second order replica can still look a charge up by its reference.
 */
export interface LedgerStore {
  /** Records the entry unless its reference is already on the books; returns what is on record (first write wins). */
  record(entry: LedgerEntry): Promise<LedgerEntry>;
  byReference(reference: string): Promise<LedgerEntry | null>;
  /** A charge by the processor's own id (what a refund names). */
  chargeById(gatewayTransactionId: string): Promise<LedgerEntry | null>;
  all(): Promise<ProcessorOutcome[]>;
}

export class MemoryLedger implements LedgerStore {
  private readonly entries = new Map<string, LedgerEntry>();

  async record(entry: LedgerEntry): Promise<LedgerEntry> {
    const existing = this.entries.get(entry.outcome.reference);
    if (existing) return existing;
    this.entries.set(entry.outcome.reference, entry);
    return entry;
  }

  async byReference(reference: string): Promise<LedgerEntry | null> {
    return this.entries.get(reference) ?? null;
  }

  async chargeById(id: string): Promise<LedgerEntry | null> {
    return [...this.entries.values()].find((e) => e.outcome.type === "charge" && e.outcome.gatewayTransactionId === id) ?? null;
  }

  async all(): Promise<ProcessorOutcome[]> {
    return [...this.entries.values()].map((e) => e.outcome);
  }
}

class LedgerRow extends Model<InferAttributes<LedgerRow>, InferCreationAttributes<LedgerRow>> {
  declare reference: string;
  declare type: "charge" | "refund";
  declare status: "succeeded" | "declined";
  declare gateway_transaction_id: string;
  declare response_code: string;
  declare amount: number;
  declare currency: string;
  declare refunds_fail: boolean;
  declare created_at: Date;
}

const toEntry = (row: LedgerRow): LedgerEntry => ({
  outcome: {
    reference: row.reference,
    type: row.type,
    status: row.status,
    gatewayTransactionId: row.gateway_transaction_id,
    responseCode: row.response_code,
    amount: Number(row.amount),
    currency: row.currency,
  },
  refundsFail: Boolean(row.refunds_fail),
});

/** The books in the `test_gateway_ledger` table (migration 006); the primary key on the reference makes two replicas agree. */
export class SqlLedger implements LedgerStore {
  private readonly Row: typeof LedgerRow;

  constructor(private readonly sequelize: Sequelize) {
    // a subclass per instance, so two instances on two databases never share a binding
    class Row extends LedgerRow {}
    this.Row = Row.init(
      {
        reference: { type: DataTypes.STRING(80), primaryKey: true },
        type: { type: DataTypes.STRING(8), allowNull: false },
        status: { type: DataTypes.STRING(12), allowNull: false },
        gateway_transaction_id: { type: DataTypes.STRING(100), allowNull: false },
        response_code: { type: DataTypes.STRING(64), allowNull: false },
        amount: { type: DataTypes.INTEGER, allowNull: false },
        currency: { type: DataTypes.STRING(3), allowNull: false },
        refunds_fail: { type: DataTypes.BOOLEAN, allowNull: false },
        created_at: { type: DataTypes.DATE(3), allowNull: false },
      },
      { sequelize, tableName: "test_gateway_ledger", modelName: "TestGatewayLedger", timestamps: false },
    );
  }

  async record(entry: LedgerEntry): Promise<LedgerEntry> {
    const o = entry.outcome;
    try {
      // in a managed transaction: on SQLite it then queues for the one writer connection (see the outbox)
      await this.sequelize.transaction((transaction) => this.Row.create({
        reference: o.reference,
        type: o.type,
        status: o.status,
        gateway_transaction_id: o.gatewayTransactionId,
        response_code: o.responseCode,
        amount: o.amount,
        currency: o.currency,
        refunds_fail: entry.refundsFail,
        created_at: new Date(),
      }, { transaction }));
      return entry;
    } catch (error) {
      // another replica recorded the same reference first: its outcome stands
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.byReference(o.reference);
      if (!existing) throw error;
      return existing;
    }
  }

  async byReference(reference: string): Promise<LedgerEntry | null> {
    const row = await this.Row.findByPk(reference);
    return row ? toEntry(row) : null;
  }

  async chargeById(id: string): Promise<LedgerEntry | null> {
    const row = await this.Row.findOne({ where: { type: "charge", gateway_transaction_id: id } });
    return row ? toEntry(row) : null;
  }

  async all(): Promise<ProcessorOutcome[]> {
    return (await this.Row.findAll({ order: [["created_at", "ASC"]] })).map((r) => toEntry(r).outcome);
  }
}
