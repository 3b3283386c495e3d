import { QueryTypes, type Sequelize } from "sequelize";
import type { Logger } from "@disqo-commerce/kit";
import { loadCatalog } from "./catalog/generator.js";
import { demoImagesJson, ensureDemoImages } from "./images/demo-images.js";
import type { ImageStore } from "./images/image-store.js";

/**
 * Development only: an empty catalog gets `count` generated products (the same generator as
 * the benchmark), each with a drawing of its category; the drawings are (re)written to the
 * image store whenever the seed runs, so a catalog whose image directory was cleared heals.
 */
export async function seedDemoCatalog(sequelize: Sequelize, store: ImageStore, count: number, logger: Logger): Promise<void> {
  if (count === 0) return;
  const images = await ensureDemoImages(store);
  const [row] = await sequelize.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM products", { type: QueryTypes.SELECT });
  if (Number(row?.n ?? 0) > 0) return;
  const started = Date.now();
  await loadCatalog(sequelize, { count, seed: 42, images: (p, index) => demoImagesJson(images, p, index) });
  logger.info({ products: count, ms: Date.now() - started }, "demo catalog seeded");
}
