/** The cart: add from a product page, change quantities, remove, empty. */
import { Router } from "express";
import type { RouteContext } from "../app.js";
import { apiCode, apiMessage, apiStatus } from "../errors.js";
import { integer, pathId } from "../forms.js";
import { locals, requireLogin } from "../session.js";

export const MAX_QUANTITY = 99;

export function cartRoutes({ sessions }: RouteContext): Router {
  const router = Router();

  router.get("/cart", requireLogin, async (_req, res) => {
    const cart = await locals(res).shop.cart.get();
    res.render("cart.njk", { title: "Your cart", cart, maxQuantity: MAX_QUANTITY });
  });

  router.post("/cart/items", requireLogin, async (req, res) => {
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

  router.post("/cart/items/:itemId", requireLogin, async (req, res) => {
    const itemId = pathId(req.params.itemId);
    const quantity = integer(req.body?.quantity, 0, MAX_QUANTITY);
    if (quantity === null) {
      sessions.flash(res, "error", `Choose a quantity from 0 to ${MAX_QUANTITY}.`);
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

  router.post("/cart/items/:itemId/remove", requireLogin, async (req, res) => {
    const itemId = pathId(req.params.itemId);
    try {
      await locals(res).shop.cart.removeItem(itemId);
      sessions.flash(res, "success", "Item removed from your cart.");
    } catch (error) {
      if (apiStatus(error) !== 404) throw error;
      sessions.flash(res, "info", "That item was already gone from your cart.");
    }
    res.redirect(303, "/cart");
  });

  router.post("/cart/clear", requireLogin, async (_req, res) => {
    await locals(res).shop.cart.clear();
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
