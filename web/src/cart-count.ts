/**
 * The number of items in the header's cart link: the guest cart's from its cookie, a
 * shopper's from the API (one call per page; a failure only leaves the count out).
 */
import type { NextFunction, Request, Response } from "express";
import { readGuestCart } from "./guest-cart.js";
import { locals } from "./session.js";

export async function cartCount(req: Request, res: Response, next: NextFunction): Promise<void> {
  if (req.method !== "GET") return next();
  const l = locals(res);
  if (!l.session) {
    res.locals.cartCount = readGuestCart(req).reduce((n, line) => n + line.quantity, 0);
    return next();
  }
  try {
    res.locals.cartCount = (await l.shop.cart.get()).item_count;
  } catch {
    res.locals.cartCount = null;
  }
  next();
}
