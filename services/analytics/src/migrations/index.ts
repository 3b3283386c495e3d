import { DataTypes } from "sequelize";
import { idempotencyHolderMigration, idempotencyMigration, type Migration } from "@disqo-commerce/kit";

/*
 * Raw events plus a de-duplicated per-(step, day, person) rollup written with them: the funnel
 * counts distinct people per step from the rollup (an index-only range scan per step), never
 * from the raw events, so it stays fast at millions of events and survives the raw events'
 * retention purge. Days are UTC `YYYY-MM-DD` text on both backends so they compare and group
 * the same way.
 */

const createEvents: Migration = {
  name: "001-create-analytics-events",
  async up({ context: qi }) {
    await qi.createTable("analytics_events", {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      type: { type: DataTypes.STRING(32), allowNull: false },
      occurred_at: { type: DataTypes.DATE(3), allowNull: false },
      day: { type: DataTypes.STRING(10), allowNull: false },
      // "v:<visitor id>" or "u:<user id>" (see people.ts); null when the fact names nobody
      person: { type: DataTypes.STRING(80), allowNull: true },
      visitor_id: { type: DataTypes.STRING(64), allowNull: true },
      user_id: { type: DataTypes.INTEGER, allowNull: true },
      // the properties the KPIs read, as columns; the rest stays in `properties`
      amount: { type: DataTypes.BIGINT, allowNull: true },
      currency: { type: DataTypes.STRING(3), allowNull: true },
      term: { type: DataTypes.STRING(200), allowNull: true },
      result_count: { type: DataTypes.INTEGER, allowNull: true },
      properties: { type: DataTypes.TEXT, allowNull: false },
      received_at: { type: DataTypes.DATE(3), allowNull: false },
    });
    // covers the KPI summary's reads: who added to a cart or bought and when, and the daily order totals
    await qi.addIndex("analytics_events", ["type", "day", "person", "occurred_at", "currency", "amount"], { name: "analytics_events_type_day" });
    await qi.addIndex("analytics_events", ["type", "person", "day"], { name: "analytics_events_type_person" });
    await qi.addIndex("analytics_events", ["received_at"], { name: "analytics_events_received" });
    // covers the top searches that found nothing
    await qi.addIndex("analytics_events", ["type", "result_count", "day", "term"], { name: "analytics_events_zero_results" });
  },
};

const createFunnelDays: Migration = {
  name: "002-create-analytics-funnel-days",
  async up({ context: qi }) {
    // who reached which step on which day, and their previous day at that step ("" for none):
    // see domain/funnel-rollup.ts
    await qi.createTable("analytics_funnel_days", {
      step: { type: DataTypes.STRING(32), allowNull: false, primaryKey: true },
      day: { type: DataTypes.STRING(10), allowNull: false, primaryKey: true },
      person: { type: DataTypes.STRING(80), allowNull: false, primaryKey: true },
      prev_day: { type: DataTypes.STRING(10), allowNull: false, defaultValue: "" },
    });
    await qi.addIndex("analytics_funnel_days", ["person", "step", "day"], { name: "analytics_funnel_days_person" });
    // people per (step, day, previous day): the funnel query sums these
    await qi.createTable("analytics_funnel_counts", {
      step: { type: DataTypes.STRING(32), allowNull: false, primaryKey: true },
      day: { type: DataTypes.STRING(10), allowNull: false, primaryKey: true },
      prev_day: { type: DataTypes.STRING(10), allowNull: false, primaryKey: true },
      people: { type: DataTypes.BIGINT, allowNull: false },
    });
    // one row per person, locked while their rollup rows change (MariaDB: concurrent batches of one person queue)
    await qi.createTable("analytics_funnel_people", {
      person: { type: DataTypes.STRING(80), allowNull: false, primaryKey: true },
    });
  },
};

const createIdentities: Migration = {
  name: "003-create-analytics-identities",
  async up({ context: qi }) {
    // the first visitor id seen together with a user id: that user's later events without a
    // visitor id (e.g. from an SDK integrator) count as the same person
    await qi.createTable("analytics_identities", {
      user_id: { type: DataTypes.INTEGER, primaryKey: true },
      visitor_id: { type: DataTypes.STRING(64), allowNull: false },
    });
  },
};

export const migrations: Migration[] = [idempotencyMigration, createEvents, createFunnelDays, createIdentities, idempotencyHolderMigration];
