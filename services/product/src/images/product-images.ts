import { randomBytes } from "node:crypto";
import { QueryTypes, type Sequelize } from "sequelize";
import { conflict, notFound, type Logger } from "@disqo-commerce/kit";
import type { components } from "../generated/openapi.js";
import type { ProductModels } from "../models/index.js";
import type { ImageStore } from "./image-store.js";
import { defaultWidth, makeRenditions, RENDITION_WIDTHS } from "./renditions.js";

export type ProductImageDto = components["schemas"]["ProductImage"];

/** One image as `products.images` holds it (a JSON array, in display order). */
export interface StoredImage {
  id: string;
  alt: string;
  width: number;
  height: number;
  /** The rendition widths it has, narrowest first. */
  widths: number[];
}

export const MAX_IMAGES_PER_PRODUCT = 8;

export function parseStoredImages(json: string | null | undefined): StoredImage[] {
  if (!json) return [];
  const parsed = JSON.parse(json) as unknown;
  return Array.isArray(parsed) ? (parsed as StoredImage[]) : [];
}

export const renditionKey = (imageId: string, width: number) => `${imageId}/${width}.webp`;
const renditionUrl = (imageId: string, width: number) => `/v1/product-images/${imageId}/${width}`;

export function toImageDto(image: StoredImage): ProductImageDto {
  return {
    id: image.id,
    alt: image.alt,
    width: image.width,
    height: image.height,
    url: renditionUrl(image.id, defaultWidth(image.widths)),
    srcset: image.widths.map((width) => ({ width, url: renditionUrl(image.id, width) })),
  };
}

const newImageId = () => randomBytes(10).toString("hex");

/**
 * Uploading, removing and serving product images. The bytes go to the ImageStore first and
 * the product row second, under the row's lock (the limit of 8 holds under concurrent
 * uploads); if the row update fails the stored renditions are removed again. Removal is the
 * other way round: the row first, then the files once no product refers to them (the demo
 * catalog shares its generated images between products).
 */
export function createProductImages(deps: { sequelize: Sequelize; models: ProductModels; store: ImageStore; logger: Logger }) {
  const { sequelize, store, logger } = deps;
  const { Product } = deps.models;

  async function stillReferenced(imageId: string): Promise<boolean> {
    const rows = await sequelize.query("SELECT 1 AS found FROM products WHERE images LIKE ? LIMIT 1", { replacements: [`%"${imageId}"%`], type: QueryTypes.SELECT });
    return rows.length > 0;
  }

  return {
    async add(productId: number, upload: Buffer, alt: string): Promise<void> {
      if (!(await Product.findByPk(productId, { attributes: ["id"] }))) throw notFound("No such product.");
      const renditions = await makeRenditions(upload);
      const id = newImageId();
      await Promise.all(renditions.files.map((f) => store.put(renditionKey(id, f.width), f.data)));
      try {
        await sequelize.transaction(async (t) => {
          const product = await Product.findByPk(productId, { transaction: t, lock: t.LOCK.UPDATE });
          if (!product) throw notFound("No such product.");
          const images = parseStoredImages(product.images);
          if (images.length >= MAX_IMAGES_PER_PRODUCT) throw conflict("conflict", `A product holds at most ${MAX_IMAGES_PER_PRODUCT} images; remove one first.`);
          images.push({ id, alt: alt.trim(), width: renditions.width, height: renditions.height, widths: renditions.files.map((f) => f.width) });
          product.images = JSON.stringify(images);
          await product.save({ transaction: t });
        });
      } catch (error) {
        await store.deleteAll(id).catch((err) => logger.warn({ err, imageId: id }, "could not remove the renditions of a refused upload"));
        throw error;
      }
    },

    async remove(productId: number, imageId: string): Promise<void> {
      await sequelize.transaction(async (t) => {
        const product = await Product.findByPk(productId, { transaction: t, lock: t.LOCK.UPDATE });
        if (!product) throw notFound("No such product.");
        const images = parseStoredImages(product.images);
        const kept = images.filter((i) => i.id !== imageId);
        if (kept.length === images.length) throw notFound("The product has no such image.");
        product.images = kept.length > 0 ? JSON.stringify(kept) : null;
        await product.save({ transaction: t });
      });
      // the row no longer shows it; a failure here leaves unreferenced files, never a broken image
      try {
        if (!(await stillReferenced(imageId))) await store.deleteAll(imageId);
      } catch (err) {
        logger.warn({ err, imageId }, "could not delete the files of a removed image");
      }
    },

    /** One rendition's bytes, or 404. */
    async rendition(imageId: string, width: number): Promise<Buffer> {
      if (!(RENDITION_WIDTHS as readonly number[]).includes(width)) throw notFound("No such image.");
      const data = await store.get(renditionKey(imageId, width));
      if (!data) throw notFound("No such image.");
      return data;
    },
  };
}

export type ProductImages = ReturnType<typeof createProductImages>;
