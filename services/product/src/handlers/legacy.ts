import type { HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { ProductDomain } from "./index.js";

export function legacyHandlers(d: ProductDomain): HandlerMap<Pick<operations, "legacySearch">> {
  return {
    async legacySearch({ body }) {
      return { status: 200, body: await d.catalog.legacySearch(body?.search_term) };
    },
  };
}
