import path from "node:path";
import { z } from "zod";
import { loadConfig } from "@disqo-commerce/kit";

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      PORT: z.coerce.number().int().min(0).max(65535).default(8002),
      /** Where uploaded product images are stored; default `<DATA_DIR>/images`. Replicas must share it (a shared volume). */
      IMAGE_DIR: z.string().optional(),
      /** How many generated products the development seed loads into an empty catalog. */
      SEED_PRODUCT_COUNT: z.coerce.number().int().min(0).max(1_000_000).default(1000),
      /**
       * On MariaDB/MySQL each replica keeps its search index in a local SQLite FTS5 file
       * (see search/replica-index.ts); default `<DATA_DIR>/product-search-index.sqlite`.
       */
      SEARCH_INDEX_FILE: z.string().optional(),
      /** How often a replica's local search index pulls catalog changes from the database. */
      SEARCH_REFRESH_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
      /** `fts5` (embedded, the default) or `opensearch` (see docs/SEARCH-OPENSEARCH.md). */
      SEARCH_BACKEND: z.enum(["fts5", "opensearch"]).default("fts5"),
      /** The OpenSearch HTTP endpoint, e.g. http://127.0.0.1:9200; required with SEARCH_BACKEND=opensearch. */
      OPENSEARCH_URL: z.string().url().optional(),
      /** Prepended to the index names (products_vN, products, products_feed), to share one OpenSearch between environments. */
      OPENSEARCH_INDEX_PREFIX: z
        .string()
        .regex(/^[a-z0-9_-]*$/)
        .default(""),
    },
    env,
  );
  if (config.SEARCH_BACKEND === "opensearch" && !config.OPENSEARCH_URL) throw new Error("Invalid configuration: OPENSEARCH_URL is required with SEARCH_BACKEND=opensearch");
  return config;
}

export type ProductConfig = ReturnType<typeof readConfig>;

export function imageDir(config: ProductConfig): string {
  return config.IMAGE_DIR ?? path.join(config.DATA_DIR, "images");
}

export function searchIndexFile(config: ProductConfig): string {
  return config.SEARCH_INDEX_FILE ?? path.join(config.DATA_DIR, "product-search-index.sqlite");
}
