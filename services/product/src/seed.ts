import { QueryTypes, type Sequelize } from "sequelize";
import type { Logger } from "@disqo-commerce/kit";
import { loadCatalog } from "./catalog/generator.js";

/** Development only: an empty catalog gets `count` generated products (the same generator as the benchmark). */
export async function seedDemoCatalog(sequelize: Sequelize, count: number, logger: Logger): Promise<void> {
  const [row] = await sequelize.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM products", { type: QueryTypes.SELECT });
  if (Number(row?.n ?? 0) > 0 || count === 0) return;
  const started = Date.now();
  await loadCatalog(sequelize, { count, seed: 42 });
  logger.info({ products: count, ms: Date.now() - started }, "demo catalog seeded");
}
