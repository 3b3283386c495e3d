import { CATEGORIES, facetsFromCounts, PRICE_BANDS, type Facets } from "./facets.js";
import { foldText } from "./opensearch-schema.js";
import { COUNT_CAP, type SearchHits, type SearchPosition, type SearchQuery } from "./search-index.js";

/*
 * One search as one OpenSearch _msearch round trip, with the FTS5 backend's semantics and its
 * shape (fts5-search.ts):
 * - every word must match somewhere in name, description or sku, each as a prefix;
 * - relevance is two tiers, every word in the name or sku first, then the description-only
 *   matches, each newest first (highest id): one request per tier, as FTS5 walks one doclist
 *   per tier. The index is sorted by id descending (opensearch-schema.ts), so a newest-first
 *   request stops after `limit + 1` matches instead of visiting every match;
 * - pages continue with `search_after` on the sort values, which are the cursor's fields;
 * - the count is its own request that stops at COUNT_CAP + 1 (track_total_hits), so beyond
 *   COUNT_CAP it is a lower bound; the page requests count nothing;
 * - facets, when asked for, are aggregations on the count request: a terms aggregation on
 *   category nested in a range aggregation over the price bands, i.e. per-(band, category)
 *   counts as the FTS5 backend's GROUP BY gives them; like there they are kept only when the
 *   count is exact (facets.ts).
 */

type Json = Record<string, unknown>;

/** The query words folded as the index folds them (see opensearch-schema.ts). */
export function queryWords(terms: string[]): string[] {
  return [...new Set(terms.map(foldText).filter((w) => w.length > 0))];
}

const everyWordIn = (field: "all" | "title", words: string[]): Json[] => words.map((w) => ({ prefix: { [field]: w } }));

/** What one search asks: the count, then one or two pages (the relevance tiers). */
export interface SearchPlan {
  count: Json;
  pages: { tier?: 0 | 1; body: Json }[];
}

export function searchPlan(q: SearchQuery): SearchPlan {
  const words = queryWords(q.terms);
  const matches: Json[] = everyWordIn("all", words);
  if (!q.includeInactive) matches.push({ term: { active: true } });
  if (q.minPrice !== undefined || q.maxPrice !== undefined) {
    const range: Json = {};
    if (q.minPrice !== undefined) range.gte = q.minPrice;
    if (q.maxPrice !== undefined) range.lte = q.maxPrice;
    matches.push({ range: { price: range } });
  }
  // `ids` with `q`: only the listed products that match the words (as on FTS5)
  if (q.ids !== undefined) matches.push({ terms: { id: q.ids } });
  if (q.category !== undefined) matches.push({ term: { category: q.category } });
  const page = (bool: Json, sort: Json[], after: unknown[] | undefined, size = q.limit + 1): Json => ({
    query: { bool },
    sort,
    ...(after ? { search_after: after } : {}),
    size,
    track_total_hits: false,
    _source: false,
  });
  const count: Json = { query: { bool: { filter: matches } }, size: 0, track_total_hits: COUNT_CAP + 1 };
  if (q.facets) count.aggs = FACET_AGGREGATIONS;
  const position = q.after?.sort === q.sort ? q.after : undefined;
  const newestFirst = [{ id: "desc" }];
  switch (q.sort) {
    case "relevance": {
      const after = position?.sort === "relevance" ? position : undefined;
      const inTitle = { bool: { filter: everyWordIn("title", words) } };
      const pages: SearchPlan["pages"] = [];
      if (!after || after.tier === 0) pages.push({ tier: 0, body: page({ filter: [...matches, inTitle] }, newestFirst, after ? [after.id] : undefined) });
      pages.push({ tier: 1, body: page({ filter: matches, must_not: [inTitle] }, newestFirst, after?.tier === 1 ? [after.id] : undefined) });
      return { count, pages };
    }
    case "newest":
      return { count, pages: [{ body: page({ filter: matches }, newestFirst, position?.sort === "newest" ? [position.id] : undefined) }] };
    default: {
      const dir = q.sort === "price_asc" ? "asc" : "desc";
      const after = position && "price" in position ? [position.price, position.id] : undefined;
      return { count, pages: [{ body: page({ filter: matches }, [{ price: dir }, { id: dir }], after) }] };
    }
  }
}

// range `to` is exclusive, the bands' `max` inclusive
const FACET_AGGREGATIONS = {
  bands: {
    range: { field: "price", ranges: PRICE_BANDS.map((b) => ({ from: b.min, ...(b.max === null ? {} : { to: b.max + 1 }) })) },
    aggs: { categories: { terms: { field: "category", size: CATEGORIES.length } } },
  },
};

/** Only what searchHits reads, so the responses stay small. */
export const FILTER_PATH = ["responses.hits.total", "responses.hits.hits.sort", "responses.error", "responses.status", "responses.aggregations"];

type FacetAggregations = { bands?: { buckets?: { doc_count: number; categories?: { buckets?: { key: string; doc_count: number }[] } }[] } };

export type SearchResponse = {
  hits?: { total?: { value: number; relation: string }; hits?: { sort: (number | string)[] }[] };
  aggregations?: FacetAggregations;
  error?: unknown;
};

function facetsOf(aggregations: FacetAggregations | undefined): Facets {
  // buckets come back in the order of the ranges asked for, i.e. band order
  const rows = (aggregations?.bands?.buckets ?? []).flatMap((band, i) => (band.categories?.buckets ?? []).map((c) => ({ category: c.key, band: i, n: c.doc_count })));
  return facetsFromCounts(rows);
}

export function searchHits(q: SearchQuery, plan: SearchPlan, responses: SearchResponse[]): SearchHits {
  const failed = responses.find((r) => r.error);
  if (failed || responses.length !== plan.pages.length + 1) throw new Error(`OpenSearch search failed: ${JSON.stringify(failed?.error ?? responses.length)}`);
  const matched = responses[0].hits?.total?.value ?? 0;
  // the pages in order, each row with the tier of its request
  const rows = plan.pages.flatMap((p, i) => (responses[i + 1].hits?.hits ?? []).map((h) => ({ sort: h.sort, tier: p.tier })));
  const page = rows.slice(0, q.limit);
  const idOf = (sort: (number | string)[]) => Number(sort[sort.length - 1]);
  let next: SearchPosition | null = null;
  const last = page[page.length - 1];
  if (rows.length > q.limit && last) {
    const id = idOf(last.sort);
    if (q.sort === "relevance") next = { sort: "relevance", tier: last.tier ?? 0, id };
    else if (q.sort === "newest") next = { sort: "newest", id };
    else next = { sort: q.sort, price: Number(last.sort[0]), id };
  }
  const lowerBound = matched > COUNT_CAP;
  return {
    ids: page.map((r) => idOf(r.sort)),
    next,
    total: Math.min(matched, COUNT_CAP),
    totalIsLowerBound: lowerBound,
    ...(q.facets ? { facets: lowerBound ? null : facetsOf(responses[0].aggregations) } : {}),
  };
}
