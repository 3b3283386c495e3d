/**
 * The admin's image upload form is multipart, and the CSRF check reads its token from the
 * body: so this one route's body is read (in memory, bounded like the API's own limit) before
 * that check runs. A body over the limit is not an error page: the route tells the admin why.
 */
import type { NextFunction, Request, Response } from "express";
import multer from "multer";

const MAX_BYTES = 5 * 1024 * 1024;
export const IMAGE_UPLOAD_PATH = "/admin/products/:id/images";

const parse = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_BYTES, files: 1, fields: 4, parts: 5 } }).single("file");

type Uploaded = { data: Buffer; type: string } | { problem: string };

export function readImageUpload(req: Request, res: Response, next: NextFunction): void {
  parse(req, res, (error: unknown) => {
    if (error) {
      const tooLarge = (error as { code?: string }).code === "LIMIT_FILE_SIZE";
      res.locals.uploadProblem = tooLarge ? "The image is larger than 5 MB." : "The upload could not be read; try again.";
      req.body ??= {};
    }
    next();
  });
}

export function uploadedImage(req: Request & { file?: Express.Multer.File }): Uploaded {
  const problem = req.res?.locals.uploadProblem as string | undefined;
  if (problem) return { problem };
  if (!req.file || req.file.size === 0) return { problem: "Choose an image file (PNG, JPEG or WebP) to upload." };
  return { data: req.file.buffer, type: req.file.mimetype };
}
