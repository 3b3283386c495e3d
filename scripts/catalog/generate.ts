/**
 * Loads a deterministic synthetic catalog into a product database (issue 3): the same seed
 * gives the same products at any size. The generator itself lives in the product service
 * (services/product/src/catalog/generator.ts) because the development seed uses it too.
 *
 *   npx tsx --conditions=development scripts/catalog/generate.ts --count 1000000 [--seed 42] [--migrate]
 *       [--database-url mysql://...] [--sqlite-file data/product.sqlite]
 *   npx tsx --conditions=development scripts/catalog/generate.ts --sample 5      (print products, no database)
 */
import { createLogger, migrate, openDatabase } from "@disqo-commerce/kit";
import { generateProduct, loadCatalog } from "../../services/product/src/catalog/generator.js";
import { migrations } from "../../services/product/src/migrations/index.js";

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const seed = Number(arg("seed") ?? 42);

const sample = arg("sample");
if (sample) {
  for (let i = 0; i < Number(sample); i++) process.stdout.write(`${JSON.stringify(generateProduct(seed, i))}\n`);
} else {
  const count = Number(arg("count") ?? 1000);
  if (!Number.isInteger(count) || count < 1 || count > 10_000_000) throw new Error("--count must be an integer from 1 to 10,000,000");
  const logger = createLogger({ service: "catalog", level: "info" });
  const sequelize = openDatabase({ url: arg("database-url"), sqliteFile: arg("sqlite-file"), dataDir: "data", name: "product", logger });
  if (args.includes("--migrate")) await migrate(sequelize, migrations, logger);
  const started = Date.now();
  await loadCatalog(sequelize, {
    count,
    seed,
    batchSize: 2000,
    onProgress: (n) => {
      if (n % 100_000 === 0 || n === count) logger.info({ loaded: n, seconds: Math.round((Date.now() - started) / 1000) }, "catalog loading");
    },
  });
  await sequelize.close();
  logger.info({ products: count, seconds: (Date.now() - started) / 1000 }, "catalog loaded");
}
