/**
 * Client-side funnel events (page views, product views), sent through the SDK once the page
 * has gone out: one batch per page, fire-and-forget, so analytics never slows or breaks a page.
 * Only shop pages a visitor saw count: GET, 200, not admin pages, not for a GPC opt-out.
 */
import type { NextFunction, Request, Response } from "express";
import type { TrackedEvent } from "@disqo-commerce/sdk";
import type { Logger } from "./logger.js";
import { locals } from "./session.js";

const EVENTS = Symbol("pageEvents");
type WithEvents = Response & { [EVENTS]?: TrackedEvent[] };

/** Adds an event to this page's batch (e.g. the product page's `product_view`). */
export function trackOnPage(res: Response, event: TrackedEvent): void {
  (res as WithEvents)[EVENTS]?.push(event);
}

export function trackPageViews(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== "GET" || !res.locals.visitorId || req.path.startsWith("/admin")) return next();
    const events: TrackedEvent[] = [];
    (res as WithEvents)[EVENTS] = events;
    res.on("finish", () => {
      if (res.statusCode !== 200 || !String(res.getHeader("content-type") ?? "").startsWith("text/html")) return;
      const batch: TrackedEvent[] = [{ type: "page_view", properties: { path: req.path.slice(0, 500) } }, ...events];
      locals(res)
        .shop.analytics.track(batch)
        .catch((error: unknown) => logger.debug({ err: error, path: req.path }, "page view not recorded"));
    });
    next();
  };
}
