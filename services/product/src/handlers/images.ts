import { unprocessable, type HandlerMap } from "@disqo-commerce/kit";
import type { Request } from "express";
import type { operations } from "../generated/openapi.js";
import type { ProductDomain } from "./index.js";

type ImageOps = Pick<operations, "uploadProductImage" | "deleteProductImage" | "getProductImage">;

// an image never changes once uploaded (a new upload gets a new id)
const IMMUTABLE = "public, max-age=31536000, immutable";

/** The one `file` part of the multipart body, as the validator's multer left it. */
function uploadedFile(req: Request): Buffer {
  const files = ((req as Request & { files?: { fieldname: string; buffer: Buffer }[] }).files ?? []).filter((f) => f.fieldname === "file");
  if (files.length !== 1) throw unprocessable("validation_failed", "Send exactly one file, in the `file` part.", { errors: [{ path: "/body/file", message: "exactly one file" }] });
  return files[0].buffer;
}

export function imageHandlers(d: ProductDomain): HandlerMap<ImageOps> {
  return {
    async uploadProductImage({ params, body, req, principal }) {
      const id = Number(params.id);
      await d.images.add(id, uploadedFile(req), body.alt);
      return { status: 201, body: await d.catalog.get(id, principal) };
    },
    async deleteProductImage({ params, principal }) {
      const id = Number(params.id);
      await d.images.remove(id, params.image_id);
      return { status: 200, body: await d.catalog.get(id, principal) };
    },
    async getProductImage({ params }) {
      const data = await d.images.rendition(params.image_id, Number(params.width));
      return { status: 200, body: data, headers: { "Content-Type": "image/webp", "Cache-Control": IMMUTABLE } };
    },
  };
}
