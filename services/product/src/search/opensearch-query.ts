import { foldText } from "./opensearch-schema.js";
import { COUNT_CAP, type SearchHits, type SearchPosition, type SearchQuery } from "./search-index.js";

/*
 * One search as one OpenSearch request, with the FTS5 backend's semantics:
 * - every word must match somewhere in name, description or sku, each as a prefix;
 * - relevance is two tiers, every word in the name or sku first, then the rest, each newest
 *   first (highest id). The tier is the score: the words as a filter score nothing, and one
 *   optional constant_score clause adds exactly 1 when every word is also in `title`;
 * - pages continue with `search_after` on the sort values, which are the cursor's fields;
 * - the count stops at COUNT_CAP + 1 (track_total_hits), so beyond COUNT_CAP it is a lower bound.
 */

type Json = Record<string, unknown>;

/** The query words folded as the index folds them (see opensearch-schema.ts). */
export function queryWords(terms: string[]): string[] {
  return [...new Set(terms.map(foldText).filter((w) => w.length > 0))];
}

const everyWordIn = (field: "all" | "title", words: string[]): Json[] => words.map((w) => ({ prefix: { [field]: w } }));

export function searchBody(q: SearchQuery): Json {
  const words = queryWords(q.terms);
  const filter: Json[] = everyWordIn("all", words);
  if (!q.includeInactive) filter.push({ term: { active: true } });
  if (q.minPrice !== undefined || q.maxPrice !== undefined) {
    const range: Json = {};
    if (q.minPrice !== undefined) range.gte = q.minPrice;
    if (q.maxPrice !== undefined) range.lte = q.maxPrice;
    filter.push({ range: { price: range } });
  }
  const bool: Json = { filter };
  let sort: Json[];
  let after: unknown[] | undefined;
  const position = q.after?.sort === q.sort ? q.after : undefined;
  switch (q.sort) {
    case "relevance":
      bool.should = [{ constant_score: { filter: { bool: { filter: everyWordIn("title", words) } }, boost: 1 } }];
      sort = [{ _score: "desc" }, { id: "desc" }];
      if (position?.sort === "relevance") after = [position.tier === 0 ? 1 : 0, position.id];
      break;
    case "newest":
      sort = [{ id: "desc" }];
      if (position?.sort === "newest") after = [position.id];
      break;
    default: {
      const dir = q.sort === "price_asc" ? "asc" : "desc";
      sort = [{ price: dir }, { id: dir }];
      if (position && "price" in position) after = [position.price, position.id];
    }
  }
  return {
    query: { bool },
    sort,
    ...(after ? { search_after: after } : {}),
    size: q.limit + 1,
    track_total_hits: COUNT_CAP + 1,
    _source: false,
  };
}

/** Only what searchHits reads, so the response stays small. */
export const FILTER_PATH = ["hits.total", "hits.hits.sort"];

export type SearchResponse = { hits?: { total?: { value: number; relation: string }; hits?: { sort: (number | string)[] }[] } };

export function searchHits(q: SearchQuery, response: SearchResponse): SearchHits {
  const rows = response.hits?.hits ?? [];
  const matched = response.hits?.total?.value ?? 0;
  const page = rows.slice(0, q.limit);
  const idOf = (sort: (number | string)[]) => Number(sort[sort.length - 1]);
  let next: SearchPosition | null = null;
  const last = page[page.length - 1];
  if (rows.length > q.limit && last) {
    const id = idOf(last.sort);
    if (q.sort === "relevance") next = { sort: "relevance", tier: Number(last.sort[0]) >= 1 ? 0 : 1, id };
    else if (q.sort === "newest") next = { sort: "newest", id };
    else next = { sort: q.sort, price: Number(last.sort[0]), id };
  }
  return {
    ids: page.map((r) => idOf(r.sort)),
    next,
    total: Math.min(matched, COUNT_CAP),
    totalIsLowerBound: matched > COUNT_CAP,
  };
}
