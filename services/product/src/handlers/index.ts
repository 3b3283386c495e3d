import type { Request } from "express";
import type { HandlerMap, Principal, TokenVerifier } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { Catalog } from "../catalog.js";
import type { ProductImages } from "../images/product-images.js";
import type { Inventory } from "../inventory.js";
import type { SearchEvents } from "../search-events.js";
import { imageHandlers } from "./images.js";
import { inventoryHandlers } from "./inventory.js";
import { legacyHandlers } from "./legacy.js";
import { productHandlers } from "./products.js";

export interface ProductDomain {
  catalog: Catalog;
  images: ProductImages;
  inventory: Inventory;
  searchEvents: SearchEvents;
  verifier: TokenVerifier;
}

/**
 * The caller of a public read. The kit resolves only user tokens on public operations; the
 * cart and order services read products with their service credential and, like admins,
 * must see inactive products (to tell a shopper an item is no longer sold).
 */
export function viewerOf(d: ProductDomain, principal: Principal | null, req: Request): Principal | null {
  if (principal) return principal;
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  if (!token) return null;
  try {
    return d.verifier.verifyServiceToken(token);
  } catch {
    return null;
  }
}

/** Every operation of openapi/product.yaml, keyed by operationId. */
export function createHandlers(d: ProductDomain): HandlerMap<operations> {
  return { ...productHandlers(d), ...imageHandlers(d), ...inventoryHandlers(d), ...legacyHandlers(d) };
}
