/*
 * Redemption limits of promo codes (`max_redemptions`, `once_per_customer`).
 *
 * A redemption counts when its quote is accepted, i.e. paid; but a paid order cannot be
 * refused its discount afterwards, so the limit is enforced when the quote is made: an open
 * quote holds one redemption until it expires, and a new quote is refused (409) when the
 * redeemed plus held redemptions reach the limit, or when this customer already has one of a
 * once-per-customer code. Two accepts at the limit therefore cannot both exceed it: each had
 * to hold its redemption first, and holds are taken one at a time (the code's row is locked;
 * SQLite runs write transactions one after another). Acceptance turns the hold into a
 * redemption, and always succeeds: the shopper has paid.
 */
import { Op, type Transaction } from "sequelize";
import { conflict } from "@disqo-commerce/kit";
import type { CartModels } from "./models/index.js";
import type { PromoCodeRecord } from "./promo-codes.js";

/** Whether a code has a limit that holds must be taken for. */
export function isLimited(promo: PromoCodeRecord): boolean {
  return promo.maxRedemptions !== null || promo.oncePerCustomer;
}

export function createPromoRedemptions(models: CartModels) {
  const { PromoCode, PromoRedemption } = models;
  /**
   * 409 when the code cannot be used by this user now, not counting the holds of `except` (the
   * quotes a new one will supersede). Inside `t`, the answer holds until it commits.
   */
  async function assertAvailable(promo: PromoCodeRecord, userId: number, now: Date, options: { except?: string[]; t?: Transaction } = {}): Promise<void> {
    const t = options.t;
    // Redeemed, or held by a quote that has not expired (and is not about to be superseded).
    const live = (code: string) => ({
      code,
      [Op.or]: [{ status: "redeemed" }, { expires_at: { [Op.gt]: now } }],
      ...(options.except?.length ? { quote_id: { [Op.notIn]: options.except } } : {}),
    });
    if (promo.oncePerCustomer) {
      const mine = await PromoRedemption.count({ where: { ...live(promo.code), user_id: userId }, transaction: t });
      if (mine > 0) throw conflict("promo_code_already_used", `The promo code ${promo.code} is once per customer and you have already used it (or hold it on another open quote).`);
    }
    if (promo.maxRedemptions !== null) {
      const used = await PromoRedemption.count({ where: live(promo.code), transaction: t });
      if (used >= promo.maxRedemptions) throw conflict("promo_code_exhausted", `The promo code ${promo.code} has no redemptions left.`);
    }
  }

  return {
    assertAvailable,

    /** Inside the quote's transaction: gives up the holds of the quotes it supersedes. */
    async releaseHolds(quoteIds: string[], t: Transaction): Promise<void> {
      if (quoteIds.length) await PromoRedemption.destroy({ where: { quote_id: quoteIds, status: "held" }, transaction: t });
    },

    /** Inside the quote's transaction: checks the limits again under the code's row lock and holds one redemption. */
    async hold(promo: PromoCodeRecord, userId: number, quoteId: string, expiresAt: Date, now: Date, t: Transaction): Promise<void> {
      if (!isLimited(promo)) return;
      await PromoCode.findOne({ where: { code: promo.code }, lock: t.LOCK.UPDATE, transaction: t });
      await assertAvailable(promo, userId, now, { t });
      await PromoRedemption.create({ code: promo.code, user_id: userId, quote_id: quoteId, status: "held", expires_at: expiresAt }, { transaction: t });
    },

    /** Inside the acceptance's transaction: the quote's redemption counts (its hold becomes it, or it is recorded now). */
    async redeem(quote: { id: string; promo_code: string | null; user_id: number; expires_at: Date }, orderId: string, t: Transaction): Promise<void> {
      if (!quote.promo_code) return;
      const [held] = await PromoRedemption.update({ status: "redeemed", order_id: orderId }, { where: { quote_id: quote.id }, transaction: t });
      if (held === 0) {
        await PromoRedemption.create({ code: quote.promo_code, user_id: quote.user_id, quote_id: quote.id, status: "redeemed", expires_at: quote.expires_at, order_id: orderId }, { transaction: t });
      }
      await PromoCode.increment("redemptions", { by: 1, where: { code: quote.promo_code }, transaction: t });
    },
  };
}

export type PromoRedemptions = ReturnType<typeof createPromoRedemptions>;
