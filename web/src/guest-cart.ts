/**
 * A visitor's cart before they have an account: product ids and quantities in a signed,
 * httpOnly cookie (prices are always read fresh from the API, so the cookie holds nothing a
 * visitor could profit from forging). On login or signup it merges into the user's cart
 * through the SDK: quantities add, and a line the stock cannot fully cover is added as far as
 * the stock goes.
 */
import type { CookieOptions, Request, Response } from "express";
import { apiCode, apiStatus } from "./errors.js";
import type { Shop } from "./shop.js";

export const GUEST_CART_COOKIE = "dc_guest_cart";
const GUEST_CART_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
/** Lines a guest cart keeps (the cookie stays far below browsers' 4 KB). */
export const GUEST_CART_MAX_LINES = 50;

export interface GuestLine {
  productId: number;
  quantity: number;
}

export function readGuestCart(req: Request): GuestLine[] {
  const raw: unknown = req.signedCookies?.[GUEST_CART_COOKIE];
  if (typeof raw !== "string") return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((l): l is [number, number] => Array.isArray(l) && Number.isSafeInteger(l[0]) && l[0] > 0 && Number.isSafeInteger(l[1]) && l[1] > 0)
      .slice(0, GUEST_CART_MAX_LINES)
      .map(([productId, quantity]) => ({ productId, quantity }));
  } catch {
    return [];
  }
}

export function writeGuestCart(res: Response, lines: GuestLine[], secure: boolean): void {
  const options: CookieOptions = { httpOnly: true, sameSite: "lax", secure, path: "/", signed: true };
  if (lines.length === 0) {
    res.clearCookie(GUEST_CART_COOKIE, options);
    return;
  }
  res.cookie(GUEST_CART_COOKIE, JSON.stringify(lines.map((l) => [l.productId, l.quantity])), { ...options, maxAge: GUEST_CART_MAX_AGE_MS });
}

/** The quantity of a product after adding `quantity` (capped at `max` per line, like the API). */
export function withAdded(lines: GuestLine[], productId: number, quantity: number, max: number): GuestLine[] {
  const existing = lines.find((l) => l.productId === productId);
  if (existing) return lines.map((l) => (l.productId === productId ? { ...l, quantity: Math.min(max, l.quantity + quantity) } : l));
  return [...lines, { productId, quantity: Math.min(max, quantity) }].slice(-GUEST_CART_MAX_LINES);
}

export function withQuantity(lines: GuestLine[], productId: number, quantity: number): GuestLine[] {
  return quantity === 0 ? lines.filter((l) => l.productId !== productId) : lines.map((l) => (l.productId === productId ? { ...l, quantity } : l));
}

/** What a merge did, for the flash message. */
export interface MergeResult {
  added: number;
  /** Lines added with fewer units than the guest had (stock ran short). */
  reduced: number;
  /** Lines that could not be added at all (gone, inactive, or out of stock). */
  dropped: number;
}

/** How many more units of the product the cart can take, from an insufficient_stock problem (its `products` shortages). */
function addableOf(error: unknown, line: GuestLine): number | undefined {
  const body = (error as { body?: { products?: { product_id: number; requested: number; available: number }[] } }).body;
  const shortage = body?.products?.find((s) => s.product_id === line.productId);
  // `requested` counts what the cart already held plus this line
  return shortage ? shortage.available - (shortage.requested - line.quantity) : undefined;
}

/**
 * Adds each guest line to the (now logged-in) shopper's cart. A line the stock cannot cover is
 * retried with what is available; a product that is gone is dropped. Other errors propagate.
 */
export async function mergeGuestCart(shop: Pick<Shop, "cart">, lines: GuestLine[]): Promise<MergeResult> {
  const result: MergeResult = { added: 0, reduced: 0, dropped: 0 };
  for (const line of lines) {
    try {
      await shop.cart.addItem({ product_id: line.productId, quantity: line.quantity });
      result.added += 1;
    } catch (error) {
      const status = apiStatus(error);
      if (status === 404 || apiCode(error) === "product_unavailable") {
        result.dropped += 1;
        continue;
      }
      if (apiCode(error) !== "insufficient_stock") {
        // e.g. the line would pass the per-line limit with what the user's cart already holds
        if (status === 409 || status === 422) {
          result.dropped += 1;
          continue;
        }
        throw error;
      }
      const available = addableOf(error, line) ?? 0;
      if (available <= 0 || available >= line.quantity) {
        result.dropped += 1;
        continue;
      }
      try {
        await shop.cart.addItem({ product_id: line.productId, quantity: available });
        result.reduced += 1;
      } catch (again) {
        if (apiStatus(again) !== 409 && apiStatus(again) !== 422) throw again;
        result.dropped += 1;
      }
    }
  }
  return result;
}

export function mergeMessage(merge: MergeResult): string | null {
  const parts: string[] = [];
  if (merge.added + merge.reduced > 0) parts.push(`We moved ${merge.added + merge.reduced} ${merge.added + merge.reduced === 1 ? "item" : "items"} from before you logged in into your cart`);
  if (merge.reduced > 0) parts.push(`${merge.reduced} with fewer units, as that is all the stock we have`);
  if (merge.dropped > 0) parts.push(`${merge.dropped} could not be added (no longer available)`);
  return parts.length ? `${parts.join("; ")}.` : null;
}
