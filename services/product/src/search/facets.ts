/*
 * Facet counts: how many matches fall in each category and in each price band. Every search
 * backend (FTS5 over SQLite, the MariaDB replica's FTS5 mirror, OpenSearch, and browsing
 * without words) counts the same rows: the matches of every filter of the request. They are
 * counted only when total_count is exact (at most COUNT_CAP matches), so the cost is bounded
 * by COUNT_CAP rows on every backend and the numbers never mix exact and capped counts.
 */

export const CATEGORIES = ["apparel", "books", "electronics", "home", "kitchen", "office", "outdoors", "toys", "other"] as const;
export type Category = (typeof CATEGORIES)[number];

/** The fixed price bands, in cents; `max` is inclusive so a band maps straight to min_price/max_price. */
export const PRICE_BANDS: readonly { min: number; max: number | null }[] = [
  { min: 0, max: 999 },
  { min: 1000, max: 2499 },
  { min: 2500, max: 4999 },
  { min: 5000, max: 9999 },
  { min: 10000, max: null },
];

export interface Facets {
  category: { value: Category; count: number }[];
  price: { min: number; max: number | null; count: number }[];
}

/** A SQL expression giving the band index (0-based, as in PRICE_BANDS) of `column`. */
export function priceBandSql(column: string): string {
  const arms = PRICE_BANDS.slice(0, -1).map((b, i) => `WHEN ${column} <= ${b.max} THEN ${i}`);
  return `CASE ${arms.join(" ")} ELSE ${PRICE_BANDS.length - 1} END`;
}

/** Facets from per-(category, band) counts; categories most matches first, then by name. */
export function facetsFromCounts(rows: { category: string; band: number | string; n: number | string }[]): Facets {
  const byCategory = new Map<string, number>();
  const byBand = new Map<number, number>();
  for (const r of rows) {
    const n = Number(r.n);
    byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + n);
    byBand.set(Number(r.band), (byBand.get(Number(r.band)) ?? 0) + n);
  }
  const category = [...byCategory]
    .filter(([value, count]) => count > 0 && (CATEGORIES as readonly string[]).includes(value))
    .map(([value, count]) => ({ value: value as Category, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  const price = PRICE_BANDS.flatMap((b, i) => {
    const count = byBand.get(i) ?? 0;
    return count > 0 ? [{ min: b.min, max: b.max, count }] : [];
  });
  return { category, price };
}
