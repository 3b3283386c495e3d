import { Op } from "sequelize";
import { conflict, decodeCursor, encodeCursor, isUniqueViolation, unprocessable } from "@disqo-commerce/kit";
import type { components } from "./generated/openapi.js";
import type { CartModels, PromoCodeModel } from "./models/index.js";
import type { Discount } from "./pricing.js";
import { CURRENCY } from "./money.js";

type PromoCodeView = components["schemas"]["PromoCode"];
type PromoCodeInput = components["schemas"]["PromoCodeInput"];

export interface PromoCodeRecord {
  code: string;
  kind: "percent" | "amount";
  percentOff: number | null;
  amountOff: number | null;
  minSubtotal: number | null;
  expiresAt: Date | null;
  isActive: boolean;
  /** Orders in all that may use the code (null: no limit). */
  maxRedemptions: number | null;
  oncePerCustomer: boolean;
}

function toRecord(row: PromoCodeModel): PromoCodeRecord {
  return {
    code: row.code,
    kind: row.kind,
    percentOff: row.percent_off,
    amountOff: row.amount_off === null ? null : Number(row.amount_off),
    minSubtotal: row.min_subtotal === null ? null : Number(row.min_subtotal),
    expiresAt: row.expires_at,
    isActive: row.is_active,
    maxRedemptions: row.max_redemptions ?? null,
    oncePerCustomer: Boolean(row.once_per_customer),
  };
}

function toView(row: PromoCodeModel): PromoCodeView {
  const view: PromoCodeView = {
    id: row.id,
    code: row.code,
    kind: row.kind,
    percent_off: row.percent_off,
    expires_at: row.expires_at ? row.expires_at.toISOString() : null,
    is_active: Boolean(row.is_active),
    max_redemptions: row.max_redemptions ?? null,
    once_per_customer: Boolean(row.once_per_customer),
    redemptions: Number(row.redemptions ?? 0),
    created_at: row.created_at.toISOString(),
  };
  if (row.amount_off !== null) view.amount_off = { amount: Number(row.amount_off), currency: row.currency };
  if (row.min_subtotal !== null) view.min_subtotal = { amount: Number(row.min_subtotal), currency: row.currency };
  return view;
}

export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

const invalidCode = (detail: string) => unprocessable("invalid_promo_code", detail, { errors: [{ path: "/body/promo_code", message: detail }] });

/**
 * Whether a code can discount a cart with this subtotal now; the discount to apply, or a 422
 * `invalid_promo_code` saying why not.
 */
export function applicableDiscount(promo: PromoCodeRecord | null, subtotal: number, now: Date): Discount {
  if (!promo || !promo.isActive) throw invalidCode("This promo code does not exist.");
  if (promo.expiresAt && promo.expiresAt.getTime() <= now.getTime()) throw invalidCode("This promo code has expired.");
  if (promo.minSubtotal !== null && subtotal < promo.minSubtotal) {
    throw invalidCode(`This promo code needs a subtotal of at least ${(promo.minSubtotal / 100).toFixed(2)} ${CURRENCY}.`);
  }
  return promo.kind === "percent" ? { kind: "percent", percentOff: promo.percentOff ?? 0 } : { kind: "amount", amountOff: promo.amountOff ?? 0 };
}

export function createPromoCodes(models: CartModels) {
  return {
    async find(code: string): Promise<PromoCodeRecord | null> {
      const row = await models.PromoCode.findOne({ where: { code: normalizeCode(code) } });
      return row ? toRecord(row) : null;
    },

    async create(input: PromoCodeInput): Promise<PromoCodeView> {
      // The spec cannot say "exactly the field that matches kind" without oneOf, so this rule lives here.
      const errors: { path: string; message: string }[] = [];
      if (input.kind === "percent") {
        if (input.percent_off === undefined) errors.push({ path: "/body/percent_off", message: "is required for a percent code" });
        if (input.amount_off !== undefined) errors.push({ path: "/body/amount_off", message: "must be absent for a percent code" });
      } else {
        if (input.amount_off === undefined) errors.push({ path: "/body/amount_off", message: "is required for an amount code" });
        else if (input.amount_off.amount <= 0) errors.push({ path: "/body/amount_off/amount", message: "must be positive" });
        if (input.percent_off !== undefined) errors.push({ path: "/body/percent_off", message: "must be absent for an amount code" });
      }
      for (const [field, money] of [["amount_off", input.amount_off], ["min_subtotal", input.min_subtotal]] as const) {
        if (money && money.currency !== CURRENCY) errors.push({ path: `/body/${field}/currency`, message: `must be ${CURRENCY}` });
        if (money && money.amount < 0) errors.push({ path: `/body/${field}/amount`, message: "must not be negative" });
      }
      if (errors.length) throw unprocessable("validation_failed", "The promo code is not valid.", { errors });
      try {
        const row = await models.PromoCode.create({
          code: normalizeCode(input.code),
          kind: input.kind,
          percent_off: input.kind === "percent" ? input.percent_off! : null,
          amount_off: input.kind === "amount" ? input.amount_off!.amount : null,
          min_subtotal: input.min_subtotal?.amount ?? null,
          currency: CURRENCY,
          expires_at: input.expires_at ? new Date(input.expires_at) : null,
          is_active: true,
          max_redemptions: input.max_redemptions ?? null,
          once_per_customer: input.once_per_customer ?? false,
        });
        return toView(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict("conflict", `The promo code ${normalizeCode(input.code)} already exists.`);
        throw error;
      }
    },

    async list(options: { limit: number; cursor?: string }): Promise<{ data: PromoCodeView[]; next_cursor: string | null }> {
      const after = decodeCursor<{ id: number }>(options.cursor, ["id"]);
      const rows = await models.PromoCode.findAll({
        where: after ? { id: { [Op.gt]: after.id } } : {},
        order: [["id", "ASC"]],
        limit: options.limit + 1,
      });
      const page = rows.slice(0, options.limit);
      const next = rows.length > options.limit ? encodeCursor({ id: page[page.length - 1].id }) : null;
      return { data: page.map(toView), next_cursor: next };
    },
  };
}

export type PromoCodes = ReturnType<typeof createPromoCodes>;
