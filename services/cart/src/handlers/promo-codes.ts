import type { HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { CartDomain } from "./index.js";

type PromoOps = Pick<operations, "createPromoCode" | "listPromoCodes">;

export function promoCodeHandlers(d: CartDomain): HandlerMap<PromoOps> {
  return {
    async createPromoCode({ body }) {
      return { status: 201, body: await d.promoCodes.create(body) };
    },
    async listPromoCodes({ query }) {
      return { status: 200, body: await d.promoCodes.list({ limit: Number(query.limit ?? 20), cursor: query.cursor }) };
    },
  };
}
