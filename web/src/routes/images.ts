/**
 * Product images, same-origin: the browser asks the storefront, the storefront asks the API
 * through the SDK. Mounted before sessions, cookies and page-view tracking, because a results
 * page loads twenty of these and none of them is a page. An image never changes once uploaded
 * (a new upload gets a new id), so browsers and caches may keep it for a year.
 */
import { Router } from "express";
import type { SdkFactory } from "../shop.js";
import { apiStatus } from "../errors.js";

const IMAGE_ID = /^[a-f0-9]{20}$/;
const WIDTHS = new Set([160, 320, 640, 1024]);

export function imageRoutes(sdkFactory: SdkFactory): Router {
  const router = Router();
  router.get("/:id/:width", async (req, res, next) => {
    const width = Number(req.params.width);
    if (!IMAGE_ID.test(req.params.id) || !WIDTHS.has(width)) {
      res.status(404).end();
      return;
    }
    try {
      const blob = await sdkFactory({ clientAddress: req.ip }).products.image(req.params.id, width as 160);
      res.set({ "Content-Type": "image/webp", "Cache-Control": "public, max-age=31536000, immutable" });
      res.send(Buffer.from(await blob.arrayBuffer()));
    } catch (error) {
      if (apiStatus(error) === 404) {
        res.status(404).end();
        return;
      }
      next(error);
    }
  });
  return router;
}
