/**
 * The cart: add from a product page or a result card, change quantities, remove, empty. A
 * visitor who is not logged in has a guest cart (guest-cart.ts) that merges into their own
 * cart when they log in or sign up.
 */
import { Router, type Request, type Response } from "express";
import type { RouteContext } from "../app.js";
import { apiCode, apiMessage, apiStatus } from "../errors.js";
import { integer, pathId } from "../forms.js";
import { readGuestCart, withAdded, withQuantity, writeGuestCart, type GuestLine } from "../guest-cart.js";
import { locals } from "../session.js";
import type { Shop } from "../shop.js";

export const MAX_QUANTITY = 99;

/** A guest cart shaped like the API's Cart for the template, priced now from the catalog (lines whose product is gone are left out). */
async function guestCartView(shop: Shop, lines: GuestLine[]) {
  if (lines.length === 0) return { items: [], item_count: 0, subtotal: null, guest: true };
  const page = await shop.products.list({ ids: lines.map((l) => l.productId).join(","), limit: 100 });
  const byId = new Map(page.data.map((p) => [p.id, p]));
  const items = lines.flatMap((l) => {
    const p = byId.get(l.productId);
    return p ? [{ id: p.id, product_id: p.id, name: p.name, quantity: l.quantity, unit_price: p.price, line_total: { amount: p.price.amount * l.quantity, currency: p.price.currency } }] : [];
  });
  const subtotal = { amount: items.reduce((n, i) => n + i.line_total.amount, 0), currency: items[0]?.unit_price.currency ?? "USD" };
  return { items, item_count: items.reduce((n, i) => n + i.quantity, 0), subtotal, guest: true };
}

export function cartRoutes({ sessions, cookieSecure }: RouteContext): Router {
  const router = Router();
  const isGuest = (res: Response) => !locals(res).session;
  const saveGuest = (res: Response, lines: GuestLine[]) => writeGuestCart(res, lines, cookieSecure);

  router.get("/cart", async (req, res) => {
    const { shop } = locals(res);
    const cart = isGuest(res) ? await guestCartView(shop, readGuestCart(req)) : await shop.cart.get();
    res.render("cart.njk", { title: "Your cart", cart, maxQuantity: MAX_QUANTITY });
  });

  /** A guest's add: the product must be on sale with the stock for the line, as the API would check it. */
  async function addAsGuest(req: Request, res: Response, productId: number, quantity: number, back: string) {
    let product;
    try {
      product = await locals(res).shop.products.get(productId);
    } catch (error) {
      if (apiStatus(error) !== 404) throw error;
      sessions.flash(res, "error", "That product is no longer available.");
      return res.redirect(303, "/");
    }
    const lines = readGuestCart(req);
    const inCart = lines.find((l) => l.productId === productId)?.quantity ?? 0;
    if (inCart + quantity > MAX_QUANTITY) {
      sessions.flash(res, "error", `A cart line holds at most ${MAX_QUANTITY} units.`);
      return res.redirect(303, back);
    }
    if (!product.is_active || (product.available ?? 0) < inCart + quantity) {
      sessions.flash(res, "error", product.is_active ? "Sorry, there isn't enough stock for that quantity." : "That product is no longer available.");
      return res.redirect(303, back);
    }
    saveGuest(res, withAdded(lines, productId, quantity, MAX_QUANTITY));
    sessions.flash(res, "success", `${quantity === 1 ? "Added to your cart." : `Added ${quantity} to your cart.`} Log in or register at checkout: your cart comes with you.`);
    res.redirect(303, "/cart");
  }

  router.post("/cart/items", async (req, res) => {
    const productId = integer(req.body?.product_id, 1, Number.MAX_SAFE_INTEGER);
    const quantity = integer(req.body?.quantity, 1, MAX_QUANTITY);
    const back = productId ? `/products/${productId}` : "/";
    if (productId === null) {
      sessions.flash(res, "error", "That product could not be found.");
      return res.redirect(303, "/");
    }
    if (quantity === null) {
      sessions.flash(res, "error", `Choose a quantity from 1 to ${MAX_QUANTITY}.`);
      return res.redirect(303, back);
    }
    if (isGuest(res)) return addAsGuest(req, res, productId, quantity, back);
    try {
      await locals(res).shop.cart.addItem({ product_id: productId, quantity });
      sessions.flash(res, "success", quantity === 1 ? "Added to your cart." : `Added ${quantity} to your cart.`);
      res.redirect(303, "/cart");
    } catch (error) {
      const status = apiStatus(error);
      if (status === 404) {
        sessions.flash(res, "error", "That product is no longer available.");
        return res.redirect(303, "/");
      }
      if (status === 409 || status === 422) {
        sessions.flash(res, "error", stockMessage(error));
        return res.redirect(303, back);
      }
      throw error;
    }
  });

  router.post("/cart/items/:itemId", async (req, res) => {
    const itemId = pathId(req.params.itemId);
    const quantity = integer(req.body?.quantity, 0, MAX_QUANTITY);
    if (quantity === null) {
      sessions.flash(res, "error", `Choose a quantity from 0 to ${MAX_QUANTITY}.`);
      return res.redirect(303, "/cart");
    }
    if (isGuest(res)) {
      // a guest's line is named by its product id
      saveGuest(res, withQuantity(readGuestCart(req), itemId, quantity));
      sessions.flash(res, "success", quantity === 0 ? "Item removed from your cart." : "Quantity updated.");
      return res.redirect(303, "/cart");
    }
    const { shop } = locals(res);
    try {
      if (quantity === 0) {
        await shop.cart.removeItem(itemId);
        sessions.flash(res, "success", "Item removed from your cart.");
      } else {
        await shop.cart.updateItem(itemId, { quantity });
        sessions.flash(res, "success", "Quantity updated.");
      }
    } catch (error) {
      const status = apiStatus(error);
      if (status === 404) sessions.flash(res, "error", "That item is no longer in your cart.");
      else if (status === 409 || status === 422) sessions.flash(res, "error", stockMessage(error));
      else throw error;
    }
    res.redirect(303, "/cart");
  });

  router.post("/cart/items/:itemId/remove", async (req, res) => {
    const itemId = pathId(req.params.itemId);
    if (isGuest(res)) {
      saveGuest(res, withQuantity(readGuestCart(req), itemId, 0));
      sessions.flash(res, "success", "Item removed from your cart.");
      return res.redirect(303, "/cart");
    }
    try {
      await locals(res).shop.cart.removeItem(itemId);
      sessions.flash(res, "success", "Item removed from your cart.");
    } catch (error) {
      if (apiStatus(error) !== 404) throw error;
      sessions.flash(res, "info", "That item was already gone from your cart.");
    }
    res.redirect(303, "/cart");
  });

  router.post("/cart/clear", async (_req, res) => {
    if (isGuest(res)) saveGuest(res, []);
    else await locals(res).shop.cart.clear();
    sessions.flash(res, "success", "Your cart is empty.");
    res.redirect(303, "/cart");
  });

  return router;
}

function stockMessage(error: unknown): string {
  if (apiCode(error) === "insufficient_stock") return "Sorry, there isn't enough stock for that quantity.";
  if (apiCode(error) === "product_unavailable") return "That product is no longer available.";
  return apiMessage(error, "That quantity can't be added.");
}
