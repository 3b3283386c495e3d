/** Order confirmation, history, detail with receipts, cancellation; receipt pages. */
import { Router } from "express";
import { randomUUID } from "node:crypto";
import type { RouteContext } from "../app.js";
import { apiCode, apiMessage, apiStatus } from "../errors.js";
import { list, pathKey, query, text } from "../forms.js";
import { humanize, shortId } from "../views.js";
import { locals, requireLogin } from "../session.js";

/** An order can be cancelled until it ships. */
export const CANCELLABLE = new Set(["pending", "paid"]);

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,200}$/;

export function orderRoutes({ sessions }: RouteContext): Router {
  const router = Router();

  router.get("/orders", requireLogin, async (req, res) => {
    const cursor = text(req.query, "cursor", 300);
    const prev = list(req.query, "prev");
    const page = await locals(res).shop.orders.list({ limit: 20, cursor: cursor || undefined });
    const nextUrl = page.next_cursor ? `/orders${query({ cursor: page.next_cursor, prev: cursor ? [...prev, cursor] : prev })}` : null;
    const prevUrl = cursor ? `/orders${query({ cursor: prev[prev.length - 1], prev: prev.slice(0, -1) })}` : null;
    res.render("orders.njk", { title: "Your orders", orders: page.data, nextUrl, prevUrl });
  });

  router.get("/orders/:id/confirmation", requireLogin, async (req, res) => {
    const order = await locals(res).shop.orders.get(pathKey(req.params.id));
    res.render("confirmation.njk", { title: `Order ${shortId(order.id)} placed`, order });
  });

  router.get("/orders/:id", requireLogin, async (req, res) => {
    const order = await locals(res).shop.orders.get(pathKey(req.params.id));
    res.render("order.njk", {
      title: `Order ${shortId(order.id)}`,
      order,
      // The sale first, then each refund, as they happened.
      receipts: [...order.receipts].sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime()),
      cancellable: CANCELLABLE.has(order.status),
      idempotencyKey: randomUUID(),
    });
  });

  router.post("/orders/:id/cancel", requireLogin, async (req, res) => {
    const id = pathKey(req.params.id);
    const key = text(req.body, "idempotency_key", 200);
    if (!IDEMPOTENCY_KEY.test(key)) {
      sessions.flash(res, "error", "This page was out of date. Please try cancelling again.");
      return res.redirect(303, `/orders/${encodeURIComponent(id)}`);
    }
    try {
      await locals(res).shop.orders.cancel(id, {}, { idempotencyKey: key });
      sessions.flash(res, "success", "Your order was cancelled and a refund was issued. The refund receipt is below.");
    } catch (error) {
      const code = apiCode(error);
      if (code === "illegal_transition" || apiStatus(error) === 409) {
        const current = (error as { body?: { current_status?: string } }).body?.current_status;
        sessions.flash(
          res,
          "error",
          current ? `This order can't be cancelled: it is already ${humanize(current).toLowerCase()}.` : apiMessage(error, "This order can't be cancelled any more."),
        );
      } else if (apiStatus(error) === 402) {
        sessions.flash(res, "error", `The refund could not be made: ${apiMessage(error)} Please contact support.`);
      } else {
        throw error;
      }
    }
    res.redirect(303, `/orders/${encodeURIComponent(id)}`);
  });

  router.get("/receipts/:id", requireLogin, async (req, res) => {
    const receipt = await locals(res).shop.receipts.get(pathKey(req.params.id));
    res.render("receipt.njk", { title: `Receipt ${shortId(receipt.id)}`, receipt });
  });

  return router;
}
