import type { components } from "./generated/openapi.js";

/** The catalog is priced in one currency (the product service's `Price` is USD only). */
export const CURRENCY = "USD";

export type Money = components["schemas"]["Money"];

/** An amount in minor units; BIGINT columns may arrive as text. */
export function money(amount: number | string, currency: string = CURRENCY): Money {
  return { amount: Number(amount), currency };
}
