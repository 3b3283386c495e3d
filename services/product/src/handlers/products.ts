import type { HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import { viewerOf, type ProductDomain } from "./index.js";

type ProductOps = Pick<operations, "searchProducts" | "getProduct" | "createProduct" | "updateProduct" | "deactivateProduct">;

export function productHandlers(d: ProductDomain): HandlerMap<ProductOps> {
  return {
    async searchProducts({ query, principal, req }) {
      const viewer = viewerOf(d, principal, req);
      const page = await d.catalog.search(query, viewer);
      await d.searchEvents.searched(query, page.total_count, viewer);
      return { status: 200, body: page };
    },
    async getProduct({ params, principal, req }) {
      return { status: 200, body: await d.catalog.get(Number(params.id), viewerOf(d, principal, req)) };
    },
    async createProduct({ body }) {
      return { status: 201, body: await d.catalog.create(body) };
    },
    async updateProduct({ params, body }) {
      return { status: 200, body: await d.catalog.update(Number(params.id), body) };
    },
    async deactivateProduct({ params }) {
      return { status: 200, body: await d.catalog.deactivate(Number(params.id)) };
    },
  };
}
