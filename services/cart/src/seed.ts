import { isUniqueViolation } from "@disqo-commerce/kit";
import type { CartModels } from "./models/index.js";
import { CURRENCY } from "./money.js";

/** Development demo codes (docs/ARCHITECTURE.md); a production start seeds nothing. */
export const DEMO_PROMO_CODES = [
  // A welcome offer: each customer may use it for one order.
  { code: "WELCOME10", kind: "percent" as const, percent_off: 10, amount_off: null, min_subtotal: null, once_per_customer: true },
  { code: "SAVE5", kind: "amount" as const, percent_off: null, amount_off: 500, min_subtotal: 2500, once_per_customer: false },
];

export async function seedDemoPromoCodes(models: CartModels): Promise<void> {
  for (const promo of DEMO_PROMO_CODES) {
    if (await models.PromoCode.findOne({ where: { code: promo.code } })) continue;
    try {
      await models.PromoCode.create({ ...promo, currency: CURRENCY, expires_at: null, is_active: true });
    } catch (error) {
      // another replica seeded it at the same moment
      if (!isUniqueViolation(error)) throw error;
    }
  }
}
