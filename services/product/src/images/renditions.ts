import sharp from "sharp";
import { AppError, unprocessable } from "@disqo-commerce/kit";

/** The widths every image is offered in (the spec's `width` enum); an image gets those up to its own width. */
export const RENDITION_WIDTHS = [160, 320, 640, 1024] as const;
export type RenditionWidth = (typeof RENDITION_WIDTHS)[number];

/** The width `url` points at: big enough for a product page, small enough for a phone. */
const DEFAULT_WIDTH = 640;
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
const MAX_PIXELS = 40_000_000;
const ACCEPTED_FORMATS = new Set(["png", "jpeg", "webp"]);

export interface Renditions {
  /** The upload's size after EXIF orientation. */
  width: number;
  height: number;
  /** WebP bytes per width, narrowest first. */
  files: { width: RenditionWidth; data: Buffer }[];
}

export function defaultWidth(widths: readonly number[]): number {
  return [...widths].reverse().find((w) => w <= DEFAULT_WIDTH) ?? widths[0];
}

/**
 * Checks an upload by its bytes, not its declared type (a PNG renamed .webp is still a PNG;
 * an SVG, which sharp could also read, is refused), then resizes it into every rendition
 * width up to its own as WebP. Decoding runs on libvips' threads, not the event loop.
 */
export async function makeRenditions(upload: Buffer): Promise<Renditions> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(upload, { limitInputPixels: MAX_PIXELS }).metadata();
  } catch {
    throw new AppError(415, "unsupported_media_type", "The file is not a PNG, JPEG or WebP image.");
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) throw new AppError(415, "unsupported_media_type", "The file is not a PNG, JPEG or WebP image.");
  const rotated = (meta.orientation ?? 1) >= 5;
  const width = (rotated ? meta.height : meta.width) ?? 0;
  const height = (rotated ? meta.width : meta.height) ?? 0;
  if (width * height > MAX_PIXELS) throw unprocessable("validation_failed", "The image has more than 40 megapixels.", { errors: [{ path: "/body/file", message: "at most 40 megapixels" }] });
  if (width < RENDITION_WIDTHS[0]) {
    throw unprocessable("validation_failed", `The image must be at least ${RENDITION_WIDTHS[0]} px wide.`, { errors: [{ path: "/body/file", message: `at least ${RENDITION_WIDTHS[0]} px wide` }] });
  }
  try {
    const files = await Promise.all(
      RENDITION_WIDTHS.filter((w) => w <= width).map(async (w) => ({
        width: w,
        data: await sharp(upload, { limitInputPixels: MAX_PIXELS }).rotate().resize({ width: w }).webp({ quality: 80 }).toBuffer(),
      })),
    );
    return { width, height, files };
  } catch {
    // the header parsed but the pixels do not (a truncated or corrupt file)
    throw unprocessable("validation_failed", "The image could not be read; it may be truncated or corrupt.", { errors: [{ path: "/body/file", message: "unreadable image" }] });
  }
}
