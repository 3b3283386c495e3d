import type { HandlerMap } from "@disqo-commerce/kit";
import { userOf } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { CartDomain } from "./index.js";

type QuoteOps = Pick<operations, "createQuote" | "getQuote" | "acceptQuote">;

export function quoteHandlers(d: CartDomain): HandlerMap<QuoteOps> {
  return {
    async createQuote({ principal, body }) {
      return { status: 201, body: await d.quotes.create(userOf(principal).userId, body ?? {}) };
    },
    async getQuote({ principal, params }) {
      // the spec admits a user token or a service credential, so a principal is always there
      return { status: 200, body: await d.quotes.get(principal!, params.id) };
    },
    async acceptQuote({ params, body }) {
      return { status: 200, body: await d.quotes.accept(params.id, body.order_id, body.paid_at ? new Date(body.paid_at) : undefined) };
    },
  };
}
