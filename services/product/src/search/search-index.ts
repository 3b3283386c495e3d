import type { Category, Facets } from "./facets.js";

/*
 * The seam between the catalog and whatever answers full-text queries. The handlers and the
 * catalog only see this interface; an implementation per backend sits behind it (SQLite FTS5
 * in the service's database, a replica-local FTS5 index for MariaDB, OpenSearch).
 */

export type SearchSort = "relevance" | "newest" | "price_asc" | "price_desc";

/** Where the previous page ended, in the order's own terms (opaque to clients). */
export type SearchPosition =
  | { sort: "relevance"; tier: 0 | 1; id: number }
  | { sort: "newest"; id: number }
  | { sort: "price_asc" | "price_desc"; price: number; id: number };

export interface SearchQuery {
  /** Normalised words (see searchTerms); every one must match, each as a prefix. */
  terms: string[];
  includeInactive: boolean;
  minPrice?: number;
  maxPrice?: number;
  /** Only these products (the `ids` filter, at most 100). */
  ids?: number[];
  category?: Category;
  /** Count the matches per category and price band too (see facets.ts). */
  facets?: boolean;
  sort: SearchSort;
  after?: SearchPosition;
  limit: number;
}

export interface SearchHits {
  /** Matching product ids of this page, in order. */
  ids: number[];
  next: SearchPosition | null;
  /** Exact up to COUNT_CAP; COUNT_CAP with `totalIsLowerBound` beyond. */
  total: number;
  totalIsLowerBound: boolean;
  /** When asked for: the facet counts, or null when the matches exceed COUNT_CAP. */
  facets?: Facets | null;
}

export interface SearchIndex {
  search(query: SearchQuery): Promise<SearchHits>;
  /** Makes this process's index reflect every catalog change committed so far (read-your-writes). */
  sync(): Promise<void>;
  /** Readiness: throws while the index cannot answer (an external engine that is unreachable). */
  check?(): Promise<void>;
  close(): Promise<void>;
}

/** total_count is exact up to this many matches, a lower bound beyond (counting all matches does not scale). */
export const COUNT_CAP = 10_000;
const MAX_TERMS = 8;
const MAX_TERM_LENGTH = 64;

/**
 * Splits free text into the words the index knows: letters and digits, lower-cased, NFKC-
 * normalised (so full-width and compatibility forms match). Everything else separates words,
 * which also means no character of the user's text can act as query syntax.
 */
export function searchTerms(text: string): string[] {
  const words = text.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const unique = [...new Set(words.map((w) => w.slice(0, MAX_TERM_LENGTH)))];
  return unique.slice(0, MAX_TERMS);
}
