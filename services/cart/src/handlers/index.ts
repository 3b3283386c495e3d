import type { HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { Carts } from "../carts.js";
import type { PromoCodes } from "../promo-codes.js";
import type { Quotes } from "../quotes.js";
import { cartHandlers } from "./cart.js";
import { promoCodeHandlers } from "./promo-codes.js";
import { quoteHandlers } from "./quotes.js";

export interface CartDomain {
  carts: Carts;
  quotes: Quotes;
  promoCodes: PromoCodes;
}

/** Every operation of openapi/cart.yaml, keyed by operationId. */
export function createHandlers(d: CartDomain): HandlerMap<operations> {
  return { ...cartHandlers(d), ...quoteHandlers(d), ...promoCodeHandlers(d) };
}
