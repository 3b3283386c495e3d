/**
 * The search engine of the OpenSearch backend (SEARCH_BACKEND=opensearch). Not available on
 * this branch yet: the cluster runs the embedded FTS5 backend.
 */
import type { ClusterSettings } from "./settings.js";

export interface SearchEngine {
  url: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export async function startSearchEngine(_settings: ClusterSettings): Promise<SearchEngine> {
  throw new Error("SEARCH_BACKEND=opensearch is not available in this build; use the default (fts5)");
}
